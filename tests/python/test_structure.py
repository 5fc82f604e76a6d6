#!/usr/bin/python3
"""The agenthost package's module graph has no cycle: every import inside the package (at the
top, inside functions, or under TYPE_CHECKING) is read with ast from python/agenthost, and
__init__ (which imports everything) may not be imported by any module. Needs no library."""

import ast
import os
import sys
import unittest
from typing import Dict, List, Optional, Set

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.normpath(os.path.join(HERE, "..", "..", "python", "agenthost"))


def package_modules(directory: str) -> Dict[str, str]:
    """Module name (without the package) -> path, for every .py file of the package."""
    return {name[:-3]: os.path.join(directory, name) for name in sorted(os.listdir(directory))
            if name.endswith(".py")}


def imported_modules(path: str, modules: Set[str]) -> Set[str]:
    """The package's modules a file imports, wherever the import statement is."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            absolute = node.level == 0 and (node.module or "").split(".")[0] == "agenthost"
            if node.level == 0 and not absolute:
                continue
            module = node.module or ""
            if absolute:
                module = module.split(".", 1)[1] if "." in module else ""
            if module:  # from .x import y / from agenthost.x import y
                found.add(module.split(".")[0])
            else:  # from . import x, y: submodules, or names of __init__
                names = {alias.name for alias in node.names}
                found.update(names & modules)
                if names - modules:
                    found.add("__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "agenthost":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    """A cycle as [a, b, ..., a], or None (depth-first search with colours)."""
    colour: Dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        colour[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in colour:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        colour[node] = 2
        return None

    for node in sorted(graph):
        if node not in colour:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


class ModuleGraphTest(unittest.TestCase):
    def graph(self) -> Dict[str, Set[str]]:
        modules = package_modules(PACKAGE)
        names = set(modules) | {"_pages", "_build_info"}  # built at install time
        return {name: imported_modules(path, names) - {name}
                for name, path in modules.items()}

    def test_the_package_has_no_import_cycle(self):
        graph = self.graph()
        self.assertIn("sessions", graph)
        self.assertIn("cache", graph["sessions"])  # the reader sees the imports at all
        self.assertIsNone(find_cycle(graph), graph)

    def test_no_module_imports_the_package_init(self):
        importers = [m for m, deps in self.graph().items() if "__init__" in deps]
        self.assertEqual(importers, [])

    def test_the_types_module_imports_nothing_from_the_package(self):
        self.assertEqual(self.graph()["types"], set())

    def test_the_checker_finds_cycles(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), ["a", "b", "c", "a"])
        self.assertIsNone(find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}))
        modules = {"cache", "sessions", "_lib"}
        tree = {"lazy": "def f():\n    from .sessions import SessionStore\n",
                "checking": "if TYPE_CHECKING:\n    from .cache import Cache\n",
                "dotted": "from . import _lib, version\n",
                "absolute": "import agenthost.cache\nfrom agenthost import sessions\n"}
        expected = {"lazy": {"sessions"}, "checking": {"cache"}, "dotted": {"_lib", "__init__"},
                    "absolute": {"cache", "sessions"}}
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in tree.items():
                path = os.path.join(tmp, name + ".py")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                self.assertEqual(imported_modules(path, modules), expected[name], name)


if __name__ == "__main__":
    sys.exit(unittest.main())

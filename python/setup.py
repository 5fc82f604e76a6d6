"""Builds the agenthost package: the version comes from the top-level CMakeLists.txt, the
built C library is bundled as agenthost/libagenthost_c.so.0 and the agenthost._pages extension
is compiled (see pyproject.toml for metadata)."""

import glob
import os
import re
import shutil
from typing import List

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
CMAKELISTS = os.path.join(HERE, "..", "CMakeLists.txt")
BUNDLED_NAME = "libagenthost_c.so.0"


def read_version() -> str:
    """x.y.z from `project(agenthost VERSION x.y.z ...)` in the top-level CMakeLists.txt."""
    try:
        with open(CMAKELISTS, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit("agenthost: cannot read %s for the version: %s" % (CMAKELISTS, e))
    match = re.search(r"project\s*\(\s*agenthost\s+VERSION\s+(\d+\.\d+\.\d+)", text)
    if not match:
        raise SystemExit("agenthost: no `project(agenthost VERSION x.y.z` in %s" % CMAKELISTS)
    return match.group(1)


def find_library() -> str:
    """AGENTHOST_C_LIBRARY if set, else the newest ../build/*/capi/libagenthost_c.so.*."""
    explicit = os.environ.get("AGENTHOST_C_LIBRARY")
    if explicit:
        if not os.path.isfile(explicit):
            raise SystemExit("agenthost: AGENTHOST_C_LIBRARY=%s is not a file" % explicit)
        return os.path.realpath(explicit)
    pattern = os.path.join(HERE, "..", "build", "*", "capi", "libagenthost_c.so.*")
    found: List[str] = sorted({os.path.realpath(p) for p in glob.glob(pattern)},
                              key=os.path.getmtime, reverse=True)
    if not found:
        raise SystemExit(
            "agenthost: no built C library: build it first (cmake --build build/dev --target "
            "agenthost_c) or set AGENTHOST_C_LIBRARY to libagenthost_c.so; looked for "
            + os.path.normpath(pattern))
    return found[0]


class BuildPy(build_py):
    """build_py that bundles the C library and writes agenthost/_build_info.py."""

    def run(self) -> None:
        super().run()
        library = find_library()
        target = os.path.join(self.build_lib, "agenthost")
        self.mkpath(target)
        shutil.copyfile(library, os.path.join(target, BUNDLED_NAME))
        with open(os.path.join(target, "_build_info.py"), "w", encoding="utf-8") as f:
            f.write('"""Written by setup.py at build time."""\n\n')
            f.write("VERSION = %r\n" % read_version())
            f.write("LIBRARY_SOURCE = %r\n" % library)
        self.announce("agenthost: bundled %s" % library, level=2)


# Builds listing pages as dicts from the C ABI's page views (see agenthost/_pages.c). Optional: a
# machine without a C compiler or Python's headers (Debian's python3-dev) gets the package
# without it, and listings fall back to one json.loads of the page's JSON.
PAGES = Extension("agenthost._pages", sources=["agenthost/_pages.c"],
                  include_dirs=[os.path.join(HERE, "..", "capi", "include")],
                  extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"], optional=True)

setup(version=read_version(), cmdclass={"build_py": BuildPy}, ext_modules=[PAGES])

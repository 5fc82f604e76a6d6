"""Builds the agenthost package: the version comes from the top-level CMakeLists.txt, the C
library (AGENTHOST_C_LIBRARY, else built here with CMake from the checkout that contains this
directory) is bundled as agenthost/libagenthost_c.so.0 and the agenthost._pages extension is
compiled (see pyproject.toml for metadata)."""

import glob
import os
import re
import shlex
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, ".."))  # the checkout that contains python/
CMAKELISTS = os.path.join(SOURCE, "CMakeLists.txt")
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


def find_library(build_temp: str) -> str:
    """AGENTHOST_C_LIBRARY if set, else the library CMake builds from the enclosing checkout."""
    explicit = os.environ.get("AGENTHOST_C_LIBRARY")
    if explicit:
        if not os.path.isfile(explicit):
            raise SystemExit("agenthost: AGENTHOST_C_LIBRARY=%s is not a file" % explicit)
        return os.path.realpath(explicit)
    return build_library(os.path.join(build_temp, "libagenthost_c"))


def build_library(build_dir: str) -> str:
    """Configures and builds the agenthost_c target (Release; no tests, examples, benchmarks or
    install rules) of the checkout that contains this directory, in build_dir, and returns the
    built library. AGENTHOST_CMAKE_ARGS adds configure arguments; CMAKE_BUILD_PARALLEL_LEVEL (else
    the number of CPUs) sets the jobs; CMake's own variables (CMAKE_CXX_COMPILER_LAUNCHER, ...)
    apply as usual."""
    if not os.path.isfile(os.path.join(SOURCE, "CMakeLists.txt")) or \
            not os.path.isdir(os.path.join(SOURCE, "capi")):
        raise SystemExit("agenthost: AGENTHOST_C_LIBRARY is not set and %s is not an agenthost "
                         "checkout to build libagenthost_c from: set AGENTHOST_C_LIBRARY to a "
                         "built libagenthost_c.so" % SOURCE)
    cmake = shutil.which("cmake")
    if cmake is None:
        raise SystemExit("agenthost: building libagenthost_c needs cmake (3.18 or later) on PATH, "
                         "or set AGENTHOST_C_LIBRARY to a built libagenthost_c.so")
    configure = [cmake, "-S", SOURCE, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                 "-DAGENTHOST_BUILD_TESTS=OFF", "-DAGENTHOST_BUILD_EXAMPLES=OFF",
                 "-DAGENTHOST_BUILD_BENCH=OFF", "-DAGENTHOST_INSTALL=OFF",
                 "-DAGENTHOST_WERROR=OFF"]
    fresh = not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt"))
    if fresh and shutil.which("ninja"):
        configure += ["-G", "Ninja"]  # a generator is chosen once per build directory
    configure += shlex.split(os.environ.get("AGENTHOST_CMAKE_ARGS", ""))
    build = [cmake, "--build", build_dir, "--target", "agenthost_c"]
    if not os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL"):
        build += ["--parallel", str(os.cpu_count() or 1)]
    for command in (configure, build):
        print("agenthost: " + " ".join(command), flush=True)
        if subprocess.call(command) != 0:
            raise SystemExit("agenthost: building libagenthost_c failed: %s (the packages "
                             "scripts/install-deps.sh installs are needed)" % " ".join(command))
    built = [p for p in glob.glob(os.path.join(build_dir, "capi", "libagenthost_c.so.*"))
             if not os.path.islink(p)]
    if len(built) != 1:
        raise SystemExit("agenthost: expected one libagenthost_c.so.* in %s, found %s"
                         % (os.path.join(build_dir, "capi"), built or "none"))
    return os.path.realpath(built[0])


class BuildPy(build_py):
    """build_py that bundles the C library and writes agenthost/_build_info.py."""

    def run(self) -> None:
        super().run()
        library = find_library(self.get_finalized_command("build").build_temp)
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

// npm's install step for agenthost: puts build/Release/agenthost.node and the
// libagenthost_c.so.0 it links (RUNPATH $ORIGIN) in place. docs/node.md says how:
// - a packed tarball that carries both (npm pack of a built package) uses them as they are;
// - in a checkout (this directory's parent, or AGENTHOST_SOURCE_DIR), the C library is
//   AGENTHOST_C_LIBRARY when set, else built with CMake (Release, only the agenthost_c target,
//   in build/libagenthost_c, reused by the next install), and the addon is built with CMake
//   against the npm packages node-api-headers and node-addon-api. Nothing is downloaded.
// AGENTHOST_CMAKE_ARGS adds configure arguments to both builds; CMAKE_BUILD_PARALLEL_LEVEL sets the
// jobs (default: every CPU).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, lstatSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const release = join(pkg, "build", "Release");
const addon = join(release, "agenthost.node");
const bundled = join(release, "libagenthost_c.so.0");
const checkout = resolve(process.env.AGENTHOST_SOURCE_DIR || join(pkg, ".."));
const isCheckout = existsSync(join(checkout, "CMakeLists.txt")) &&
    existsSync(join(checkout, "capi", "include", "agenthost.h"));

function fail(message) {
  console.error(`agenthost: ${message}`);
  process.exit(1);
}

function run(command, args) {
  console.log(`agenthost: ${command} ${args.join(" ")}`);
  const r = spawnSync(command, args, { stdio: "inherit" });
  if (r.error) fail(`${command}: ${r.error.message}`);
  if (r.status !== 0) {
    fail(`building failed: ${command} ${args.join(" ")} (the packages scripts/install-deps.sh ` +
         "installs are needed: cmake, a C++17 compiler and agenthost's libraries)");
  }
}

const extraArgs = (process.env.AGENTHOST_CMAKE_ARGS || "").split(/\s+/).filter(Boolean);
const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL
    ? []
    : ["--parallel", String(os.availableParallelism ? os.availableParallelism() : os.cpus().length)];
const generator = (dir) =>
    !existsSync(join(dir, "CMakeCache.txt")) &&
    spawnSync("ninja", ["--version"], { stdio: "ignore" }).status === 0
        ? ["-G", "Ninja"] : [];

function buildLibrary() {
  const dir = join(pkg, "build", "libagenthost_c");
  run("cmake", ["-S", checkout, "-B", dir, ...generator(dir), "-DCMAKE_BUILD_TYPE=Release",
                "-DAGENTHOST_BUILD_TESTS=OFF", "-DAGENTHOST_BUILD_EXAMPLES=OFF",
                "-DAGENTHOST_BUILD_BENCH=OFF", "-DAGENTHOST_INSTALL=OFF",
                "-DAGENTHOST_WERROR=OFF", ...extraArgs]);
  run("cmake", ["--build", dir, "--target", "agenthost_c", ...jobs]);
  const capi = join(dir, "capi");
  const built = readdirSync(capi).filter((f) => /^libagenthost_c\.so\.\d+\.\d+\.\d+$/.test(f) &&
                                                !lstatSync(join(capi, f)).isSymbolicLink());
  if (built.length !== 1) fail(`expected one libagenthost_c.so.X.Y.Z in ${capi}, found ${built}`);
  return join(capi, built[0]);
}

function library() {
  const explicit = process.env.AGENTHOST_C_LIBRARY;
  if (!explicit) return buildLibrary();
  if (!existsSync(explicit)) fail(`AGENTHOST_C_LIBRARY=${explicit} is not a file`);
  return realpathSync(explicit);
}

if (!isCheckout) {
  if (existsSync(addon) && existsSync(bundled)) {
    console.log("agenthost: using the addon and library packed in this package");
    process.exit(0);
  }
  fail(`${checkout} is not an agenthost checkout to build from, and this package carries no ` +
       "built addon: set AGENTHOST_SOURCE_DIR to an agenthost checkout");
}

// The build's npm packages (node-api-headers, node-addon-api), from this package's
// node_modules. npm does not install the dependencies of a linked directory outside the project
// (`npm install ../agenthost/node`): then they are installed here with `npm ci` from this
// package's lock file (the npm registry, or npm's cache with --offline), build dependencies only.
function tryResolve(file) {
  try {
    return createRequire(import.meta.url).resolve(file);
  } catch {
    return null;
  }
}

function resolvePackage(file) {
  let found = tryResolve(file);
  if (found === null) {
    const npm = process.env.npm_execpath;
    const args = ["ci", "--omit=dev", "--omit=optional", "--omit=peer", "--ignore-scripts",
                  "--no-audit", "--no-fund", "--loglevel=error"];
    if (process.env.npm_config_offline === "true") args.push("--offline");
    const r = npm ? spawnSync(process.execPath, [npm, ...args], { cwd: pkg, stdio: "inherit" })
                  : spawnSync("npm", args, { cwd: pkg, stdio: "inherit" });
    if (r.status !== 0) fail(`npm ci in ${pkg} (for ${file}) failed`);
    found = tryResolve(file);
  }
  if (found === null) fail(`cannot find ${file} in ${pkg}/node_modules`);
  return found;
}
const headers = createRequire(resolvePackage("node-api-headers/package.json"))("node-api-headers").include_dir;
const addonApi = dirname(resolvePackage("node-addon-api/package.json"));
mkdirSync(release, { recursive: true });
const lib = library();
copyFileSync(lib, bundled);
const dir = join(pkg, "build", "addon");
run("cmake", ["-S", pkg, "-B", dir, ...generator(dir), "-DCMAKE_BUILD_TYPE=Release",
              `-DNODE_API_HEADERS_DIR=${headers}`, `-DNODE_ADDON_API_DIR=${addonApi}`,
              `-DAGENTHOST_C_INCLUDE_DIR=${join(checkout, "capi", "include")}`,
              `-DAGENTHOST_C_LIBRARY=${bundled}`, `-DAGENTHOST_NODE_OUTPUT_DIR=${release}`,
              ...extraArgs]);
run("cmake", ["--build", dir, ...jobs]);
if (!existsSync(addon)) fail(`the build did not write ${addon}`);
console.log(`agenthost: built ${addon} with ${lib}`);

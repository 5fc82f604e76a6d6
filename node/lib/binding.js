// Loads the addon (build/Release/agenthost.node, which links the libagenthost_c.so.0 beside it)
// and checks that the library's version is the package's.
import { createRequire } from "node:module";

import { errorFor } from "./errors.js";

const require = createRequire(import.meta.url);
const PACKAGE_VERSION = require("../package.json").version;

/** @type {any} */
let addon;
try {
  addon = require("../build/Release/agenthost.node");
} catch (e) {
  throw new Error("agenthost: cannot load build/Release/agenthost.node (install the package with " +
                  `npm so that scripts/install.mjs builds it): ${e instanceof Error ? e.message : e}`);
}
addon.setErrorFactory(errorFor);
if (addon.version() !== PACKAGE_VERSION) {
  throw new Error(`agenthost: the package is ${PACKAGE_VERSION} but its libagenthost_c is ` +
                  `${addon.version()}: reinstall the package`);
}

export default addon;
export const VERSION = PACKAGE_VERSION;

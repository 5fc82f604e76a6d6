// What the node tests share: the backend's URL, a real local webhook server
// (tests/support/webhook_server.py on a free port, stopped by its PID) and hook inputs.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BACKEND = process.env.AGENTHOST_TEST_BACKEND ?? "memory";
const SOURCE = process.env.AGENTHOST_SOURCE_DIR ??
    join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function backendUrl() {
  if (BACKEND === "memory") return "memory://";
  return readFileSync(process.env.AGENTHOST_TEST_REDIS_URL_FILE, "utf8").trim();
}

/** A unique key prefix, so that runs against the shared Redis never meet. */
export const prefix = () => `node-test-${process.pid}-${Math.random().toString(36).slice(2)}:`;

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function reachable(port) {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** Starts tests/support/webhook_server.py; `await server.stop()` ends it by its PID. */
export async function webhookServer() {
  const port = await freePort();
  const child = spawn("/usr/bin/python3", [join(SOURCE, "tests", "support", "webhook_server.py"),
                                           String(port)], { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 200 && !(await reachable(port)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = (path) => `http://127.0.0.1:${port}${path}`;
  await fetch(url("/_nodelay"));
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill();
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

export function preToolUse(n = 0, extra = {}) {
  return { hook_event_name: "PreToolUse", session_id: `s${n}`, tool_name: "Bash",
           tool_input: { command: "ls" }, ...extra };
}

export { spawnSync };

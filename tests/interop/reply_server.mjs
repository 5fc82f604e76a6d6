// The webhook of the interop tests: every request must carry a signature that both official
// Standard Webhooks verifiers (the standardwebhooks and svix packages) accept, and is answered
// with the reply shape its path names.
//   usage: node reply_server.mjs <node_modules dir> <cases.json> <port file> <secret>...
//   POST /s/<k>/<case>  verify with secret k, then answer cases[<case>].reply (401 if unverified)
//   GET  /_stats        {"requests","verified_standardwebhooks","verified_svix","events":[...]}
import { createServer } from "node:http";
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [modules, casesFile, portFile, ...secrets] = process.argv.slice(2);
const require = createRequire(join(modules, "noop.js"));
const { Webhook: StandardWebhook } = require("standardwebhooks");
const { Webhook: SvixWebhook } = await import(join(modules, "svix", "dist", "index.mjs"));

const cases = new Map(JSON.parse(readFileSync(casesFile, "utf8")).map((c) => [c.name, c]));
const stats = { requests: 0, verified_standardwebhooks: 0, verified_svix: 0, events: [] };

function verifies(make, secret, body, headers) {
  try {
    make(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

function answer(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json",
                          "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/_stats") return answer(res, 200, JSON.stringify(stats));
    const m = req.url.match(/^\/s\/(\d+)\/([A-Za-z0-9_.-]+)$/);
    const c = m && cases.get(m[2]);
    if (req.method !== "POST" || !c || Number(m[1]) >= secrets.length) {
      return answer(res, 404, '{"error":"no such case"}');
    }
    const body = Buffer.concat(chunks).toString("utf8");
    stats.requests += 1;
    stats.events.push(JSON.parse(body).hook_event_name);
    const secret = secrets[Number(m[1])];
    const std = verifies((s) => new StandardWebhook(s), secret, body, req.headers);
    const svix = verifies((s) => new SvixWebhook(s), secret, body, req.headers);
    stats.verified_standardwebhooks += std ? 1 : 0;
    stats.verified_svix += svix ? 1 : 0;
    if (!std || !svix) return answer(res, 401, '{"error":"signature not verified"}');
    answer(res, 200, typeof c.reply === "string" ? c.reply : JSON.stringify(c.reply));
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => {
  writeFileSync(portFile + ".tmp", String(server.address().port));
  renameSync(portFile + ".tmp", portFile);
});

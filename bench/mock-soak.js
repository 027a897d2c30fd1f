// Soak test of the embedded mock as a long-running server (`faxplus mock`): 200 keep-alive clients
// on loopback for a given time, a realistic mix of calls (record and account GETs, fax lists,
// outbox lists, uploads, sends), and once a minute the p50/p99 latency of that minute and the
// mock's resident memory (its own process, sampled every 2 s; the minute's peak) and the mock's
// CPU time per request (which, unlike latency, hardly depends on what else the machine runs).
// Flat rows are the goal: neither latency, CPU per request nor memory should grow with the number
// of requests served.
//
// Usage: node bench/mock-soak.js [--minutes 10] [--clients 200] [--dist DIR]
//   (needs dist/: `npm run compile`; --dist runs another build of the mock, e.g. an older one)
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    clients: { type: "string", default: "200" },
    dist: { type: "string" },
  },
});
const minutes = Number(values.minutes);
const clients = Number(values.clients);
const serverScript = new URL("./mock-soak-server.js", import.meta.url).pathname;
const child = fork(serverScript, values.dist ? [values.dist] : [], { stdio: "inherit" });
const { baseUrl } = await new Promise((resolve) => child.once("message", resolve));
const url = new URL(baseUrl);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const md5 = (text) => createHash("md5").update(text).digest("hex");
const inboxIds = Array.from({ length: 300 }, (_, i) => md5(`inbox:${i}`));
const pdf = Buffer.concat([
  Buffer.from("%PDF-1.4\n"),
  Buffer.alloc(8 * 1024, 0x20),
  Buffer.from("\n%%EOF\n"),
]);

// A seeded generator (mulberry32), so that runs draw the same mix.
let seed = 20261207;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path: `${url.pathname}${path}`,
        headers: { authorization: "Bearer soak", ...headers },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function upload() {
  const boundary = `soak${Math.floor(random() * 1e12)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="fax_file"; filename="a.pdf"\r\ncontent-type: application/pdf\r\n\r\n`,
    ),
    pdf,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return call("POST", "/accounts/self/files?format=pdf", body, {
    "content-type": `multipart/form-data; boundary=${boundary}`,
    "content-length": String(body.length),
  });
}

function send(file) {
  const body = JSON.stringify({
    from: "+16699990000",
    to: [`+1415555${String(Math.floor(random() * 9000) + 1000)}`],
    files: [file],
    return_ids: true,
  });
  return call("POST", "/accounts/self/outbox", body, { "content-type": "application/json" });
}

/** One call of the mix; the kind is returned for the error count. */
async function oneCall(state) {
  const r = random();
  if (r < 0.35) return call("GET", `/accounts/self/faxes/${inboxIds[Math.floor(random() * 300)]}`);
  if (r < 0.45) return call("GET", "/accounts/self");
  if (r < 0.6) return call("GET", "/accounts/self/faxes?category=sent&limit=20");
  if (r < 0.7) return call("GET", "/accounts/self/outbox");
  if (r < 0.85 || !state.file) {
    const answer = await upload();
    if (answer.status === 200) state.file = JSON.parse(answer.text).path;
    return answer;
  }
  const answer = await send(state.file);
  state.file = undefined;
  return answer;
}

let latencies = [];
/** Answers of 400 and above (and failed calls, as 0), by status, this minute. */
let errors = new Map();
const countError = (status) => errors.set(status, (errors.get(status) ?? 0) + 1);
let peakRss = 0;
let stopped = false;
const start = Date.now();
const end = start + minutes * 60_000;

async function client() {
  const state = { file: undefined };
  while (!stopped && Date.now() < end) {
    const t0 = performance.now();
    try {
      const answer = await oneCall(state);
      if (answer.status >= 400) countError(answer.status);
    } catch {
      countError(0);
    }
    latencies.push(performance.now() - t0);
  }
}

function sample() {
  return new Promise((resolve) => {
    child.once("message", resolve);
    child.send("rss");
  });
}

const sampler = setInterval(async () => {
  peakRss = Math.max(peakRss, (await sample()).rss);
}, 2000);
let cpuBefore = (await sample()).cpuMicros;

const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const intervalMs = Math.min(60_000, minutes * 60_000);
const rows = [];
console.log(`mock soak: ${clients} keep-alive clients, ${minutes} min, ${values.dist ?? "dist/"}`);
console.log(
  "minute  requests  req/s   p50 ms   p99 ms   peak RSS MB  CPU µs/req  errors by status",
);
const reporter = setInterval(async () => {
  const done = latencies.sort((a, b) => a - b);
  latencies = [];
  const now = await sample();
  const rss = Math.max(peakRss, now.rss);
  peakRss = 0;
  const cpuPerRequest = (now.cpuMicros - cpuBefore) / Math.max(1, done.length);
  cpuBefore = now.cpuMicros;
  const row = {
    minute: rows.length + 1,
    requests: done.length,
    perSecond: Math.round(done.length / (intervalMs / 1000)),
    p50: quantile(done, 0.5),
    p99: quantile(done, 0.99),
    rssMb: rss / 2 ** 20,
    cpuPerRequest,
    errors: Object.fromEntries(errors),
  };
  errors = new Map();
  rows.push(row);
  console.log(
    [
      String(row.minute).padStart(6),
      String(row.requests).padStart(9),
      String(row.perSecond).padStart(6),
      row.p50.toFixed(1).padStart(8),
      row.p99.toFixed(1).padStart(8),
      row.rssMb.toFixed(1).padStart(12),
      row.cpuPerRequest.toFixed(0).padStart(11),
      `  ${JSON.stringify(row.errors)}`,
    ].join(" "),
  );
}, intervalMs);

await Promise.all(Array.from({ length: clients }, client));
stopped = true;
clearInterval(sampler);
await new Promise((resolve) =>
  setTimeout(resolve, Math.max(0, start + minutes * 60_000 + 2000 - Date.now())),
);
clearInterval(reporter);
agent.destroy();
child.send("stop");
console.log(JSON.stringify({ clients, minutes, rows }));

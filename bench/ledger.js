// Exactly-once sending, measured against the embedded mock (in a child process, latency 0):
// 1. the ledger's overhead per send: `send` without a ledger, with memoryLedger, with fileLedger
//    (an fsync per intent), `reps` x 200 sends each, interleaved; median ms per send.
// 2. a 10,000-recipient broadcast (fileLedger, concurrency 4) against a plain loop of sends
//    (concurrency 4, no ledger): wall time; and the client's peak RSS at 2,500 and 10,000
//    recipients (each run in its own process), to show memory does not grow with the list.
//
// Usage: node bench/ledger.js [reps=3]   (prints one JSON line; needs dist/: npm run compile)
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const load = (path) => import(pathToFileURL(join(repo, path)).href);
const numbers = (count, base) =>
  Array.from({ length: count }, (_, i) => `+1${String(base + i).padStart(10, "0")}`);

const mode = process.argv[2];
if (mode === "--server") {
  const { startMockServer } = await load("dist/src/mock/index.js");
  const mock = await startMockServer({ seed: false, deliveryMs: 50, inboxSize: 0 });
  process.send(mock.baseUrl);
} else if (mode === "--client") {
  const [baseUrl, kind, count] = [process.argv[3], process.argv[4], Number(process.argv[5])];
  process.send(await client(baseUrl, kind, count));
  process.exit(0);
} else {
  const reps = Number(process.argv[2] ?? 3);
  const server = fork(fileURLToPath(import.meta.url), ["--server"], { stdio: "inherit" });
  const baseUrl = await new Promise((resolve) => server.once("message", resolve));
  try {
    const perSend = { none: [], memory: [], file: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of Object.keys(perSend)) {
        perSend[kind].push((await inChild(baseUrl, `send-${kind}`, 200)).msPerSend);
      }
    }
    const loop = await inChild(baseUrl, "loop", 10_000);
    const big = await inChild(baseUrl, "broadcast", 10_000);
    const small = await inChild(baseUrl, "broadcast", 2_500);
    console.log(
      JSON.stringify({
        bench: "ledger",
        msPerSend: Object.fromEntries(Object.entries(perSend).map(([k, v]) => [k, median(v)])),
        plainLoop10k: { wallMs: loop.wallMs, peakRssMb: loop.peakRssMb },
        broadcast10k: { wallMs: big.wallMs, peakRssMb: big.peakRssMb, sent: big.sent },
        broadcast2500: { wallMs: small.wallMs, peakRssMb: small.peakRssMb, sent: small.sent },
      }),
    );
  } finally {
    server.kill();
  }
}

function inChild(baseUrl, kind, count) {
  const child = fork(fileURLToPath(import.meta.url), ["--client", baseUrl, kind, String(count)]);
  return new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => code !== 0 && reject(new Error(`${kind} exited ${code}`)));
  });
}

async function client(baseUrl, kind, count) {
  const { FaxPlus, broadcast, memoryLedger, fileLedger } = await load("dist/src/node.js");
  const fax = new FaxPlus({ token: "bench", baseUrl });
  const path = await fax.upload(new Blob(["%PDF-1.4"], { type: "application/pdf" }));
  const dir = await mkdtemp(join(tmpdir(), "faxplus-bench-"));
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const base = 2_000_000_000 + Math.floor(Math.random() * 1e6) * 10_000;
  try {
    const to = numbers(count, base);
    const started = performance.now();
    let sent = 0;
    if (kind.startsWith("send-")) {
      const which = kind.slice(5);
      for (let i = 0; i < count; i++) {
        const ledger =
          which === "memory"
            ? memoryLedger()
            : which === "file"
              ? fileLedger(join(dir, `l${i}.ledger`))
              : undefined;
        await fax.send({ from: "+16699990000", to: [to[i]], files: [path] }, { ledger });
        sent++;
      }
    } else if (kind === "loop") {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < count) {
            const i = next++;
            await fax.send({ from: "+16699990000", to: [to[i]], files: [path] });
            sent++;
          }
        }),
      );
    } else {
      const result = await broadcast(
        fax,
        { from: "+16699990000", recipients: to, files: [path] },
        { ledger: fileLedger(join(dir, "b.ledger")), concurrency: 4 },
      );
      sent = result.sent;
    }
    const wallMs = Math.round(performance.now() - started);
    return {
      wallMs,
      msPerSend: Number(((performance.now() - started) / count).toFixed(3)),
      peakRssMb: Math.round(peak / 1e6),
      sent,
    };
  } finally {
    clearInterval(sample);
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Peak memory of `download()` (a fax document into one Blob): a child process downloads an N MB
// document from a local server in this process and reports its peak RSS growth over the RSS it had
// just before (after a warm-up download and a GC). Target (issue 21): at most 2.2x the document;
// the download keeps one copy of it. Also: a server that sends more than `maxBytes` (here an
// endless body) is cut off, with the bytes it got to send.
//
// Usage: node bench/download-memory.js [MB=50]   (prints one JSON line)
// The SDK comes from dist/ when it exists (run `npm run compile` first), else src/ is bundled
// with esbuild. test/workflows/download.test.ts runs measureDownloadMemory() on a src bundle.
import { fork } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sdkUrl } from "./sdk.js";

const CHUNK = Buffer.alloc(64 * 1024, 0x25); // "%%%%…": the server sends this one buffer again and again

/** The child: downloads "warm" (small) then "big", and reports its RSS. */
const CHILD = `
const [sdkUrl, baseUrl, maxBytes] = process.argv.slice(2);
const { FaxPlus, download } = await import(sdkUrl);
const fax = new FaxPlus({ token: "t", baseUrl, maxRetries: 0, timeout: 600000 });
await download(fax, "warm");
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
let size, error;
try {
  const blob = await download(fax, "big", maxBytes ? { maxBytes: Number(maxBytes) } : {});
  size = blob.size;
} catch (e) {
  error = { name: e.name, message: e.message };
}
clearInterval(sampler);
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
process.send({ baseline, peak, size, error });
`;

/** An SDK module URL: dist/src/index.js, or a bundle of src/index.ts in `dir` (bench/sdk.js). */
export async function sdkModule(dir, { fromSource = false } = {}) {
  return (await sdkUrl("index", dir, { fromSource })).url;
}

/**
 * Serves `bytes` bytes (or an endless body with `endless`) at /files/big, 1 kB at /files/warm;
 * counts what it sent.
 */
async function serve({ bytes, endless, contentLength }) {
  const stats = { sent: 0 };
  const server = createServer((req, res) => {
    if (!req.url.includes("/files/big")) {
      res.writeHead(200, { "content-type": "application/pdf" });
      return void res.end(Buffer.alloc(1024, 0x25));
    }
    const headers = { "content-type": "application/pdf" };
    if (contentLength && !endless) headers["content-length"] = String(bytes);
    res.writeHead(200, headers);
    let left = endless ? Infinity : bytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= chunk.length;
        stats.sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on("close", () => (left = 0));
    pump();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, stats, baseUrl: `http://127.0.0.1:${server.address().port}/v3` };
}

/**
 * Runs one download in a child process. `bytes`: the document's size; `endless`: the server
 * never stops (then `maxBytes` must end it); `contentLength`: announce the size.
 * Resolves { bytes, sentBytes, baseline, peak, growth, ratio, size, error }.
 */
export async function measureDownloadMemory({
  sdkUrl,
  bytes = 50e6,
  endless = false,
  contentLength = true,
  maxBytes,
}) {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-download-memory-"));
  const { server, stats, baseUrl } = await serve({ bytes, endless, contentLength });
  try {
    const script = join(dir, "child.mjs");
    await writeFile(script, CHILD);
    const child = fork(script, [sdkUrl, baseUrl, maxBytes === undefined ? "" : String(maxBytes)], {
      execArgv: ["--expose-gc"],
    });
    const report = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("error", reject);
      child.once("exit", (code) =>
        reject(new Error(`the child exited (${code}) without a report`)),
      );
    });
    child.kill();
    const growth = report.peak - report.baseline;
    return {
      bytes,
      sentBytes: stats.sent,
      ...report,
      growth,
      ratio: Number((growth / bytes).toFixed(2)),
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const megabytes = Number(process.argv[2] ?? 50);
  const dir = await mkdtemp(join(tmpdir(), "faxplus-download-sdk-"));
  try {
    const sdkUrl = await sdkModule(dir);
    const bytes = megabytes * 1e6;
    const chunked = await measureDownloadMemory({ sdkUrl, bytes, contentLength: false });
    const announced = await measureDownloadMemory({ sdkUrl, bytes, contentLength: true });
    const endless = await measureDownloadMemory({
      sdkUrl,
      bytes,
      endless: true,
      maxBytes: bytes,
    });
    console.log(
      JSON.stringify({
        bench: "download-memory",
        client: sdkUrl.includes("/dist/") ? "dist" : "src (esbuild)",
        megabytes,
        chunked: { ratio: chunked.ratio, growthMB: Math.round(chunked.growth / 1e6) },
        contentLength: { ratio: announced.ratio, growthMB: Math.round(announced.growth / 1e6) },
        endlessWithMaxBytes: {
          error: endless.error?.name,
          serverSentMB: Math.round(endless.sentBytes / 1e6),
          growthMB: Math.round(endless.growth / 1e6),
        },
        target: 2.2,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Peak memory of uploading a 20 MB file from disk: `fromPath` + `upload` against a local server
// that discards the body. Reports the peak RSS growth of this process relative to the file size
// (target < 2x: the file must not be buffered whole, let alone twice).
//
// Usage: node --expose-gc bench/upload-memory.js [fileMB]
// The TypeScript sources are bundled on the fly with esbuild (a devDependency; no build step
// needed). The server runs in a child process so that its buffers do not count.
import { fork } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

if (process.argv[2] === "--server") {
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk) => (bytes += chunk.length));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ path: `/transient-${bytes}` }));
    });
  });
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
} else {
  await main(Number(process.argv[2] ?? 20));
}

async function main(fileMB) {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-bench-"));
  const server = fork(new URL(import.meta.url).pathname, ["--server"]);
  try {
    const port = await new Promise((resolve) => server.once("message", resolve));
    const { FaxPlus, fromPath, upload } = await bundle(dir);
    const file = join(dir, "big.pdf");
    await writeFileOf(file, fileMB);

    const fax = new FaxPlus({ token: "t", baseUrl: `http://127.0.0.1:${port}/v3` });
    // Warm-up: the first fetch loads and compiles undici (~10-20 MB) which is not the upload's cost.
    await upload(fax, new Blob(["%PDF"]));
    globalThis.gc?.();
    // Freed ArrayBuffers are released by a background thread: let it finish before measuring.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const path = await upload(fax, await fromPath(file));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    // The server answers with the number of bytes it received: the file plus the multipart framing.
    if (!(Number(path.slice("/transient-".length)) > fileMB * 2 ** 20)) {
      throw new Error(`the server did not receive the whole file: ${path}`);
    }
    const growthMB = (peak - baseline) / 2 ** 20;
    console.log(
      JSON.stringify({
        bench: "upload-memory",
        fileMB,
        peakRssGrowthMB: Number(growthMB.toFixed(1)),
        ratio: Number((growthMB / fileMB).toFixed(2)),
        gcExposed: typeof globalThis.gc === "function",
      }),
    );
  } finally {
    server.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `megabytes` MB in 1 MB writes: one big Buffer would still be in RSS at the baseline. */
async function writeFileOf(path, megabytes) {
  const chunk = Buffer.alloc(2 ** 20, 0x25);
  const handle = await open(path, "w");
  for (let i = 0; i < megabytes; i++) await handle.write(chunk);
  await handle.close();
}

/** Bundles src/node.ts (the Node entry, upload included) into one ES module and imports it. */
async function bundle(dir) {
  const { build } = await import("esbuild");
  const root = new URL("..", import.meta.url).pathname;
  const outfile = join(dir, "faxplus.mjs");
  await build({
    stdin: {
      contents: 'export * from "./src/node.ts";',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}

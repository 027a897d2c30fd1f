// A long-running mock's memory stays bounded: a child process serves a mix of uploads, sends,
// lists and GETs, and its peak RSS (`process.resourceUsage().maxRSS`) after a warm-up and after
// three times as many requests more differs by less than a stated limit. Count-based: the numbers
// of requests are fixed, not the time they take.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seeds } from "../../src/mock/index.js";

/** Requests before the first measure: enough to fill the request log and the upload store. */
const WARM_UP = 600;
/** Requests after it. Without bounds, these would keep about 180 MB of uploads (2 copies each). */
const MORE = 1_800;
const UPLOAD_BYTES = 128 * 1024;
/**
 * The bounds of the upload store and the request log (which keeps each upload's bytes too) in
 * this test; their defaults, 1,000 each, would need a longer run to reach.
 */
const MAX_FILES = 100;
const MAX_RECORDED = 200;
/**
 * Growth of the peak RSS allowed between the two measures: room for the garbage collector, far
 * below the 180 MB that unbounded state would keep.
 */
const GROWTH_LIMIT_MB = 24;
const IN_FLIGHT = 16;

let dir: string;
let child: ChildProcess;
let baseUrl: URL;
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "faxplus-mock-memory-"));
  await build({
    entryPoints: [new URL("../../src/mock/index.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(dir, "mock.js"),
    logLevel: "silent",
  });
  await writeFile(
    join(dir, "server.js"),
    `import { startMockServer } from "./mock.js";
const server = await startMockServer({ maxFiles: ${MAX_FILES}, maxRecordedRequests: ${MAX_RECORDED} });
process.send({ baseUrl: server.baseUrl });
process.on("message", () => process.send({ maxRssKb: process.resourceUsage().maxRSS }));
`,
  );
  child = fork(join(dir, "server.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<{ baseUrl: string }>((resolve) =>
    child.once("message", resolve as never),
  );
  baseUrl = new URL(ready.baseUrl);
}, 60_000);

afterAll(async () => {
  agent.destroy();
  child?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function call(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method,
        path: `${baseUrl.pathname}${path}`,
        headers: { authorization: "Bearer t", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const boundary = "memory-test-boundary";
const uploadBody = Buffer.concat([
  Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="fax_file"; filename="a.pdf"\r\n` +
      "content-type: application/pdf\r\n\r\n",
  ),
  Buffer.alloc(UPLOAD_BYTES, 0x41),
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);

/** The i-th request of the mix: 40% uploads, 10% sends, lists and GETs. */
async function nth(i: number, files: string[]): Promise<number> {
  const kind = i % 10;
  if (kind < 4) {
    const answer = await call("POST", "/accounts/self/files", uploadBody, {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });
    files.push((JSON.parse(answer.text) as { path: string }).path);
    if (files.length > 8) files.shift();
    return answer.status;
  }
  if (kind === 4 && files.length > 0) {
    const payload = { from: seeds.number, to: ["+14155550111"], files: [files.at(-1)] };
    const body = Buffer.from(JSON.stringify(payload));
    return (
      await call("POST", "/accounts/self/outbox", body, { "content-type": "application/json" })
    ).status;
  }
  if (kind === 5) return (await call("GET", "/accounts/self/faxes?category=sent&limit=20")).status;
  if (kind === 6) return (await call("GET", "/accounts/self/outbox")).status;
  return (await call("GET", `/accounts/self/faxes/${seeds.inboxFaxId(i % 300)}`)).status;
}

async function serve(count: number, offset: number): Promise<void> {
  let next = 0;
  const statuses = new Map<number, number>();
  const worker = async () => {
    const files: string[] = [];
    while (next < count) {
      const status = await nth(offset + next++, files);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  expect(
    [...statuses.keys()].every((status) => status < 400),
    JSON.stringify([...statuses]),
  ).toBe(true);
}

function peakRssMb(): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (message: { maxRssKb: number }) => resolve(message.maxRssKb / 1024));
    child.send("rss");
  });
}

it(`keeps the mock's peak RSS within ${GROWTH_LIMIT_MB} MB over ${MORE} more requests`, async () => {
  await serve(WARM_UP, 0);
  const warm = await peakRssMb();
  await serve(MORE, WARM_UP);
  const after = await peakRssMb();
  console.log(
    `mock peak RSS: ${warm.toFixed(1)} MB after ${WARM_UP}, ${after.toFixed(1)} MB after ${WARM_UP + MORE} requests`,
  );
  expect(after - warm).toBeLessThan(GROWTH_LIMIT_MB);
}, 120_000);

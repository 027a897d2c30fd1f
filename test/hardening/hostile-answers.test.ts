// Hostile answers against bounded memory: an endless JSON answer, an endless 500 body and a small
// gzip body that inflates to 512 MiB each end in a ResponseTooLargeError naming maxResponseBytes,
// with the process's memory bounded. The SDK runs in a child process (this file's src, bundled by
// esbuild), whose peak RSS (`process.resourceUsage().maxRSS`) is asserted against a stated limit;
// the server here counts the bytes it managed to write. Nothing is timed: the calls' timeout is
// generous and only guards against a hang.
//
// Found by these scenarios (issue 20): before `maxResponseBytes`, an endless JSON answer grew the
// process to 1-3.8 GB within a 10 s timeout, and a 2 MB gzip body inflated to 1.3-2 GB.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../src/core/options.js";

const MiB = 1024 * 1024;
/** Peak RSS a child may reach: Node itself (~50 MB) plus a few times the 8 MiB limit. */
const RSS_LIMIT_MB = 200;
/** What the server may write before the client stops reading: the limit plus socket buffers. */
const BYTES_LIMIT = DEFAULT_MAX_RESPONSE_BYTES + 32 * MiB;

/** A document far above maxResponseBytes, streamed through. */
const DOCUMENT_MIB = 64;

let dir: string;
let child: string;
let server: Server;
let baseUrl: string;
/** Bytes written per request, by scenario. */
const written: Record<string, number> = {};

const CHILD = `
import * as sdk from "./sdk.mjs";
const [baseUrl, scenario] = process.argv.slice(2);
const fax = new sdk.FaxPlus({ token: "t", baseUrl, maxRetries: 0, timeout: 60_000 });
let outcome;
try {
  if (scenario === "document") {
    // A document is streamed, not limited by maxResponseBytes: read through, chunk by chunk.
    const { data } = await fax.api.GET("/accounts/{user_id}/files/{fax_id}", {
      params: { path: { user_id: "self", fax_id: scenario } },
      parseAs: "stream",
    });
    let bytes = 0;
    for await (const chunk of data) bytes += chunk.byteLength;
    throw Object.assign(new Error("read"), { bytes });
  }
  const data =
    scenario === "api"
      ? await fax.api.GET("/accounts/{user_id}/faxes/{fax_id}", {
          params: { path: { user_id: "self", fax_id: scenario } },
        })
      : await fax.getFax({ fax_id: scenario });
  outcome = { resolved: typeof data };
} catch (error) {
  outcome = {
    name: error.name,
    message: error.message,
    limit: error.limit,
    status: error.status,
    bytes: error.bytes,
  };
}
outcome.maxRssMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify(outcome));
`;

/** Writes `chunk` until the client stops reading (backpressure respected), counting bytes. */
function endless(res: ServerResponse, key: string, chunk: Buffer, head: Buffer): void {
  written[key] = 0;
  const write = () => {
    while (!res.destroyed) {
      written[key]! += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", write);
    }
  };
  res.on("close", () => res.removeAllListeners("drain"));
  written[key] = head.length;
  res.write(head);
  write();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "faxplus-hostile-"));
  await build({
    entryPoints: [fileURLToPath(new URL("../../src/index.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(dir, "sdk.mjs"),
    logLevel: "silent",
  });
  child = join(dir, "child.mjs");
  await writeFile(child, CHILD);

  const record = Buffer.from(`{"id":"f","comment":"${"x".repeat(4000)}"},`);
  // One gzip member of 1 MiB of zeros (about 1 KB), sent 512 times: 512 MiB once inflated
  // (fetch inflates concatenated members as one body).
  const member = gzipSync(Buffer.alloc(MiB, 0x20));
  server = createServer((req, res) => {
    const scenario = (req.url ?? "").split("/").pop() ?? "";
    if (scenario === "gzip") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      written[scenario] = 0;
      const send = (left: number): void => {
        for (; left > 0 && !res.destroyed; left--) {
          written[scenario]! += member.length;
          if (!res.write(member)) return void res.once("drain", () => send(left - 1));
        }
        res.end();
      };
      return send(512);
    }
    if (scenario === "document") {
      res.writeHead(200, { "content-type": "application/pdf" });
      written[scenario] = 0;
      const chunk = Buffer.alloc(MiB, 0x25);
      const send = (left: number): void => {
        for (; left > 0 && !res.destroyed; left--) {
          written[scenario]! += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", () => send(left - 1));
        }
        res.end();
      };
      return send(DOCUMENT_MIB);
    }
    const status = scenario === "error" ? 500 : 200;
    res.writeHead(status, { "content-type": "application/json" });
    endless(res, scenario, record, Buffer.from("["));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  name?: string;
  message?: string;
  limit?: number;
  status?: number;
  resolved?: string;
  bytes?: number;
  maxRssMb: number;
}

function run(scenario: string): Promise<Outcome> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [child, baseUrl, scenario], { timeout: 120_000 }, (error, out) =>
      error ? reject(error) : resolve(JSON.parse(out) as Outcome),
    ),
  );
}

describe("hostile answers end in a ResponseTooLargeError, with memory bounded", () => {
  const cases: [string, string, number][] = [
    ["an endless JSON answer (getFax)", "endless", 200],
    ["an endless JSON answer (fax.api.GET)", "api", 200],
    ["an endless body on a 500", "error", 500],
    ["a gzip body inflating to 512 MiB", "gzip", 200],
  ];
  for (const [what, scenario, status] of cases) {
    it(
      what,
      async () => {
        const outcome = await run(scenario);
        expect(outcome).toMatchObject({
          name: "ResponseTooLargeError",
          limit: DEFAULT_MAX_RESPONSE_BYTES,
          status,
        });
        expect(outcome.message).toContain(`maxResponseBytes (${DEFAULT_MAX_RESPONSE_BYTES} bytes)`);
        expect(outcome.maxRssMb).toBeLessThan(RSS_LIMIT_MB);
        expect(written[scenario]).toBeLessThan(BYTES_LIMIT);
        console.log(
          `${scenario}: peak RSS ${outcome.maxRssMb.toFixed(0)} MB, ${written[scenario]} bytes sent`,
        );
      },
      120_000,
    );
  }

  it("a 64 MiB document through parseAs: stream is read whole, with memory bounded", async () => {
    const outcome = await run("document");
    expect(outcome.bytes).toBe(DOCUMENT_MIB * MiB);
    expect(outcome.maxRssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);
});

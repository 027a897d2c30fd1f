import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DownloadTooLargeError, FaxPlus, NotFoundError, ValidationError } from "../../src/index.js";
import {
  download,
  downloadReport,
  downloadReportStream,
  downloadStream,
} from "../../src/workflows/files.js";
import { startServer, type TestServer } from "../support/server.js";

interface MemoryRun {
  error?: { name: string; message: string };
  size?: number;
  growth: number;
  sentBytes: number;
}
interface MemoryBench {
  sdkModule(dir: string, options: { fromSource: boolean }): Promise<string>;
  measureDownloadMemory(options: {
    sdkUrl: string;
    bytes?: number;
    endless?: boolean;
    contentLength?: boolean;
    maxBytes?: number;
  }): Promise<MemoryRun>;
}
const memory = (await import(
  new URL("../../bench/download-memory.js", import.meta.url).href
)) as MemoryBench;

const pdf = Buffer.from("%PDF-1.4\n" + "x".repeat(5000) + "\n%%EOF\n");
const tiff = Buffer.from([0x49, 0x49, 0x2a, 0x00, 1, 2, 3, 0xff]);

let server: TestServer;
let fax: FaxPlus;
/** Set by a test to hold the rest of a streamed body until it says so. */
let hold: { release: () => void; finished: boolean } | undefined;

beforeAll(async () => {
  server = await startServer(async (request, res) => {
    const id = /\/(?:files|report)\/([^/?]+)/.exec(request.path)?.[1];
    if (id === "missing") {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "fax_not_found", description: "No such fax" }));
    }
    if (id === "empty") {
      res.writeHead(200, { "content-type": "application/pdf", "content-length": "0" });
      return void res.end();
    }
    const body = request.path.includes("format=tiff") ? tiff : pdf;
    const type = body === tiff ? "image/tiff" : "application/pdf";
    if (id === "sized") {
      // Announces its size, then holds the body: only a client that trusts the header ends now.
      res.writeHead(200, { "content-type": type, "content-length": String(body.length) });
      return void res.write(body.subarray(0, 10));
    }
    res.writeHead(200, { "content-type": type });
    if (!hold) return void res.end(body);
    const held = hold;
    res.write(body.subarray(0, 10));
    await new Promise<void>((resolve) => (held.release = resolve));
    held.finished = true;
    res.end(body.subarray(10));
  });
  fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  hold = undefined;
});

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe("download", () => {
  it("returns the fax document as a Blob", async () => {
    const blob = await download(fax, "f1");

    expect(Buffer.from(await blob.arrayBuffer())).toEqual(pdf);
    expect(blob.type).toBe("application/pdf");
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/accounts/self/files/f1" });
  });

  it("sends format in the query", async () => {
    const blob = await download(fax, "f1", { format: "tiff" });

    expect(Buffer.from(await blob.arrayBuffer())).toEqual(tiff);
    expect(server.requests[0]!.path).toBe("/accounts/self/files/f1?format=tiff");
  });

  it("returns an empty Blob for an empty body", async () => {
    expect((await download(fax, "empty")).size).toBe(0);
  });

  it("throws the API's JSON error", async () => {
    const error = await download(fax, "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toBe("fax_not_found");
    expect((error as NotFoundError).path).toBe("/accounts/{user_id}/files/{fax_id}");
  });

  it("refuses a bad format before sending", async () => {
    const error = await download(fax, "f1", { format: "png" as "pdf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("query.format");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an empty fax ID before sending", async () => {
    await expect(download(fax, "")).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("downloadStream", () => {
  it("returns the stream before the whole body has arrived", async () => {
    hold = { release: () => {}, finished: false };
    const held = hold;

    const stream = await downloadStream(fax, "f1");

    expect(held.finished).toBe(false);
    held.release();
    expect(await bytesOf(stream)).toEqual(pdf);
    expect(held.finished).toBe(true);
  });

  it("sends format in the query", async () => {
    expect(await bytesOf(await downloadStream(fax, "f1", { format: "tiff" }))).toEqual(tiff);
    expect(server.requests[0]!.path).toBe("/accounts/self/files/f1?format=tiff");
  });

  it("returns an empty stream for an empty body", async () => {
    expect((await bytesOf(await downloadStream(fax, "empty"))).length).toBe(0);
  });

  it("throws the API's JSON error", async () => {
    await expect(downloadStream(fax, "missing")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("downloadReport", () => {
  it("returns the confirmation report as a Blob", async () => {
    const blob = await downloadReport(fax, "f2");

    expect(Buffer.from(await blob.arrayBuffer())).toEqual(pdf);
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/accounts/self/report/f2" });
  });

  it("streams the report", async () => {
    expect(await bytesOf(await downloadReportStream(fax, "f2"))).toEqual(pdf);
    expect(server.requests[0]!.path).toBe("/accounts/self/report/f2");
  });

  it("throws the API's JSON error", async () => {
    const error = await downloadReport(fax, "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).path).toBe("/accounts/{user_id}/report/{fax_id}");
    await expect(downloadReportStream(fax, "missing")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("download's limit and memory (a child process, a real local server)", () => {
  let dir: string;
  let sdkUrl: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "faxplus-download-test-"));
    sdkUrl = await memory.sdkModule(dir, { fromSource: true });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps at most one copy of a 40 MB document: peak RSS growth <= 2.2x its size", async () => {
    for (const contentLength of [true, false]) {
      const run = await memory.measureDownloadMemory({ sdkUrl, bytes: 40e6, contentLength });
      expect(run.error).toBeUndefined();
      expect(run.size).toBe(40e6);
      expect(run.growth, `Content-Length ${contentLength}`).toBeLessThanOrEqual(2.2 * 40e6);
    }
  }, 120_000);

  it("refuses an endless body once the bytes received pass maxBytes, naming downloadStream", async () => {
    const maxBytes = 3e6;
    const run = await memory.measureDownloadMemory({ sdkUrl, endless: true, maxBytes });
    expect(run.error?.name).toBe("DownloadTooLargeError");
    expect(run.error?.message).toMatch(/more than maxBytes \(3000000\).*use downloadStream/);
    // Counted as the bytes arrived: the server got to send little more than the limit (what the
    // sockets buffer), and the client grew by far less than an endless body would cost.
    expect(run.sentBytes).toBeGreaterThan(maxBytes);
    expect(run.sentBytes).toBeLessThan(maxBytes + 64e6);
    expect(run.growth).toBeLessThan(200e6);
  }, 120_000);
});

describe("download's maxBytes", () => {
  it("refuses an answer whose Content-Length passes maxBytes without waiting for its body", async () => {
    const error = await download(fax, "sized", { maxBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadTooLargeError);
    expect(error).toMatchObject({ maxBytes: 100, received: pdf.length });
    expect((error as Error).message).toMatch(/announces \d+ bytes, more than maxBytes \(100\)/);
  });

  it("takes an answer of exactly maxBytes, and applies to reports too", async () => {
    const blob = await download(fax, "f1", { maxBytes: pdf.length });
    expect(blob.size).toBe(pdf.length);
    await expect(downloadReport(fax, "f1", { maxBytes: 10 })).rejects.toBeInstanceOf(
      DownloadTooLargeError,
    );
  });

  it("refuses a maxBytes that is not a positive whole number before sending", async () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, "10"]) {
      await expect(download(fax, "f1", { maxBytes: maxBytes as number })).rejects.toMatchObject({
        name: "ValidationError",
        field: "maxBytes",
      });
    }
    expect(server.requests).toHaveLength(0);
  });
});

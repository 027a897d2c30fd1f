import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus, NotFoundError, ValidationError } from "../../src/index.js";
import {
  download,
  downloadReport,
  downloadReportStream,
  downloadStream,
} from "../../src/workflows/files.js";
import { startServer, type TestServer } from "../support/server.js";

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
    res.writeHead(200, { "content-type": body === tiff ? "image/tiff" : "application/pdf" });
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

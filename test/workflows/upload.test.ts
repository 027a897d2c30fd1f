import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BadRequestError, FaxPlus, ValidationError } from "../../src/index.js";
import { upload, type UploadInput } from "../../src/workflows/files.js";
import { fromPath } from "../../src/node.js";
import { parseMultipart, startServer, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
let dir: string;
let uploads = 0;

beforeAll(async () => {
  server = await startServer((request, res) => {
    if (request.path.includes("busy") && server.requests.length === 1) {
      res.writeHead(429, { "retry-after": "0" });
      return void res.end();
    }
    if (request.path.includes("reject")) {
      res.writeHead(400, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "invalid_file", description: "bad file" }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: `/transient-${++uploads}` }));
  });
  fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
  dir = await mkdtemp(join(tmpdir(), "faxplus-upload-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

const bytes = new TextEncoder().encode("%PDF-1.4 not really a pdf \u00e9\r\n--boundary-like\r\n");

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** The only request sent, its one part, and checks common to every upload. */
function sentPart() {
  expect(server.requests).toHaveLength(1);
  const request = server.requests[0]!;
  expect(request.method).toBe("POST");
  expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  const parts = parseMultipart(request);
  expect(parts).toHaveLength(1);
  expect(parts[0]!.name).toBe("fax_file");
  return { request, part: parts[0]! };
}

describe("upload: the multipart body for every input kind", () => {
  const cases: [string, () => Promise<UploadInput>, object, string, string][] = [
    [
      "Blob with a type",
      async () => new Blob([bytes], { type: "image/png" }),
      {},
      "document.png",
      "image/png",
    ],
    ["Blob without a type", async () => new Blob([bytes]), {}, "document.pdf", "application/pdf"],
    ["File with a name", async () => new File([bytes], "scan.TIF"), {}, "scan.TIF", "image/tiff"],
    [
      "File with a name and a type",
      async () => new File([bytes], "letter.docx", { type: "application/x-custom" }),
      {},
      "letter.docx",
      "application/x-custom",
    ],
    ["Uint8Array", async () => bytes, {}, "document.pdf", "application/pdf"],
    [
      "Buffer",
      async () => Buffer.from(bytes),
      { filename: "notes.txt" },
      "notes.txt",
      "text/plain",
    ],
    [
      "ArrayBuffer",
      async () => bytes.slice().buffer,
      { filename: "table.xlsx" },
      "table.xlsx",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    [
      "ReadableStream in several chunks",
      async () => streamOf(bytes.subarray(0, 5), bytes.subarray(5, 6), bytes.subarray(6)),
      { filename: "photo.jpeg" },
      "photo.jpeg",
      "image/jpeg",
    ],
    [
      "file path via fromPath",
      async () => {
        const path = join(dir, "Contract final.PDF");
        await writeFile(path, bytes);
        return fromPath(path);
      },
      {},
      "Contract final.PDF",
      "application/pdf",
    ],
    [
      "filename option over a File's name",
      async () => new File([bytes], "a.pdf"),
      { filename: "b.rtf" },
      "b.rtf",
      "application/rtf",
    ],
    [
      "extension added from the type",
      async () => new File([bytes], "scan", { type: "image/tiff" }),
      {},
      "scan.tiff",
      "image/tiff",
    ],
    [
      // Bun types new Blob([text], { type: "text/plain" }) so; the parameter names no format.
      "extension from a type with parameters",
      async () => new Blob([bytes], { type: "Text/Plain; charset=utf-8" }),
      {},
      "document.txt",
      "text/plain; charset=utf-8", // Blob lower-cases its type
    ],
  ];

  it.each(cases)("%s", async (_, input, options, filename, contentType) => {
    const path = await upload(fax, await input(), options);

    expect(path).toBe(`/transient-${uploads}`);
    const { request, part } = sentPart();
    expect(request.path).toBe("/accounts/self/files");
    expect(part.filename).toBe(filename);
    expect(part.contentType).toBe(contentType);
    expect(part.headers).toContain(
      `Content-Disposition: form-data; name="fax_file"; filename="${filename}"`,
    );
    expect(new Uint8Array(part.data)).toEqual(bytes);
  });
});

describe("upload: options and errors", () => {
  it("sends format in the query string, not as a form field", async () => {
    await upload(fax, new Blob([bytes]), { format: "tiff" });

    const { request, part } = sentPart();
    expect(request.path).toBe("/accounts/self/files?format=tiff");
    expect(part.name).toBe("fax_file");
  });

  it("sends the bearer token", async () => {
    await upload(fax, bytes);
    expect(sentPart().request.headers.authorization).toBe("Bearer t");
  });

  it("acts on the client's userId", async () => {
    const member = new FaxPlus({ token: "t", baseUrl: server.baseUrl, userId: "u42" });
    await upload(member, bytes);
    expect(sentPart().request.path).toBe("/accounts/u42/files");
  });

  it.each([
    [
      "a format outside the enum",
      () => upload(fax, bytes, { format: "docx" as "pdf" }),
      "query.format",
    ],
    [
      "a name without extension and an unknown type",
      () => upload(fax, new File([bytes], "scan")),
      "filename",
    ],
    [
      "a nameless Blob of an unknown type",
      () => upload(fax, new Blob([bytes], { type: "application/x-unknown" })),
      "filename",
    ],
    [
      "a filename option without extension",
      () => upload(fax, bytes, { filename: "scan" }),
      "filename",
    ],
    ["a string input", () => upload(fax, "/tmp/x.pdf" as unknown as Blob), "file"],
    ["a null input", () => upload(fax, null as unknown as Blob), "file"],
  ])("refuses %s before sending", async (_, call, field) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });

  it("sends the same part again when a 429 is retried", async () => {
    const busy = new FaxPlus({
      token: "t",
      baseUrl: server.baseUrl,
      userId: "busy",
      maxRetries: 1,
    });
    const path = await upload(busy, new File([bytes], "retry.pdf"));

    expect(path).toBe(`/transient-${uploads}`);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests.map((r) => parseMultipart(r));
    expect(second).toEqual(first);
    expect(second).toMatchObject([
      { name: "fax_file", filename: "retry.pdf", data: Buffer.from(bytes) },
    ]);
  });

  it("throws the API's error", async () => {
    const member = new FaxPlus({ token: "t", baseUrl: server.baseUrl, userId: "reject" });
    const error = await upload(member, bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toBe("invalid_file");
  });
});

describe("send with documents in files", () => {
  it("uploads the documents first, in order, and sends their paths in their places", async () => {
    const before = uploads;
    const route = { from: "+12345678901", to: ["+12345678902"] };
    const files = ["/earlier-1", new File([bytes], "one.png"), "/earlier-2", streamOf(bytes)];
    await fax.send({ ...route, files });

    const [first, second, sent] = server.requests;
    expect([first, second].map((r) => parseMultipart(r!)[0]!.filename)).toEqual([
      "one.png",
      "document.pdf",
    ]);
    expect(sent).toMatchObject({ method: "POST", path: "/accounts/self/outbox" });
    expect(sent!.json).toMatchObject({
      files: ["/earlier-1", `/transient-${before + 1}`, "/earlier-2", `/transient-${before + 2}`],
    });
  });

  it("uploads nothing for paths only", async () => {
    await fax.send({ from: "+12345678901", to: ["+12345678902"], files: ["/a", "/b"] });
    expect(server.requests.map((r) => r.path)).toEqual(["/accounts/self/outbox"]);
  });
});

describe("fromPath", () => {
  it("names the File after the basename, types it by extension, and reads the file", async () => {
    const path = join(dir, "photo.png");
    await writeFile(path, bytes);

    const file = await fromPath(path);

    expect(file.name).toBe("photo.png");
    expect(file.type).toBe("image/png");
    expect(file.size).toBe(bytes.length);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it("leaves the type empty for an unknown extension", async () => {
    const path = join(dir, "data.bin");
    await writeFile(path, bytes);
    expect((await fromPath(path)).type).toBe("");
  });

  it("rejects a missing file", async () => {
    await expect(fromPath(join(dir, "missing.pdf"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses a directory", async () => {
    const error = await fromPath(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("path");
  });
});

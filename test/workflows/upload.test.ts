import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { idsFor } from "../support/send-key.js";
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
    if (request.path.endsWith("/outbox"))
      return void res.end(JSON.stringify({ ids: idsFor(request.json) }));
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

/** The first bytes of each format the upload checks documents for (their "magic numbers"). */
const MAGIC: Record<string, number[]> = {
  pdf: [...Buffer.from("%PDF-1.4")],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  tiff: [0x49, 0x49, 0x2a, 0x00],
  jpeg: [0xff, 0xd8, 0xff, 0xe0],
  zip: [0x50, 0x4b, 0x03, 0x04],
  rtf: [...Buffer.from("{\\rtf1")],
  txt: [...Buffer.from("Dear colleague,")],
};
/** A small document of a format: its magic, then bytes a multipart encoder must keep intact. */
function doc(format: keyof typeof MAGIC): Uint8Array<ArrayBuffer> {
  const tail = new TextEncoder().encode(" not really one \u00e9\r\n--boundary-like\r\n");
  return new Uint8Array([...MAGIC[format]!, ...tail]);
}
const bytes = doc("pdf");
const plainText = new TextEncoder().encode("A cover note, in plain text.\n");

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
  const cases: [string, () => Promise<UploadInput>, object, string, string, Uint8Array][] = [
    [
      "Blob with a type",
      async () => new Blob([doc("png")], { type: "image/png" }),
      {},
      "document.png",
      "image/png",
      doc("png"),
    ],
    [
      "Blob without a type",
      async () => new Blob([bytes]),
      {},
      "document.pdf",
      "application/pdf",
      bytes,
    ],
    [
      "File with a name",
      async () => new File([doc("tiff")], "scan.TIF"),
      {},
      "scan.TIF",
      "image/tiff",
      doc("tiff"),
    ],
    [
      "File with a name and a type",
      async () => new File([doc("zip")], "letter.docx", { type: "application/x-custom" }),
      {},
      "letter.docx",
      "application/x-custom",
      doc("zip"),
    ],
    ["Uint8Array", async () => bytes, {}, "document.pdf", "application/pdf", bytes],
    [
      "Buffer",
      async () => Buffer.from(doc("txt")),
      { filename: "notes.txt" },
      "notes.txt",
      "text/plain",
      doc("txt"),
    ],
    [
      "ArrayBuffer",
      async () => doc("zip").slice().buffer,
      { filename: "table.xlsx" },
      "table.xlsx",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      doc("zip"),
    ],
    [
      "ReadableStream in several chunks",
      async () => {
        const jpeg = doc("jpeg");
        return streamOf(jpeg.subarray(0, 5), jpeg.subarray(5, 6), jpeg.subarray(6));
      },
      { filename: "photo.jpeg" },
      "photo.jpeg",
      "image/jpeg",
      doc("jpeg"),
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
      bytes,
    ],
    [
      "filename option over a File's name",
      async () => new File([doc("rtf")], "a.pdf"),
      { filename: "b.rtf" },
      "b.rtf",
      "application/rtf",
      doc("rtf"),
    ],
    [
      "extension added from the type",
      async () => new File([doc("tiff")], "scan", { type: "image/tiff" }),
      {},
      "scan.tiff",
      "image/tiff",
      doc("tiff"),
    ],
    [
      // Bun types new Blob([text], { type: "text/plain" }) so; the parameter names no format.
      "extension from a type with parameters",
      async () => new Blob([plainText], { type: "Text/Plain; charset=utf-8" }),
      {},
      "document.txt",
      "text/plain; charset=utf-8", // Blob lower-cases its type
      plainText,
    ],
  ];

  it.each(cases)("%s", async (_, input, options, filename, contentType, content) => {
    const path = await upload(fax, await input(), options);

    expect(path).toBe(`/transient-${uploads}`);
    const { request, part } = sentPart();
    expect(request.path).toBe("/accounts/self/files");
    expect(part.filename).toBe(filename);
    expect(part.contentType).toBe(contentType);
    expect(part.headers).toContain(
      `Content-Disposition: form-data; name="fax_file"; filename="${filename}"`,
    );
    expect(new Uint8Array(part.data)).toEqual(content);
  });
});

describe("upload: documents are checked before anything is sent", () => {
  const refused: [string, () => UploadInput, RegExp][] = [
    ["an empty file", () => new File([], "empty.pdf"), /"empty\.pdf" is empty \(0 bytes\)/],
    ["empty bytes", () => new Uint8Array(0), /"document\.pdf" is empty/],
    [
      "a Windows executable named .pdf",
      () =>
        new File(
          [Buffer.from("MZ\x90\x00\x03 this program cannot be run in DOS mode")],
          "invoice.pdf",
        ),
      /"invoice\.pdf" does not hold what its name says: a \.pdf file must be PDF, its first bytes are a Windows executable/,
    ],
    [
      "an ELF executable named .png",
      () => new File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])], "photo.png"),
      /must be PNG, its first bytes are an ELF executable/,
    ],
    [
      "a PDF named .docx",
      () => new File([bytes], "letter.docx"),
      /a \.docx file must be ZIP \(Office Open XML\), its first bytes are PDF/,
    ],
    [
      "binary data named .txt",
      () => new File([new Uint8Array([0x68, 0x69, 0x00, 0x01, 0x02])], "notes.txt"),
      /must be text, its first bytes are binary data/,
    ],
    [
      "a .bin file",
      () => new File([bytes], "data.bin"),
      /"data\.bin": \.bin is not a format the API converts \(.*pdf.*\)/,
    ],
    [
      "an .exe file",
      () => new File([Buffer.from("MZ")], "setup.exe"),
      /\.exe is not a format the API converts/,
    ],
  ];

  it.each(refused)("refuses %s by name, sending nothing", async (_, input, message) => {
    const error = await upload(fax, input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("file");
    expect((error as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a send whose third document is empty before uploading the first", async () => {
    const files = [new File([bytes], "a.pdf"), new File([doc("png")], "b.png"), new Blob([])];
    const error = await fax
      .send({ from: "+12345678901", to: ["+12345678902"], files })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/is empty/);
    expect(server.requests).toHaveLength(0);
  });

  it("accepts a PDF with bytes before its header, and an RTF saved as .doc", async () => {
    const junk = new Uint8Array([0x0a, 0x0a, ...bytes]);
    await upload(fax, new File([junk], "scan.pdf"));
    await upload(fax, new File([doc("rtf")], "memo.doc"));
    expect(server.requests).toHaveLength(2);
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
    const files = ["/earlier-1", new File([doc("png")], "one.png"), "/earlier-2", streamOf(bytes)];
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

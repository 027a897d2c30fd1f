// The whole call is checked before its first request: a send with documents uploads nothing (and
// reads no stream) when anything in the call is wrong, a resend or forward reads nothing, a bulk
// update sends no batch. Counted at a real local server.
import { idsFor } from "../support/send-key.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { FaxPlus, ValidationError } from "../../src/index.js";
import type { SendFaxInput } from "../../src/index.js";
import { failure } from "../support/server.js";
import {
  anyValue,
  clone,
  fieldName,
  positions,
  recorder,
  runs,
  setAt,
  text,
  valid,
  wrongType,
  type Path,
  type Recorder,
} from "./generators.js";

/** Input TypeScript would refuse, as JavaScript callers can still pass it. */
const input = (value: unknown) => value as SendFaxInput;

let rec: Recorder;
let fax: FaxPlus;
beforeAll(async () => {
  rec = await recorder((request) =>
    request.path.includes("/files")
      ? { json: { path: "/uploaded" } }
      : { json: { ids: idsFor(request.json) } },
  );
  fax = new FaxPlus({ token: "test-token", baseUrl: rec.server.baseUrl, maxRetries: 0 });
});
afterAll(() => rec.server.close());

const body = rules.sendFax.body;
const full = valid(body, true).map((value) => clone(value) as Record<string, unknown>);

/** A document to upload, and how many times it was read (a stream counts its pulls). */
interface Document {
  value: unknown;
  reads: () => number;
}
const bytes = new TextEncoder().encode("%PDF-1.4 test");
const documents: fc.Arbitrary<() => Document> = fc.constantFrom(
  () => ({ value: new Blob([bytes], { type: "application/pdf" }), reads: () => 0 }),
  () => ({ value: new File([bytes], "a.pdf", { type: "application/pdf" }), reads: () => 0 }),
  () => ({ value: bytes.slice(), reads: () => 0 }),
  () => ({ value: bytes.slice().buffer, reads: () => 0 }),
  () => {
    let pulls = 0;
    // highWaterMark 0: the stream pulls only for a reader, never on its own.
    const value = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(bytes.slice());
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return { value, reads: () => pulls + (value.locked ? 1 : 0) };
  },
  () => ({ value: "/transient-path", reads: () => 0 }),
);

/** Something wrong in a send call, and the field its error must name. */
type Payload = Record<string, unknown>;
type Flaw = { field: string; apply: (payload: Payload) => void; options?: object };

const notDocument = anyValue.filter(
  (value) =>
    typeof value !== "string" &&
    !(value instanceof Uint8Array) &&
    !(value instanceof ArrayBuffer) &&
    !(value instanceof Blob),
);
/** The positions of the spec's rule outside `files` (whose items may also be documents). */
const nonFilePositions = positions(body).filter(([path]) => path[0] !== "files");

function flaws(fileCount: number): fc.Arbitrary<Flaw> {
  return fc.oneof(
    // A file that is neither a path nor a document, among valid ones.
    fc.tuple(fc.nat(fileCount), notDocument).map(([at, value]) => ({
      field: `files[${at}]`,
      apply: (payload: Payload) => (payload["files"] as unknown[]).splice(at, 0, value),
    })),
    // A value of the wrong type anywhere else.
    fc
      .constantFrom(...nonFilePositions)
      .chain(([path, rule]) => fc.tuple(fc.constant(path), wrongType(rule)))
      .map(([path, value]) => ({
        field: fieldName(path),
        apply: (payload: Payload) => setAt(payload, path, value),
      })),
    // A field the spec does not list.
    fc.constantFrom<Path>([], ["options"], ["cover_page"], ["from_fax"]).map((path) => ({
      field: fieldName([...path, "unlisted"]),
      apply: (payload: Payload) => {
        const target = path.length ? (payload[path[0] as string] as object) : payload;
        setAt(target, ["unlisted"], 1);
      },
    })),
    // A request option out of range.
    fc
      .constantFrom(
        { field: "timeout", options: { timeout: -1 } },
        { field: "maxRetries", options: { maxRetries: 101 } },
        { field: "unlisted", options: { unlisted: 1 } },
      )
      .map((flaw) => ({ ...flaw, apply: () => {} })),
  );
}

describe("send", () => {
  /** Sends `base` with the documents and the flaw; returns the error and the documents. */
  async function sendWithFlaw(base: Payload, makers: (() => Document)[], flaw: Flaw) {
    rec.reset();
    const docs = makers.map((make) => make());
    const payload = clone(base);
    payload["files"] = docs.map((doc) => doc.value);
    flaw.apply(payload);
    const error = await failure(fax.send(input(payload), flaw.options as never));
    return { error, reads: docs.map((doc) => doc.reads()) };
  }
  const withFlaw = fc
    .array(documents, { minLength: 1, maxLength: 4 })
    .chain((docs) => fc.tuple(fc.constant(docs), flaws(docs.length)));

  it("with documents and one flaw anywhere: refused by name, nothing uploaded", async () => {
    await fc.assert(
      fc.asyncProperty(full, withFlaw, async (base, [makers, flaw]) => {
        const { error, reads } = await sendWithFlaw(base, makers, flaw);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(flaw.field);
        expect(rec.server.requests).toHaveLength(0);
        // A flaw in the payload is found before any document is read.
        if (!flaw.options) expect(reads).toEqual(reads.map(() => 0));
      }),
      runs(150),
    );
  });

  // Found by this property: request options were once checked only at the first upload, after
  // every document had been read, so a caller's ReadableStream was locked by a call that sent
  // nothing. send() now checks its options with the payload, before reading any document.
  it("with a bad request option: no document read either", async () => {
    const optionFlaw = flaws(0).filter((flaw) => flaw.options !== undefined);
    await fc.assert(
      fc.asyncProperty(
        full,
        fc.array(documents, { minLength: 1, maxLength: 4 }),
        optionFlaw,
        async (base, makers, flaw) => {
          const { error, reads } = await sendWithFlaw(base, makers, flaw);
          expect(error).toBeInstanceOf(ValidationError);
          expect(rec.server.requests).toHaveLength(0);
          expect(reads).toEqual(reads.map(() => 0));
        },
      ),
      runs(30),
    );
  });

  it("with documents and no flaw: every document uploaded once, in order, then one send", async () => {
    await fc.assert(
      fc.asyncProperty(
        full,
        fc.array(documents, { minLength: 1, maxLength: 4 }),
        async (base, makers) => {
          rec.reset();
          const docs = makers.map((make) => make());
          const payload = clone(base);
          payload["files"] = docs.map((doc) => doc.value);
          await fax.send(input(payload));
          const uploads = docs.filter((doc) => typeof doc.value !== "string").length;
          expect(rec.server.requests.map((r) => r.method)).toEqual([
            ...Array<string>(uploads).fill("POST"),
            "POST",
          ]);
          const sent = rec.server.requests.at(-1)?.json as { files: string[] };
          expect(sent.files).toEqual(
            docs.map((doc) => (typeof doc.value === "string" ? doc.value : "/uploaded")),
          );
        },
      ),
      runs(20),
    );
  });
});

describe("resend and forward", () => {
  const retry = body.properties.options.properties.retry.properties;
  /** A flaw in a resend/forward input, which may lack `to` and `from` (read from the original). */
  const inputFlaws: fc.Arbitrary<Flaw> = fc.oneof(
    fc.constantFrom(
      {
        field: "options.retry.count",
        apply: (p: Payload) => (p["options"] = { retry: { count: retry.count.maximum + 1 } }),
      },
      {
        field: "options.retry.delay",
        apply: (p: Payload) => (p["options"] = { retry: { delay: retry.delay.maximum + 1 } }),
      },
      {
        field: "options.retry.count",
        apply: (p: Payload) => (p["options"] = { retry: { count: retry.count.minimum - 1 } }),
      },
      { field: "resolution", apply: (p: Payload) => (p["resolution"] = "ultra") },
      { field: "unlisted", apply: (p: Payload) => (p["unlisted"] = true) },
      {
        field: "from_fax",
        apply: (p: Payload) => (p["from_fax"] = { fax_id: "x" }),
      },
      { field: "timeout", apply: () => {}, options: { timeout: 0 } },
    ),
    fc
      .constantFrom(
        ...nonFilePositions.filter(
          ([path]) => !["from_fax", "to", "from"].includes(path[0] as string),
        ),
      )
      .chain(([path, rule]) => fc.tuple(fc.constant(path), wrongType(rule)))
      .map(([path, value]) => ({
        field: fieldName(path),
        apply: (p: Payload) => setAt(p, path, value),
      })),
  );

  it("with one flaw, with or without to/from: refused by name, the original is not even read", async () => {
    await fc.assert(
      fc.asyncProperty(
        full,
        inputFlaws,
        fc.constantFrom("resend", "forward"),
        fc.boolean(),
        async (base, flaw, which, withRecipients) => {
          rec.reset();
          const { from_fax: _, ...rest } = clone(base);
          const payload: Record<string, unknown> = withRecipients
            ? rest
            : { ...rest, to: undefined, from: undefined };
          if (which === "forward") payload["to"] = rest["to"]; // forward needs both
          if (which === "forward") payload["from"] = rest["from"];
          flaw.apply(payload);
          const call =
            which === "resend"
              ? fax.resend("fax-1", payload as never, flaw.options as never)
              : fax.forward("fax-1", payload as never, flaw.options as never);
          const error = await failure(call);
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe(flaw.field);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(120),
    );
  });
});

describe("bulk updates", () => {
  const ids = rules.bulkUpdateFaxes.body.properties.ids;
  const id = text(ids.items.minLength, ids.items.maxLength);
  const badId = fc.oneof(
    fc.constant(""),
    text(ids.items.maxLength + 1, ids.items.maxLength + 4),
    fc.constant("a\ud800b"),
    anyValue.filter((value) => typeof value !== "string"),
  );

  it("with one bad ID among several batches' worth: refused by its position, no batch sent", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Up to three batches of the API's maximum.
        fc
          .integer({ min: 1, max: 3 * ids.maxItems })
          .chain((n) => fc.tuple(fc.array(id, { minLength: n, maxLength: n }), fc.nat(n), badId)),
        fc.boolean(),
        async ([list, at, bad], outbox) => {
          rec.reset();
          const all: unknown[] = [...list];
          all.splice(at, 0, bad);
          const call = outbox
            ? fax.updateOutboxFaxesInBatches(all as string[], { comment: "c" })
            : fax.updateFaxesInBatches(all as string[], { is_read: true });
          const error = await failure(call);
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe(`ids[${at}]`);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(60),
    );
  });

  it("with good IDs and bad changes or options: refused by name, no batch sent", async () => {
    const comment = rules.bulkUpdateFaxes.body.properties.comment;
    const flawsOfBulk: [string, object, object | undefined][] = [
      ["comment", { comment: "x".repeat(comment.maxLength + 1) }, undefined],
      ["is_read", { is_read: "yes" }, undefined],
      ["is_read or comment", {}, undefined],
      ["unlisted", { is_read: true, unlisted: 1 }, undefined],
      ["concurrency", { is_read: true }, { concurrency: 0 }],
      ["onProgress", { is_read: true }, { onProgress: "every batch" }],
      ["timeout", { is_read: true }, { timeout: -5 }],
      ["unlisted", { is_read: true }, { unlisted: 1 }],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(id, { minLength: 1, maxLength: 2 * ids.maxItems }),
        fc.constantFrom(...flawsOfBulk),
        async (list, [field, changes, options]) => {
          rec.reset();
          const error = await failure(
            fax.updateFaxesInBatches(list, changes as never, options as never),
          );
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe(field);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(40),
    );
  });
});

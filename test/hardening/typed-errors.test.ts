// Every thrown error is typed: a real local server answers with random statuses and malformed,
// truncated, HTML or wrongly shaped bodies, or drops the connection, and every rejection is a
// FaxPlusError, with `mayHaveBeenProcessed` for a POST answered 2xx or 5xx. A bulk update never
// throws and returns what it learnt before a batch failed.
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as rules from "../../generated/rules.js";
import { FaxPlus, FaxPlusError, waitForDelivery } from "../../src/index.js";
import type { BulkUpdateResult, Clock } from "../../src/index.js";
import { failure } from "../support/server.js";
import { json, recorder, runs, text, type Recorder } from "./generators.js";

let rec: Recorder;
let fax: FaxPlus;
beforeAll(async () => {
  rec = await recorder(() => ({ status: 500 }));
  fax = new FaxPlus({ token: "test-token", baseUrl: rec.server.baseUrl, maxRetries: 0 });
});
afterAll(() => rec.server.close());

/** How the server answers: a status and what it does with the body. */
type Body =
  | { kind: "json"; value: unknown }
  | { kind: "text"; type: string; text: string }
  | { kind: "truncated"; text: string }
  | { kind: "cut"; text: string }
  | { kind: "empty" }
  | { kind: "drop" };
interface Answer {
  status: number;
  body: Body;
  location?: string;
}

/** Shapes close to the API's, with fields of any type, and JSON of any shape. */
const shaped = fc.oneof(
  json(),
  fc.constant(null),
  ...["ids", "path", "status", "records", "results", "id", "data", "error"].map((key) =>
    fc.dictionary(
      fc.constant(key),
      fc.oneof(json(), fc.dictionary(fc.constantFrom("records", "status"), json())),
    ),
  ),
);
const objectText = fc.oneof(
  shaped.map((value) => JSON.stringify(value)),
  fc.constant('{"ids":{"+12345678901":"f1"},"path":"/p","status":"success","records":[]}'),
);

const body: fc.Arbitrary<Body> = fc.oneof(
  shaped.map((value) => ({ kind: "json" as const, value })),
  fc.constantFrom(
    { kind: "text" as const, type: "text/html", text: "<html>queued</html>" },
    { kind: "text" as const, type: "application/json", text: "<html>queued</html>" },
    { kind: "text" as const, type: "text/plain", text: "OK" },
    { kind: "text" as const, type: "application/octet-stream", text: "\u0000\u00ff\ufffd" },
  ),
  // JSON cut short, the response complete.
  objectText
    .filter((t) => t.length > 1)
    .chain((t) =>
      fc.nat(t.length - 2).map((n) => ({ kind: "truncated" as const, text: t.slice(0, n + 1) })),
    ),
  // A body cut mid-stream: Content-Length promises more, then the connection drops.
  objectText.map((t) => ({ kind: "cut" as const, text: t })),
  fc.constant({ kind: "empty" as const }),
  fc.constant({ kind: "drop" as const }),
);

/**
 * Any answer, except a 421 whose body is cut: Node's fetch retries a GET answered 421 and can then
 * leave the body pending, so the call ends only by its timeout (test/hardening/bounded-calls.test.ts).
 */
const answers: fc.Arbitrary<Answer> = fc
  .record(
    {
      status: fc.oneof(
        fc.constantFrom(
          200,
          201,
          202,
          204,
          301,
          302,
          303,
          307,
          308,
          400,
          401,
          403,
          404,
          409,
          422,
          429,
          500,
          502,
          503,
        ),
        fc.integer({ min: 200, max: 599 }),
      ),
      body,
      location: fc.constantFrom("/v3/elsewhere", "http://127.0.0.1:9/v3/elsewhere"),
    },
    { requiredKeys: ["status", "body"] },
  )
  .filter((answer) => !(answer.status === 421 && answer.body.kind === "cut"));

function respond(res: ServerResponse, { status, body, location }: Answer): void {
  if (body.kind === "drop") return void res.socket?.destroy();
  const headers: Record<string, string> = location ? { location } : {};
  // Node sends no body with 204 and 304.
  if (body.kind === "empty" || status === 204 || status === 304) {
    res.writeHead(status, headers);
    return void res.end();
  }
  const text = body.kind === "json" ? JSON.stringify(body.value) : body.text;
  const type = body.kind === "text" ? body.type : "application/json";
  const bytes = Buffer.from(text);
  res.writeHead(status, {
    ...headers,
    "content-type": type,
    "content-length": String(bytes.length + (body.kind === "cut" ? 10 : 0)),
  });
  if (body.kind === "cut") res.write(bytes, () => res.socket?.destroy());
  else res.end(bytes);
}

/** A fake clock: sleeping moves time on at once, so polling ends by its timeout, not by waiting. */
function fakeClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

const pdf = () => new Blob(["%PDF-1.4"], { type: "application/pdf" });
const to = ["+12345678901"];
const from = "no_number";
/** Calls that read what the server answers, with the method of their requests. */
const calls: [string, "GET" | "POST" | "PUT" | "DELETE", () => Promise<unknown>][] = [
  // visibilityMs 0: reconciling a hostile answer looks once instead of waiting for the job.
  ["send", "POST", () => fax.send({ to, from, files: ["/p"] }, { visibilityMs: 0 })],
  [
    "send with a document",
    "POST",
    () => fax.send({ to, from, files: [pdf()] }, { visibilityMs: 0 }),
  ],
  ["sendFax", "POST", () => fax.operations.sendFax({ to, from, files: ["/p"] })],
  ["resend", "POST", () => fax.resend("f1", { to, from }, { visibilityMs: 0 })],
  ["upload", "POST", () => fax.upload(pdf())],
  [
    "createWebhook",
    "POST",
    () => fax.createWebhook({ target: "https://example.invalid/h", event: "fax_sent" }),
  ],
  ["getFax", "GET", () => fax.getFax({ fax_id: "f1" })],
  ["listFaxes", "GET", () => fax.listFaxes({ category: "inbox" })],
  ["getOutbox", "GET", () => fax.getOutbox("f1")],
  ["listNumbers", "GET", () => fax.listNumbers()],
  ["download", "GET", () => fax.download("f1")],
  ["downloadReport", "GET", () => fax.downloadReport("f1")],
  [
    "waitForDelivery",
    "GET",
    () => waitForDelivery(fax, "f1", { maxWait: 10_000, pollInterval: 1000 }, fakeClock()),
  ],
  ["updateFax", "PUT", () => fax.updateFax({ fax_id: "f1", comment: "c", is_read: true })],
  ["updateOutbox", "PUT", () => fax.updateOutbox("f1", { comment: "c" })],
  ["deleteFax", "DELETE", () => fax.deleteFax({ fax_id: "f1" })],
];

/** The error a call rejected with, or undefined when it resolved. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error ?? new Error("rejected with nothing");
  }
}

/** Checks one call against one answer: a rejection is typed, and flagged for a POST. */
async function typedUnder(method: string, call: () => Promise<unknown>, answer: Answer) {
  rec.reset();
  rec.answer((_request, res) => respond(res, answer));
  const error = await outcome(call);
  if (error === undefined) return;
  expect(error).toBeInstanceOf(FaxPlusError);
  const answered = answer.body.kind !== "drop";
  if (method === "POST" && answered && (answer.status < 300 || answer.status >= 500)) {
    expect(error).toHaveProperty("mayHaveBeenProcessed", true);
  }
}

/** The calls whose answers are read by a workflow (their own property below). */
const READ_BY_WORKFLOW = new Set(["upload", "send with a document", "waitForDelivery"]);

describe("any answer", () => {
  it("every rejection is a FaxPlusError; a POST answered 2xx or 5xx may have been processed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls.filter(([name]) => !READ_BY_WORKFLOW.has(name))),
        answers,
        async ([, method, call], answer) => typedUnder(method, call, answer),
      ),
      runs(150),
    );
  });

  // Found by this property: a 2xx answer with no JSON object (204, empty, `null`) once made
  // upload and waitForDelivery throw a TypeError reading `path` / `status`. They now reject with
  // an UnexpectedResponseError (mayHaveBeenProcessed true for the upload's POST).
  it("upload, send with a document, waitForDelivery: every rejection is a FaxPlusError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls.filter(([name]) => READ_BY_WORKFLOW.has(name))),
        answers,
        async ([, method, call], answer) => typedUnder(method, call, answer),
      ),
      runs(100),
    );
  });

  // Found by this property: an upload answered 200 without a non-empty string `path` once let
  // send() post the fax with its internal placeholder (or `""`) as a document. It is now an
  // UnexpectedResponseError from the upload, and no fax request is made.
  it("an upload answered without a path: no fax is sent, the error says the upload may be stored", async () => {
    const pathless = fc.oneof(
      shaped.filter((value) => typeof (value as { path?: unknown } | null)?.path !== "string"),
      fc.constant({ path: "" }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 201), pathless, async (status, value) => {
        rec.reset();
        rec.answer((request, res) =>
          respond(
            res,
            request.path.includes("/files")
              ? { status, body: { kind: "json", value } }
              : {
                  status: 200,
                  body: { kind: "json", value: { ids: { [to[0] as string]: "f1" } } },
                },
          ),
        );
        const error = await outcome(() =>
          fax.send({ to, from, files: [pdf()] }, { visibilityMs: 0 }),
        );
        expect(rec.server.requests.map((r) => r.path)).toEqual(["/accounts/self/files"]);
        expect(error).toBeInstanceOf(FaxPlusError);
        expect(error).toHaveProperty("mayHaveBeenProcessed", true);
      }),
      runs(30),
    );
  });

  it("send answered 200 with HTML: unresolved (reconciliation cannot read the answers either), caused by an UnexpectedResponseError, may have been processed", async () => {
    rec.answer((_request, res) =>
      respond(res, {
        status: 200,
        body: { kind: "text", type: "text/html", text: "<html>queued</html>" },
      }),
    );
    const error = await failure(fax.send({ to, from, files: ["/p"] }, { visibilityMs: 0 }));
    expect((error as Error).name).toBe("SendUnresolvedError");
    expect(((error as Error).cause as Error).name).toBe("UnexpectedResponseError");
    expect(error).toHaveProperty("mayHaveBeenProcessed", true);
  });
});

describe("bulk updates", () => {
  const spec = parse(
    readFileSync(new URL("../../generated/openapi.yaml", import.meta.url), "utf8"),
  ) as {
    components: { schemas: Record<string, { properties: { code: { enum: number[] } } }> };
  };
  /** The per-item codes the spec lists, and where the SDK reports each (README). */
  const codes = spec.components.schemas["BulkOperationResultItemFax"]?.properties.code.enum ?? [];
  const BUCKET: Record<number, keyof BulkUpdateResult | "retried"> = {
    204: "updated",
    403: "forbidden",
    404: "notFound",
    409: "conflict",
    500: "retried",
  };
  const batchSize = rules.bulkUpdateFaxes.body.properties.ids.maxItems;

  /** One batch's answer: item codes (spec-listed or not, some IDs missing) or a broken answer. */
  type BatchAnswer =
    { kind: "items"; codes: number[]; omit: boolean } | { kind: "broken"; answer: Answer };
  const batchAnswer: fc.Arbitrary<BatchAnswer> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("items" as const),
        codes: fc.array(
          fc.oneof(
            fc.constantFrom(...codes.filter((c) => c !== 500)),
            fc.constantFrom(200, 418, 0, -1),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        omit: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constant({ status: 200, body: { kind: "json" as const, value: {} } }),
          fc.constant({
            status: 200,
            body: { kind: "json" as const, value: { results: "all done" } },
          }),
          fc.constant({
            status: 200,
            body: { kind: "json" as const, value: { results: [{ id: 5, code: "204" }] } },
          }),
          answers,
        )
        .map((answer) => ({ kind: "broken" as const, answer })),
    },
  );

  it("never throws; every ID in exactly one list; what the good batches said is kept", async () => {
    expect(codes.every((code) => code in BUCKET)).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 3 * batchSize })
          .chain((n) => fc.uniqueArray(text(1, 8), { minLength: n, maxLength: n })),
        fc.array(batchAnswer, { minLength: 3, maxLength: 3 }),
        async (ids, plan) => {
          rec.reset();
          let batch = 0;
          /** What each ID's batch answered, when it answered with item codes. */
          const said = new Map<string, number>();
          rec.answer((request, res) => {
            const planned = plan[batch++ % plan.length] as BatchAnswer;
            if (planned.kind === "broken") return respond(res, planned.answer);
            const sent = (request.json as { ids: string[] }).ids;
            const results = sent
              .map((id, i) => ({ id, code: planned.codes[i % planned.codes.length] as number }))
              // Some answers leave every fourth ID out.
              .filter((_, i) => !planned.omit || i % 4 !== 3);
            for (const { id, code } of results) said.set(id, code);
            respond(res, { status: 200, body: { kind: "json", value: { results } } });
          });
          const result = await fax.updateFaxesInBatches(ids, { is_read: true }, { concurrency: 1 });
          const lists = [
            result.updated,
            result.notFound,
            result.forbidden,
            result.conflict,
            result.failed.map((f) => f.id),
            result.notAttempted,
          ];
          expect(lists.flat().sort()).toEqual([...ids].sort());
          for (const failed of result.failed) {
            if (failed.error) expect(failed.error).toBeInstanceOf(FaxPlusError);
          }
          for (const [id, code] of said) {
            const bucket = BUCKET[code];
            if (bucket === undefined) {
              expect(result.failed.find((f) => f.id === id)).toMatchObject({ id, code });
            } else if (bucket !== "retried") {
              expect(result[bucket]).toContain(id);
            }
          }
          expect(rec.server.requests.length).toBeLessThanOrEqual(Math.ceil(ids.length / batchSize));
        },
      ),
      runs(40),
    );
  });
});

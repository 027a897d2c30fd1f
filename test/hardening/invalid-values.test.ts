// Values the API would refuse are refused before anything is sent, naming the field: empty values
// where the prose says a value is needed, date-times that are no dates, lengths counted as JSON
// Schema counts them (code points), wrong container types anywhere, and IDs with lone surrogates.
// Never a TypeError or URIError, and the real local server receives nothing.
import { idsFor } from "../support/send-key.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { FaxPlus, ValidationError } from "../../src/index.js";
import type { SendFaxInput } from "../../src/index.js";
import { pattern } from "../../src/core/patterns.js";
import { dateTime, snapshot, type SchemaRules } from "../../src/core/validate.js";
import { failure, type SeenRequest } from "../support/server.js";
import {
  anyValue,
  clone,
  hasRuleType,
  codePointCount,
  daysIn,
  fieldName,
  formatTime,
  positions,
  realTime,
  recorder,
  runs,
  SEED,
  setAt,
  text,
  unrealTime,
  valid,
  wrongType,
  type Recorder,
  type TimeParts,
} from "./generators.js";

/** Input TypeScript would refuse, as JavaScript callers can still pass it. */
const input = (value: unknown) => value as SendFaxInput;

let rec: Recorder;
let fax: FaxPlus;
/** Answers a bulk update with 204 for every ID, a send with no IDs, anything else with 204. */
function answer(request: SeenRequest) {
  const ids = (request.json as { ids?: unknown } | undefined)?.ids;
  if (request.method === "PUT" && Array.isArray(ids)) {
    return { json: { results: ids.map((id: unknown) => ({ id, code: 204 })) } };
  }
  if (request.method === "POST") return { json: { ids: idsFor(request.json) } };
  return { status: 204 };
}
beforeAll(async () => {
  rec = await recorder(answer);
  fax = new FaxPlus({ token: "test-token", baseUrl: rec.server.baseUrl, maxRetries: 0 });
});
afterAll(() => rec.server.close());

const body = rules.sendFax.body;
const payload = valid(body).map((value) => clone(value) as Record<string, unknown>);

/** Expects a ValidationError naming one of `fields`, and no request at all. */
async function refused(call: () => unknown, ...fields: string[]): Promise<ValidationError> {
  rec.reset();
  const error = await failure(Promise.resolve().then(call));
  expect(error).toBeInstanceOf(ValidationError);
  expect(fields).toContain((error as ValidationError).field);
  expect(rec.server.requests).toHaveLength(0);
  return error as ValidationError;
}

describe("empty values", () => {
  it("files: [] without from_fax is no document: refused", async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (base, raw) => {
        const { from_fax: _, ...rest } = base;
        const value = { ...rest, files: [] };
        await refused(
          () => (raw ? fax.operations.sendFax(value as never) : fax.send(input(value))),
          "files or from_fax",
        );
      }),
      runs(30),
    );
  });

  it("an empty string where a value is required is refused by name", async () => {
    const to = ["+12345678901"];
    const from = "no_number";
    const cases: [() => unknown, string[]][] = [
      [() => fax.send({ to, from: "", files: ["/f"] }), ["from"]],
      [() => fax.send({ to: [""], from, files: ["/f"] }), ["to[0]"]],
      [() => fax.send({ to, from, from_fax: { fax_id: "" } }), ["from_fax.fax_id"]],
      [() => fax.updateFaxesInBatches(["f1", ""], { is_read: true }), ["ids[1]"]],
      [() => fax.updateOutboxFaxesInBatches([""], { comment: "c" }), ["ids[0]"]],
      [() => fax.getFax({ fax_id: "" }), ["path.fax_id"]],
      [() => fax.deleteFax({ fax_id: "" }), ["path.fax_id"]],
      [() => fax.download(""), ["path.fax_id"]],
      [() => fax.getOutbox(""), ["path.outbox_fax_id"]],
      [() => fax.resend(""), ["from_fax.fax_id", "faxId"]],
      [() => fax.forward("", { to, from }), ["from_fax.fax_id", "faxId"]],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), async ([call, fields]) => {
        await refused(call, ...fields);
      }),
      runs(cases.length * 2),
    );
  });
});

describe("dates", () => {
  const sendTime = body.properties.send_time;
  const sendTimeRegex = new RegExp(sendTime.pattern);

  // Found by this property: Date.UTC maps years 0-99 to 1900-1999, so "0000-02-29" (a leap day
  // in RFC 3339's proleptic Gregorian calendar) was once refused. isCalendarTime now sets the
  // full year itself.
  it("the date-time checker accepts real moments and refuses the rest (leap years of RFC 3339)", () => {
    const rule = dateTime(pattern(sendTime.pattern));
    fc.assert(
      fc.property(fc.oneof(realTime, unrealTime), (parts) => {
        const value = formatTime(parts, sendTime.pattern);
        if (isReal(parts)) expect(snapshot(rule, value, "send_time")).toBe(value);
        else expect(() => snapshot(rule, value, "send_time")).toThrow(ValidationError);
      }),
      // Feb 29 of the years where the leap rule is easy to get wrong, always tried.
      {
        ...runs<[TimeParts]>(600),
        examples: [0, 1900, 2000, 2024, 2100].map((year): [TimeParts] => [feb29(year)]),
      },
    );
  });

  // Found by this property: send_time was once checked by its pattern only, so Feb 30, hour 24,
  // second 61 or offset +9999 were sent. The corrections overlay marks it a date-time, checked
  // as a real moment.
  it("send_time that matches the pattern but names no moment is refused, and nothing is sent", async () => {
    const [base = {}] = fc.sample(payload, { seed: SEED, numRuns: 1 });
    const real = { ...feb29(2024), month: 11, day: 21 };
    // Always tried: Feb 30, hour 24, second 61, offset +9999.
    const quoted: TimeParts[] = [
      { ...real, month: 2, day: 30 },
      { ...real, hour: 24 },
      { ...real, second: 61 },
      { ...real, offsetHours: 99, offsetMinutes: 99 },
    ];
    await fc.assert(
      fc.asyncProperty(payload, unrealTime, async (base, parts) => {
        const value = formatTime(parts, sendTime.pattern);
        expect(value).toMatch(sendTimeRegex);
        await refused(() => fax.send(input({ ...base, send_time: value })), "send_time");
      }),
      {
        ...runs<[Record<string, unknown>, TimeParts]>(100),
        examples: quoted.map((parts): [Record<string, unknown>, TimeParts] => [base, parts]),
      },
    );
  });

  it("send_time naming a real moment is sent as given", async () => {
    await fc.assert(
      fc.asyncProperty(payload, realTime, async (base, parts) => {
        rec.reset();
        const value = formatTime(parts, sendTime.pattern);
        await fax.send(input({ ...base, send_time: value }));
        expect(
          rec.server.requests.map((r) => (r.json as { send_time: unknown }).send_time),
        ).toEqual([value]);
      }),
      runs(50),
    );
  });

  it("a Date is sent as its UTC moment, or refused by name when it has no 4-digit year", async () => {
    const at = (year: number, month: number, day: number) => {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      return date;
    };
    const dates = fc.oneof(
      fc.date({ noInvalidDate: false }),
      fc.constantFrom(
        at(0, 2, 29),
        at(2000, 2, 29),
        at(9999, 12, 31),
        at(10000, 1, 1),
        at(-1, 6, 1),
      ),
    );
    await fc.assert(
      fc.asyncProperty(payload, dates, async (base, date) => {
        rec.reset();
        const year = date.getUTCFullYear();
        const call = () => fax.send(input({ ...base, send_time: date }));
        if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
          await refused(call, "send_time");
          return;
        }
        await call();
        const p = (n: number, width = 2) => String(n).padStart(width, "0");
        const expected =
          `${p(year, 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ` +
          `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
        expect(
          rec.server.requests.map((r) => (r.json as { send_time: unknown }).send_time),
        ).toEqual([expected]);
      }),
      runs(60),
    );
  });
});

function feb29(year: number): TimeParts {
  return {
    year,
    month: 2,
    day: 29,
    hour: 12,
    minute: 0,
    second: 0,
    sign: "+",
    offsetHours: 0,
    offsetMinutes: 0,
  };
}

/** Whether date-time parts name a real moment, by the rules of RFC 3339 and real offsets. */
function isReal(parts: TimeParts): boolean {
  return (
    parts.month >= 1 &&
    parts.month <= 12 &&
    parts.day >= 1 &&
    parts.day <= daysIn(parts.year, parts.month) &&
    parts.hour <= 23 &&
    parts.minute <= 59 &&
    parts.second <= 59 &&
    parts.offsetHours <= 14 &&
    parts.offsetMinutes <= 59
  );
}

/** A string of `n` emoji, each one code point and two UTF-16 units. */
function emoji(n: number): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 0x1f600, max: 0x1f64f }), { minLength: n, maxLength: n })
    .map((points) => String.fromCodePoint(...points));
}

describe("lengths are counted in code points, as JSON Schema counts them", () => {
  const fields: [string, SchemaRules, (value: string) => Promise<unknown>, string][] = [
    [
      "bulkUpdateFaxes comment",
      rules.bulkUpdateFaxes.body.properties.comment,
      (value) => fax.updateFaxesInBatches(["f1"], { comment: value }),
      "comment",
    ],
    [
      "updateOutboxFaxesInBatches comment",
      rules.bulkUpdateOutboxFaxes.body.properties.comment,
      (value) => fax.updateOutboxFaxesInBatches(["f1"], { comment: value }),
      "comment",
    ],
    [
      "an ID of a bulk update",
      rules.bulkUpdateFaxes.body.properties.ids.items,
      (value) => fax.updateFaxesInBatches([value], { is_read: true }),
      "ids[0]",
    ],
  ];
  for (const [name, rule, call, field] of fields) {
    const min = rule.minLength ?? 0;
    const max = rule.maxLength ?? Number.NaN;
    expect(max).toBeGreaterThan(0); // the spec gives this field a limit
    it(`${name}: ${min} to ${max} characters accepted and sent intact, others refused`, async () => {
      // Most cases near the limits, where UTF-16 and code point counts disagree.
      const length = fc.oneof(
        fc.integer({ min: Math.max(0, min - 2), max: min + 2 }),
        fc.integer({ min: max - 3, max: max + 3 }),
        fc.integer({ min: 0, max: 2 * max }),
      );
      await fc.assert(
        fc.asyncProperty(
          // Any code points, or emoji only (two UTF-16 units each).
          length.chain((n) => fc.oneof(text(n, n), emoji(n))),
          async (value) => {
            const n = codePointCount(value);
            if (n < min || n > max) {
              const error = await refused(() => call(value), field);
              expect(error.rule).toContain(n === 0 ? "must not be empty" : `(got ${n})`);
              return;
            }
            rec.reset();
            await call(value);
            const sent = rec.server.requests.map((r) => r.json as Record<string, unknown>);
            expect(sent).toHaveLength(1);
            expect(JSON.stringify(sent[0])).toContain(JSON.stringify(value));
          },
        ),
        runs(60),
      );
    });
  }
});

describe("wrong types anywhere", () => {
  const positionsOfSend = positions(body);
  const full = valid(body, true).map((value) => clone(value) as Record<string, unknown>);
  /** What `send` takes beyond the spec's JSON: a Date as send_time, documents in files. */
  const extension = (path: readonly (string | number)[], value: unknown) =>
    (path.join(".") === "send_time" && value instanceof Date) ||
    (path[0] === "files" && path.length === 2 && value instanceof Uint8Array);

  it("in a send payload (every position of the spec's rule): refused by name", async () => {
    await fc.assert(
      fc.asyncProperty(
        full,
        fc
          .constantFrom(...positionsOfSend)
          .chain(([path, rule]) => fc.tuple(fc.constant(path), wrongType(rule))),
        fc.boolean(),
        async (base, [path, wrong], raw) => {
          if (!raw && extension(path, wrong)) return;
          const value = setAt(clone(base), path, wrong);
          await refused(
            () => (raw ? fax.operations.sendFax(value as never) : fax.send(input(value))),
            fieldName(path),
          );
        },
      ),
      runs(200),
    );
  });

  /** What a parameter of a helper takes; anything else is a wrong type for it. */
  const is = {
    string: (v: unknown) => typeof v === "string",
    number: (v: unknown) => typeof v === "number",
    boolean: (v: unknown) => typeof v === "boolean",
    array: (v: unknown) => Array.isArray(v),
    function: (v: unknown) => typeof v === "function",
    object: (v: unknown) => hasRuleType({ type: "object" } as SchemaRules, v),
    token: (v: unknown) => typeof v === "string" || typeof v === "function",
  };
  const to = ["+12345678901"];
  const from = "no_number";
  const blob = new Blob(["%PDF-1.4"], { type: "application/pdf" });
  /** [fields the error may name, what the parameter takes, the call, whether it is an option]. */
  type Case = [string[], keyof typeof is, (w: never) => unknown, "option"?];
  const cases: Case[] = [
    [["payload"], "object", (w) => fax.send(w)],
    [["ids"], "array", (w) => fax.updateFaxesInBatches(w, { is_read: true })],
    [["ids"], "array", (w) => fax.updateOutboxFaxesInBatches(w, { comment: "c" })],
    [["ids[1]"], "string", (w) => fax.updateFaxesInBatches(["a", w, "b"], { is_read: true })],
    [["changes"], "object", (w) => fax.updateFaxesInBatches(["a"], w)],
    [["changes"], "object", (w) => fax.updateOutboxFaxesInBatches(["a"], w)],
    [
      ["is_read", "changes.is_read"],
      "boolean",
      (w) => fax.updateFaxesInBatches(["a"], { is_read: w }),
    ],
    [
      ["comment", "changes.comment"],
      "string",
      (w) => fax.updateFaxesInBatches(["a"], { comment: w }),
    ],
    [
      ["comment", "changes.comment"],
      "string",
      (w) => fax.updateOutboxFaxesInBatches(["a"], { comment: w }),
    ],
    [["options"], "object", (w) => fax.updateFaxesInBatches(["a"], { is_read: true }, w)],
    [
      ["concurrency"],
      "number",
      (w) => fax.updateFaxesInBatches(["a"], { is_read: true }, { concurrency: w }),
      "option",
    ],
    [
      ["onProgress"],
      "function",
      (w) => fax.updateFaxesInBatches(["a"], { is_read: true }, { onProgress: w }),
      "option",
    ],
    [["input"], "object", (w) => fax.resend("f1", w)],
    [["input"], "object", (w) => fax.forward("f1", w)],
    [["from_fax.fax_id", "faxId"], "string", (w) => fax.resend(w, { to, from })],
    [["from_fax.fax_id", "faxId"], "string", (w) => fax.forward(w, { to, from })],
    [["from_fax.user_id", "owner"], "string", (w) => fax.forward("f1", { to, from, owner: w })],
    [["path.fax_id"], "string", (w) => fax.getFax({ fax_id: w })],
    [["path.fax_id"], "string", (w) => fax.deleteFax({ fax_id: w })],
    [["path.fax_id"], "string", (w) => fax.download(w)],
    [["path.outbox_fax_id"], "string", (w) => fax.getOutbox(w)],
    [["params"], "object", (w) => fax.updateFax(w)],
    [["changes"], "object", (w) => fax.updateAccount(w)],
    [["options"], "object", (w) => fax.getFax({ fax_id: "f1" }, w)],
    [["timeout"], "number", (w) => fax.getFax({ fax_id: "f1" }, { timeout: w }), "option"],
    [["maxRetries"], "number", (w) => fax.getFax({ fax_id: "f1" }, { maxRetries: w }), "option"],
    [["signal"], "object", (w) => fax.getFax({ fax_id: "f1" }, { signal: w }), "option"],
    [["file"], "object", (w) => fax.upload(w)],
    [["options"], "object", (w) => fax.upload(blob, w)],
    [["query.format", "format"], "string", (w) => fax.upload(blob, { format: w }), "option"],
    [["filename"], "string", (w) => fax.upload(blob, { filename: w }), "option"],
    [["options"], "object", (w) => fax.download("f1", w)],
    [["params", "query"], "object", (w) => fax.listFaxes(w)],
    [["options"], "object", (w) => fax.waitForDelivery("f1", w)],
    [["maxWait"], "number", (w) => fax.waitForDelivery("f1", { maxWait: w }), "option"],
    [["pollInterval"], "number", (w) => fax.waitForDelivery("f1", { pollInterval: w }), "option"],
    [["options"], "object", (w) => new FaxPlus(w)],
    [["maxRetries"], "number", (w) => new FaxPlus({ maxRetries: w }), "option"],
    [["timeout"], "number", (w) => new FaxPlus({ timeout: w }), "option"],
    [["token"], "token", (w) => new FaxPlus({ token: w }), "option"],
    [["userId"], "string", (w) => new FaxPlus({ userId: w }), "option"],
    [["baseUrl"], "string", (w) => new FaxPlus({ baseUrl: w }), "option"],
  ];

  it("as the arguments and options of the helpers: refused by name", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases).chain(([fields, kind, call, option]) =>
          fc.tuple(
            fc.constant(fields),
            fc.constant(call),
            // null as an option: see the next test.
            anyValue.filter((w) => !is[kind](w) && !(option && w === null)),
          ),
        ),
        async ([fields, call, wrong]) => {
          await refused(() => call(wrong as never), ...fields);
        },
      ),
      runs(300),
    );
  });

  // Found by this property: an option given as null was once taken for its default (`??`), so
  // `{ timeout: null }` silently meant 60 s. Options are now refused by name when null.
  it("null as an option is refused by name, not taken for the default", async () => {
    const options = cases.filter(([, kind, , option]) => option && !is[kind](null));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...options), async ([fields, , call]) => {
        await refused(() => call(null as never), ...fields);
      }),
      runs(options.length * 2),
    );
  });
});

describe("IDs with lone surrogates", () => {
  /** A string with one unpaired UTF-16 surrogate somewhere. */
  const malformed = fc
    .tuple(text(0, 4), fc.integer({ min: 0xd800, max: 0xdfff }), text(0, 4))
    .map(([before, unit, after]) => before + String.fromCharCode(unit) + after);

  it("every ID argument: a ValidationError naming it, never a URIError, nothing sent", async () => {
    const to = ["+12345678901"];
    const from = "no_number";
    const cases: [string[], (id: string) => unknown][] = [
      [["path.fax_id"], (id) => fax.getFax({ fax_id: id })],
      [["path.fax_id"], (id) => fax.deleteFax({ fax_id: id })],
      [["path.fax_id"], (id) => fax.updateFax({ fax_id: id, comment: "c", is_read: true })],
      [["path.fax_id"], (id) => fax.download(id)],
      [["path.fax_id"], (id) => fax.downloadStream(id)],
      [["path.fax_id"], (id) => fax.downloadReport(id)],
      [["path.outbox_fax_id"], (id) => fax.getOutbox(id)],
      [["path.outbox_fax_id"], (id) => fax.cancelOutbox(id)],
      [["path.outbox_fax_id"], (id) => fax.updateOutbox(id, { comment: "c" })],
      [["path.outbox_fax_id", "path.fax_id"], (id) => fax.waitForDelivery(id)],
      [["path.number"], (id) => fax.getNumber({ number: id })],
      [["path.member_user_id"], (id) => fax.getMemberDetails({ member_user_id: id })],
      [["path.hook_id"], (id) => fax.deleteWebhook({ hook_id: id })],
      [["path.user_id"], (id) => fax.operations.getUser({ user_id: id })],
      [["from_fax.fax_id", "faxId"], (id) => fax.resend(id)],
      [["from_fax.fax_id", "faxId"], (id) => fax.resend(id, { to, from })],
      [["from_fax.fax_id", "faxId"], (id) => fax.forward(id, { to, from })],
      [["from_fax.user_id", "owner"], (id) => fax.forward("f1", { to, from, owner: id })],
      [["ids[2]"], (id) => fax.updateFaxesInBatches(["a", "b", id], { is_read: true })],
      [["ids[0]"], (id) => fax.updateOutboxFaxesInBatches([id], { comment: "c" })],
      [["userId"], (id) => new FaxPlus({ baseUrl: rec.server.baseUrl, userId: id })],
      [["files[0]"], (id) => fax.send({ to, from, files: [id] })],
      [["comment.text"], (id) => fax.send({ to, from, files: ["/f"], comment: { text: id } })],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), malformed, async ([fields, call], id) => {
        await refused(() => call(id), ...fields);
      }),
      runs(200),
    );
  });

  it("any other value of any type as an ID: refused by name, never a TypeError", async () => {
    await fc.assert(
      fc.asyncProperty(
        anyValue.filter((value) => typeof value !== "string"),
        async (id) => {
          await refused(() => fax.getFax({ fax_id: id as string }), "path.fax_id");
        },
      ),
      runs(60),
    );
  });
});

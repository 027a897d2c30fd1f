// Property-based tests of the mock over real HTTP (fast-check, fixed seed): generated requests,
// hostile and valid, against a running mock server. Whatever arrives, the answer is below 500 and
// the server keeps answering unrelated requests; what the spec's rules refuse is refused with the
// validator's own message; valid sends are stored as sent and delivered at their send time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { ValidationError } from "../../src/core/errors.js";
import { check, MAX_DEPTH, type SchemaRules } from "../../src/core/validate.js";
import { type MockServer, seeds } from "../../src/mock/index.js";
import { MAX_NESTING } from "../../src/mock/request-body.js";
import { rawRequest } from "./raw-http.js";
import { mockServers } from "../support/mock-servers.js";

const SEED = 20261121;
const TOKEN = "property-token";
const TIMEOUT = 180_000;

const start = mockServers({ token: TOKEN });

const portOf = (server: MockServer) => Number(new URL(server.baseUrl).port);

function api(server: MockServer, method: string, path: string, json?: unknown) {
  return fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(json === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}

/** Unrelated requests still answer 200 (nothing stored broke the store). */
async function expectServing(server: MockServer): Promise<void> {
  expect((await api(server, "GET", "/accounts/self/outbox")).status).toBe(200);
  expect((await api(server, "GET", "/accounts/self")).status).toBe(200);
}

// The rules of the spec, read from generated/rules.ts.

type Operation = rules.OperationRules & { id: string };
const operations: Operation[] = Object.entries(rules as Record<string, unknown>)
  .filter(
    (entry): entry is [string, rules.OperationRules] =>
      typeof entry[1] === "object" && entry[1] !== null && "method" in entry[1],
  )
  .map(([id, operation]) => ({ ...operation, id }));

/** The rule at `path` below `rule`: property names, or "[]" for the items of an array. */
function ruleAt(rule: SchemaRules | undefined, ...path: string[]): SchemaRules {
  let at = rule;
  for (const step of path) at = step === "[]" ? at?.items : at?.properties?.[step];
  if (!at) throw new Error(`no rule at ${path.join(".")}`);
  return at;
}

const sendFaxBody = rules.sendFax.body as SchemaRules;
const patternOf = (rule: SchemaRules) => new RegExp(rule.pattern ?? "");
const enumOf = (rule: SchemaRules) => (rule.enum ?? []).map(String);

// Hostile pieces.

const HOSTILE_WORDS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "",
  " ",
  "self",
  "..",
  ".",
  "%",
  "%zz",
  "%E0%A4%A",
  "%ED%A0%80",
  "%00",
  "%2F",
  "null",
  "NaN",
  "-1",
  "1e309",
  "0x10",
  "\ud800",
  "[",
  "{}",
];
const SEED_IDS = [
  seeds.selfUid,
  seeds.memberUid,
  seeds.number,
  seeds.sentFaxId,
  seeds.failedFaxId,
  seeds.memberFaxId,
  seeds.scheduledJobId,
  seeds.inboxFaxId(0),
  `${seeds.sentFaxId}.tiff`,
];

const hostileText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(...HOSTILE_WORDS),
  fc.constantFrom(...SEED_IDS),
  fc.integer().map(String),
  fc.nat(12_000).map((n) => "9".repeat(n)),
);

/** Percent-encodes `text`; a lone surrogate (which encodeURIComponent refuses) as its UTF-8 bytes would be. */
function encode(text: string): string {
  return [...text]
    .map((char) => {
      try {
        return encodeURIComponent(char);
      } catch {
        return "%ED%A0%80";
      }
    })
    .join("");
}

/** A request target piece: encoded, or with printable ASCII (a stray `%` included) left as is. */
const targetPiece = fc
  .tuple(hostileText, fc.constantFrom("encoded", "literal", "raw"))
  .map(([text, mode]) => {
    if (mode === "encoded") return encode(text);
    if (mode === "raw") return [...text].map((c) => (c === "\r" || c === "\n" ? "?" : c)).join("");
    return [...text]
      .map((char) => (char >= "!" && char <= "~" && char !== "#" ? char : encode(char)))
      .join("");
  });

/** A path template of the spec with its parameters filled in, under /v3. */
function fill(template: string, pieces: string[]): string {
  let i = 0;
  return `/v3${template.replace(/\{[^}]+\}/g, () => pieces[i++] ?? "x")}`;
}

const templates = operations.map((operation) => operation.path);
const pathArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...templates), fc.array(targetPiece, { minLength: 3, maxLength: 3 }))
      .map(([template, pieces]) => fill(template, pieces)),
  },
  {
    weight: 1,
    arbitrary: fc.array(targetPiece, { maxLength: 6 }).map((pieces) => `/v3/${pieces.join("/")}`),
  },
  {
    weight: 1,
    arbitrary: fc.array(targetPiece, { maxLength: 3 }).map((pieces) => `/${pieces.join("/")}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "//",
      "*",
      "/v3",
      "/v3/",
      "http://evil.example/v3/accounts/self",
      "/v3/accounts/self/../../v3/hooks",
      "/v3/accounts/self/faxes/",
    ),
  },
);

/** A path parameter: mostly an ID of the seed data, else a hostile piece. */
const paramPiece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("self", ...SEED_IDS).map(encode) },
  { weight: 2, arbitrary: targetPiece },
);

/** An operation's method and path (parameters mostly real), or any method and path. */
const requestLine = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...operations),
        fc.tuple(
          fc.oneof({ weight: 3, arbitrary: fc.constant("self") }, paramPiece),
          paramPiece,
          paramPiece,
        ),
      )
      .map(([operation, pieces]) => ({
        method: operation.method,
        path: fill(operation.path, pieces),
      })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      method: fc.constantFrom("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"),
      path: pathArb,
    }),
  },
);

const someQuery = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom("category", "limit", "offset", "after", "before", "format", "event"),
        hostileText,
      ),
      fc.oneof(
        hostileText,
        fc.double().map(String),
        fc.constantFrom("inbox", "spam", "tiff", "pdf", "fax_sent", "2026-01-01 00:00:00", ""),
      ),
      fc.constantFrom("encoded", "literal"),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ""
      : `?${pairs
          .map(([key, value, mode]) =>
            mode === "encoded"
              ? `${encode(key)}=${encode(value)}`
              : `${key}=${value}`.replace(/[^!-~]/g, (c) => encode(c)),
          )
          .join("&")}`,
  );
const queryArb = fc.oneof(fc.constant(""), someQuery);

/** A header value: printable, or with control and Latin-1 bytes (never CR or LF, which end it). */
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: "binary-ascii", maxLength: 40 })
      .map((text) => text.replace(/[\r\n]/g, "?")),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...HOSTILE_WORDS)
      .map((text) => text.replace(/[^\u0000-\u00ff]/g, "?")),
  },
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | undefined>(`Bearer ${TOKEN}`) },
  { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string | undefined>(
      "Bearer",
      "Bearer ",
      `bearer ${TOKEN}`,
      `Bearer ${TOKEN} extra`,
      "Basic abc",
    ),
  },
  { weight: 1, arbitrary: headerValue },
);

/** JSON text of `value`, with `extra` keys (`__proto__` included) added as own fields. */
function jsonWith(value: unknown, extra: [string, unknown][]): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return JSON.stringify(value);
  }
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (const [key, item] of extra) {
    Object.defineProperty(copy, key, { value: item, enumerable: true, configurable: true });
  }
  return JSON.stringify(copy);
}

const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => open.repeat(depth) + "1" + (open === "[" ? "]" : "}").repeat(depth));

/** A body with the content type that goes with it (or a mismatched one). */
const payloadArb: fc.Arbitrary<{ type: string | undefined; body: string | Uint8Array }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ type: undefined, body: "" }) },
  fc.record({
    type: fc.oneof(
      fc.constant<string | undefined>(undefined),
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "multipart/form-data",
        "application/octet-stream",
      ),
      headerValue,
    ),
    body: fc.oneof(
      fc.constant(""),
      fc.json({ maxDepth: 4 }),
      fc
        .tuple(
          fc.jsonValue({ maxDepth: 3 }),
          fc.array(fc.tuple(fc.constantFrom(...HOSTILE_WORDS), fc.jsonValue({ maxDepth: 2 })), {
            maxLength: 3,
          }),
        )
        .map(([value, extra]) => jsonWith(value, extra)),
      deepJson,
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.uint8Array({ maxLength: 2_000 }),
    ),
  }),
  fc
    .record({
      boundary: fc.oneof(fc.constant("b0undary"), fc.string({ minLength: 1, maxLength: 10 })),
      name: fc.oneof(fc.constant("fax_file"), hostileText),
      filename: fc.option(hostileText),
      content: fc.string({ maxLength: 200 }),
      close: fc.boolean(),
    })
    .map(({ boundary, name, filename, content, close }) => ({
      type: `multipart/form-data; boundary=${boundary.replace(/[\r\n]/g, "?")}`,
      body:
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
        (filename === null ? "" : `; filename="${filename}"`) +
        `\r\nContent-Type: application/pdf\r\n\r\n${content}\r\n` +
        (close ? `--${boundary}--\r\n` : ""),
    })),
);

/** Header text as the bytes a client would put on the wire (Latin-1), CR and LF excluded. */
const latin1 = (text: string) =>
  [...text]
    .map((char) => {
      const code = char.charCodeAt(0) & 0xff;
      return code === 10 || code === 13 ? "?" : String.fromCharCode(code);
    })
    .join("");

describe("any request", () => {
  it(
    "gets an answer below 500, and the server keeps serving",
    async () => {
      const server = await start();
      const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
      const RUNS = 1_000;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          requestLine,
          queryArb,
          authorization,
          payloadArb,
          fc.array(
            fc.tuple(
              fc.oneof(
                {
                  weight: 8,
                  arbitrary: fc.constantFrom("Accept", "X-Fax-ClientId", "Origin", "X-A"),
                },
                { weight: 1, arbitrary: fc.constant("Expect") },
              ),
              headerValue,
            ),
            { maxLength: 2 },
          ),
          async ({ method, path }, query, auth, payload, extra) => {
            cases++;
            const headers: [string, string][] = [
              ...(auth === undefined ? [] : [["Authorization", latin1(auth)] as [string, string]]),
              ...(payload.type === undefined
                ? []
                : [["Content-Type", latin1(payload.type)] as [string, string]]),
              ...extra.map(([name, value]) => [name, latin1(value)] as [string, string]),
            ];
            const answer = await rawRequest(
              portOf(server),
              { method, target: latin1(`${path}${query}`), headers },
              payload.body,
            );
            expect(answer.status).toBeDefined();
            expect(answer.status).toBeLessThan(500);
            // When the mock answered (not Node's parser, whose answers have no JSON body), a
            // request without the token got 401 whatever else was wrong with it, and only such
            // a request did.
            if (answer.headers["content-type"] === "application/json") {
              const valid = auth?.toLowerCase() === `bearer ${TOKEN}`;
              expect(answer.status === 401, `${answer.status} ${answer.body}`).toBe(!valid);
            }
            await expectServing(server);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
      expect(() => JSON.stringify(server.requests)).not.toThrow();
    },
    TIMEOUT,
  );
});

// A valid body of each operation that takes JSON, and where to send it.
const examples: Record<string, { path: string; body: Record<string, unknown> }> = {
  bulkUpdateFaxes: {
    path: "/accounts/self/faxes",
    body: { ids: [seeds.inboxFaxId(5)], is_read: true },
  },
  bulkUpdateOutboxFaxes: { path: "/accounts/self/outbox", body: { ids: ["j1"], comment: "c" } },
  createWebhook: { path: "/hooks", body: { target: "https://example.com/h", event: "fax_sent" } },
  sendFax: {
    path: "/accounts/self/outbox",
    body: {
      from: seeds.number,
      to: ["+14155550111"],
      from_fax: { fax_id: seeds.sentFaxId },
      comment: { text: "t", tags: ["a"] },
      options: { enhancement: true, retry: { count: 1, delay: 10 } },
      send_time: "2099-01-01 10:00:00 +0000",
      cover_page: { name_to: "a", name_from: "b", subject: "c", flags: ["urgent"] },
    },
  },
  updateFax: {
    path: `/accounts/self/faxes/${seeds.inboxFaxId(1)}`,
    body: { comment: "c", is_read: true },
  },
  updateMemberDetails: {
    path: `/accounts/self/member-details/${seeds.memberUid}`,
    body: { quota: 1, role: "r" },
  },
  updateNumber: {
    path: `/accounts/self/numbers/${encodeURIComponent(seeds.number)}`,
    body: { assigned_to: seeds.memberUid },
  },
  updateOutboxFax: {
    path: `/accounts/self/outbox/${seeds.scheduledJobId}`,
    body: { comment: "c" },
  },
  updateUser: {
    path: "/accounts/self",
    body: { name: "Ada", settings: { caller_id_name: "X", send_fax: { retry: { count: 1 } } } },
  },
};

/** The whole store as text, to see that a refused request changed nothing. */
function fingerprint(server: MockServer): string {
  const { accounts, memberDetails, faxes, outbox, files, numbers, webhooks } = server.state;
  return JSON.stringify(
    [accounts, memberDetails, faxes, outbox, files, numbers, webhooks].map((map) => [...map]),
  );
}

/** Every path to a value inside `value` (the root excluded), as lists of keys and indexes. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((item, i) => [i, item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...paths(item, [...prefix, key])]);
}

/** `body` with one change at `path`: a new value, the field removed, or a field added beside it. */
function mutate(
  body: Record<string, unknown>,
  path: (string | number)[],
  change: "replace" | "delete" | "add",
  key: string,
  value: unknown,
): string {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (change === "replace") parent[last] = value;
  else if (change === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) {
    Object.defineProperty(parent, key, { value, enumerable: true, configurable: true });
  }
  return JSON.stringify(copy);
}

describe("bodies with a field of the wrong type, missing, or added", () => {
  it(
    "are refused with the validator's own message when its rules refuse them, change nothing then, and never get a 5xx",
    async () => {
      const server = await start({ deliveryMs: Number.POSITIVE_INFINITY });
      const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
      const RUNS = 400;
      let cases = 0;
      let refused = 0;
      const mutation = fc.constantFrom(...Object.keys(examples)).chain((operationId) =>
        fc.record({
          operationId: fc.constant(operationId),
          path: fc.constantFrom(...paths(examples[operationId]!.body)),
          change: fc.constantFrom("replace", "delete", "add") as fc.Arbitrary<
            "replace" | "delete" | "add"
          >,
          key: fc.oneof(fc.constantFrom(...HOSTILE_WORDS), fc.string({ maxLength: 8 })),
          value: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.constantFrom<unknown>("", [], {}, null, 0, -1, 1e300, "\ud800", "x".repeat(200)),
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(mutation, async ({ operationId, path, change, key, value }) => {
          cases++;
          const example = examples[operationId]!;
          const text = mutate(example.body, path, change, key, value);
          const operation = operations.find((candidate) => candidate.id === operationId)!;
          let expected: string | undefined;
          try {
            check(operation.body!, JSON.parse(text));
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            expected = error.message;
          }
          const before = fingerprint(server);
          const response = await fetch(`${server.baseUrl}${example.path}`, {
            method: operation.method,
            headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
            body: text,
          });
          expect(response.status).toBeLessThan(500);
          if (expected !== undefined) {
            refused++;
            expect(response.status).toBe(400);
            expect(await response.json()).toEqual({
              error: "invalid_request",
              description: expected,
            });
            expect(fingerprint(server)).toBe(before);
          } else {
            await response.arrayBuffer();
          }
          await expectServing(server);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
      // Most changes break a rule: the property would say little if none did.
      expect(refused).toBeGreaterThan(RUNS / 3);
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    },
    TIMEOUT,
  );
});

/** `YYYY-MM-DD HH:mm:ss ±HHMM` with each part as given (which may be out of range). */
function timeText(parts: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  sign: "+" | "-";
  offsetHours: number;
  offsetMinutes: number;
}): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const { year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes } = parts;
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)} ${sign}${two(offsetHours)}${two(offsetMinutes)}`;
}

describe("send_time", () => {
  it(
    "is refused unless it names a real moment, and a valid one is delivered exactly then",
    async () => {
      let clock = Date.parse("2026-01-01T00:00:00Z");
      const server = await start({ now: () => clock, deliveryMs: 0 });
      const pattern = patternOf(ruleAt(sendFaxBody, "send_time"));
      const RUNS = 300;
      let cases = 0;
      let valid = 0;
      const near = (min: number, max: number, low: number, high: number) =>
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min, max }) },
          { weight: 1, arbitrary: fc.integer({ min: low, max: high }) },
        );
      const parts = fc.record({
        year: fc.oneof(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1000, max: 9999 })),
        month: near(1, 12, 0, 99),
        day: fc.oneof(near(1, 28, 0, 99), fc.integer({ min: 28, max: 32 })),
        hour: near(0, 23, 24, 99),
        minute: near(0, 59, 60, 99),
        second: near(0, 59, 60, 99),
        sign: fc.constantFrom<"+" | "-">("+", "-"),
        offsetHours: near(0, 14, 15, 99),
        offsetMinutes: near(0, 59, 60, 99),
      });
      await fc.assert(
        fc.asyncProperty(parts, async (p) => {
          cases++;
          const sendTime = timeText(p);
          expect(sendTime).toMatch(pattern);
          const leap = (p.year % 4 === 0 && p.year % 100 !== 0) || p.year % 400 === 0;
          const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
          const real =
            p.month >= 1 &&
            p.month <= 12 &&
            p.day >= 1 &&
            p.day <= days[p.month - 1]! &&
            p.hour <= 23 &&
            p.minute <= 59 &&
            p.second <= 59 &&
            p.offsetMinutes <= 59 &&
            // The widest time zone is 14 hours from UTC (spec/README.md, faxplus-datetime).
            p.offsetHours * 60 + p.offsetMinutes <= 14 * 60;
          const offsetMs =
            (p.sign === "+" ? 1 : -1) * (p.offsetHours * 60 + p.offsetMinutes) * 60_000;
          const at = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - offsetMs;
          if (real) clock = at - 1;
          const response = await api(server, "POST", "/accounts/self/outbox", {
            from: seeds.number,
            to: ["+14155550111"],
            from_fax: { fax_id: seeds.sentFaxId },
            send_time: sendTime,
            return_ids: true,
          });
          if (!real) {
            expect(response.status, sendTime).toBe(400);
            expect(((await response.json()) as { description: string }).description).toMatch(
              /^send_time: /,
            );
            await expectServing(server);
            return;
          }
          valid++;
          expect(response.status, sendTime).toBe(201);
          const { ids } = (await response.json()) as { ids: Record<string, string> };
          const faxId = ids["+14155550111"]!;
          // A millisecond early it waits; at its time it is delivered.
          expect((await api(server, "GET", `/accounts/self/faxes/${faxId}`)).status).toBe(404);
          clock = at;
          expect((await api(server, "GET", `/accounts/self/faxes/${faxId}`)).status).toBe(200);
          await expectServing(server);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
      expect(valid).toBeGreaterThan(RUNS / 10);
      expect(valid).toBeLessThan(RUNS - RUNS / 10);
    },
    TIMEOUT,
  );
});

describe("valid sends", () => {
  it(
    "are stored as sent: what getOutboxFax answers is what was posted",
    async () => {
      const server = await start({ deliveryMs: Number.POSITIVE_INFINITY });
      const uploaded: string[] = [];
      for (const name of ["a.pdf", "b.txt", "c.tiff"]) {
        const form = new FormData();
        form.append("fax_file", new Blob([name]), name);
        const response = await fetch(`${server.baseUrl}/accounts/self/files`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}` },
          body: form,
        });
        uploaded.push(((await response.json()) as { path: string }).path);
      }
      const sourceFiles = new Map<string, string>();
      for (const id of [seeds.sentFaxId, seeds.failedFaxId]) {
        const fax = (await (await api(server, "GET", `/accounts/self/faxes/${id}`)).json()) as {
          file: string;
        };
        sourceFiles.set(id, fax.file);
      }
      const retry = ruleAt(sendFaxBody, "options", "retry");
      const bounded = (rule: SchemaRules) =>
        fc.integer({ min: rule.minimum ?? 0, max: rule.maximum ?? 1_000 });
      const text = fc.string({ unit: "grapheme", maxLength: 40 });
      const sendTime = fc
        .record({
          at: fc.integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2099, 11, 31) }),
          offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
        })
        .map(({ at, offset }) => {
          const local = new Date(at + offset * 60_000);
          return timeText({
            year: local.getUTCFullYear(),
            month: local.getUTCMonth() + 1,
            day: local.getUTCDate(),
            hour: local.getUTCHours(),
            minute: local.getUTCMinutes(),
            second: local.getUTCSeconds(),
            sign: offset < 0 ? "-" : "+",
            offsetHours: Math.floor(Math.abs(offset) / 60),
            offsetMinutes: Math.abs(offset) % 60,
          });
        });
      const sendArb = fc
        .record(
          {
            from: fc.stringMatching(patternOf(ruleAt(sendFaxBody, "from"))),
            to: fc.array(fc.stringMatching(patternOf(ruleAt(sendFaxBody, "to", "[]"))), {
              minLength: ruleAt(sendFaxBody, "to").minItems ?? 1,
              maxLength: 5,
            }),
            files: fc.subarray(uploaded),
            from_fax: fc.constantFrom(...sourceFiles.keys()).map((fax_id) => ({ fax_id })),
            comment: fc.record(
              { text, tags: fc.array(text, { maxLength: 3 }) },
              { requiredKeys: [] },
            ),
            options: fc.record(
              {
                enhancement: fc.boolean(),
                retry: fc.record(
                  {
                    count: bounded(ruleAt(retry, "count")),
                    delay: bounded(ruleAt(retry, "delay")),
                  },
                  { requiredKeys: [] },
                ),
                partially_sent_retry: fc.boolean(),
              },
              { requiredKeys: [] },
            ),
            send_time: sendTime,
            resolution: fc.constantFrom(...enumOf(ruleAt(sendFaxBody, "resolution"))),
            cover_page: fc.record(
              {
                name_to: text,
                name_from: text,
                subject: text,
                flags: fc.subarray(enumOf(ruleAt(sendFaxBody, "cover_page", "flags", "[]"))),
                message: text,
                include_company_logo: fc.boolean(),
              },
              { requiredKeys: ["name_to", "name_from", "subject"] },
            ),
          },
          { requiredKeys: ["from", "to"] },
        )
        // A fax needs a document: files (non-empty) or from_fax.
        .filter((payload) => (payload.files?.length ?? 0) > 0 || payload.from_fax !== undefined);
      const RUNS = 200;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(sendArb, async (payload) => {
          cases++;
          const before = await api(server, "GET", "/accounts/self/outbox");
          const known = new Set(
            ((await before.json()) as { records: { id: string }[] }).records.map((r) => r.id),
          );
          const response = await api(server, "POST", "/accounts/self/outbox", {
            ...payload,
            return_ids: true,
          });
          expect(response.status, JSON.stringify(payload)).toBe(201);
          const destinations = [...new Set(payload.to)];
          const { ids } = (await response.json()) as { ids: Record<string, string> };
          expect(Object.keys(ids).sort()).toEqual([...destinations].sort());
          const after = await api(server, "GET", "/accounts/self/outbox");
          const added = ((await after.json()) as { records: { id: string }[] }).records.filter(
            (record) => !known.has(record.id),
          );
          expect(added).toHaveLength(1);
          const job = (await (
            await api(server, "GET", `/accounts/self/outbox/${added[0]!.id}`)
          ).json()) as Record<string, unknown>;
          const files = [
            ...(payload.files ?? []),
            ...(payload.from_fax ? [sourceFiles.get(payload.from_fax.fax_id)] : []),
          ];
          expect(job).toMatchObject({
            src: payload.from,
            to: destinations,
            files,
            comment: { text: payload.comment?.text ?? "", tags: payload.comment?.tags ?? [] },
            should_enhance: payload.options?.enhancement ?? true,
          });
          expect(job.options).toEqual(payload.options);
          expect(job.retry).toEqual(payload.options?.retry);
          expect(job.send_time).toEqual(payload.send_time);
          expect(job.cover_page).toEqual(payload.cover_page);
          const deleted = await api(server, "DELETE", `/accounts/self/outbox/${added[0]!.id}`);
          expect(deleted.status).toBe(204);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
    },
    TIMEOUT,
  );
});

describe("JSON nesting", () => {
  it(
    `is refused with 400 past ${MAX_NESTING} levels before parsing, strings aside; shallower values the rules accept are stored intact`,
    async () => {
      const server = await start();
      const RUNS = 200;
      let cases = 0;
      const noise = fc.string({
        unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", ":", ",", "a", "é"),
        maxLength: 12,
      });
      const nesting = fc.record({
        depth: fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 1, max: MAX_NESTING + 3 }) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 4_000 }) },
        ),
        kinds: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        noise,
      });
      await fc.assert(
        fc.asyncProperty(nesting, async ({ depth, kinds, noise: words }) => {
          cases++;
          const word = JSON.stringify(words);
          let inner = word;
          for (let level = depth - 1; level >= 0; level--) {
            inner = kinds[level % kinds.length] ? `[${word},${inner}]` : `{${word}:${inner}}`;
          }
          // The body, settings and options are three levels; `depth` more nest inside options.
          const body = `{"settings":{"options":{"n":${inner}}}}`;
          const levels = 3 + depth;
          const response = await fetch(`${server.baseUrl}/accounts/self`, {
            method: "PUT",
            headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
            body,
          });
          if (levels > MAX_NESTING) {
            expect(response.status).toBe(400);
            expect(await response.json()).toMatchObject({ error: "invalid_json" });
            expect(server.requests.at(-1)?.body).toBeInstanceOf(Uint8Array);
          } else if (levels > MAX_DEPTH) {
            // The leaf sits one level below the deepest container: the validator refuses it.
            expect(response.status).toBe(400);
            expect(await response.json()).toMatchObject({ error: "invalid_request" });
          } else {
            expect(response.status).toBe(204);
            const account = (await (await api(server, "GET", "/accounts/self")).json()) as {
              settings: unknown;
            };
            expect(account.settings).toEqual(JSON.parse(body).settings);
          }
          await expectServing(server);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
      expect(() => JSON.stringify(server.requests)).not.toThrow();
    },
    TIMEOUT,
  );
});

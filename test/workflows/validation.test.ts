import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus, ValidationError } from "../../src/index.js";
import type { SendFaxInput } from "../../src/index.js";
import { limits } from "../support/limits.js";
import { startServer, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
beforeAll(async () => {
  server = await startServer(() => ({ status: 500 }));
  fax = new FaxPlus({ token: "test-token", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const ok: SendFaxInput = { from: "+12345678901", to: ["+12345678902"], files: ["/transient-1"] };
const long = (n: number) => "x".repeat(n);
// Casts stand for input that TypeScript would reject but JavaScript callers can still pass.
const loose = (payload: object) => payload as SendFaxInput;

const cases: [string, () => Promise<unknown>, string, RegExp][] = [
  ["bad from number", () => fax.send({ ...ok, from: "12345" }), "from", /must be a fax number/],
  [
    "from list with a bad entry",
    () => fax.send({ ...ok, from: "+12345678901,123" }),
    "from",
    /separated by commas/,
  ],
  ["empty to", () => fax.send({ ...ok, to: [] }), "to", /at least 1 item/],
  [
    "bad to[3]",
    () => fax.send({ ...ok, to: ["+12345678901", "+12345678902", "+12345678903", "555-1234"] }),
    "to[3]",
    /must be a fax number: \+ then the country code and number/,
  ],
  ["missing to", () => fax.send(loose({ from: ok.from, files: ok.files })), "to", /is required/],
  [
    "neither files nor from_fax",
    () => fax.send({ from: ok.from, to: ok.to }),
    "files or from_fax",
    /at least one/,
  ],
  [
    "retry count above the maximum",
    () => fax.send({ ...ok, options: { retry: { count: limits.retryCount + 1 } } }),
    "options.retry.count",
    new RegExp(`at most ${limits.retryCount}$`),
  ],
  [
    "retry delay above the maximum",
    () => fax.send({ ...ok, options: { retry: { delay: limits.retryDelay + 1 } } }),
    "options.retry.delay",
    new RegExp(`at most ${limits.retryDelay}$`),
  ],
  [
    "send_time without offset",
    () => fax.send({ ...ok, send_time: "2026-11-21 10:00:00" }),
    "send_time",
    /must be a date and time written YYYY-MM-DD HH:mm:ss ±HHMM/,
  ],
  [
    "send_time invalid Date",
    () => fax.send({ ...ok, send_time: new Date("nope") }),
    "send_time",
    /valid Date/,
  ],
  [
    "unknown resolution",
    () => fax.send(loose({ ...ok, resolution: "ultra" })),
    "resolution",
    /one of fine, superfine/,
  ],
  [
    "cover page without subject",
    () => fax.send(loose({ ...ok, cover_page: { name_to: "A", name_from: "B" } })),
    "cover_page.subject",
    /is required/,
  ],
  ["unknown field", () => fax.send(loose({ ...ok, fromm: "+1" })), "fromm", /not a field/],
  [
    "empty from_fax.fax_id",
    () => fax.resend("", { from: ok.from, to: ok.to }),
    "from_fax.fax_id",
    /must not be empty/,
  ],
  [
    "a fax ID one character too long",
    () => fax.updateFaxesInBatches(["a", long(limits.faxIdLength + 1)], { is_read: true }),
    "ids[1]",
    new RegExp(`at most ${limits.faxIdLength} characters`),
  ],
  [
    "a comment one character too long",
    () => fax.updateFaxesInBatches(["a"], { comment: long(limits.faxComment + 1) }),
    "comment",
    new RegExp(`at most ${limits.faxComment} characters`),
  ],
  [
    "neither is_read nor comment",
    () => fax.updateFaxesInBatches(["a"], {}),
    "is_read or comment",
    /at least one/,
  ],
  [
    "empty ID list",
    () => fax.updateFaxesInBatches([], { is_read: true }),
    "ids",
    /at least 1 item/,
  ],
  [
    "is_read as a string",
    () => fax.updateFaxesInBatches(["a"], { is_read: "yes" as unknown as boolean }),
    "is_read",
    /true or false/,
  ],
  [
    "an outbox comment one character too long",
    () => fax.updateOutboxFaxesInBatches(["a"], { comment: long(limits.outboxComment + 1) }),
    "comment",
    new RegExp(`at most ${limits.outboxComment} characters`),
  ],
  [
    "an outbox ID one character too long",
    () => fax.updateOutboxFaxesInBatches([long(limits.outboxIdLength + 1)], { comment: "" }),
    "ids[0]",
    new RegExp(`at most ${limits.outboxIdLength} characters`),
  ],
  [
    "concurrency 0",
    () => fax.updateFaxesInBatches(["a"], { is_read: true }, { concurrency: 0 }),
    "concurrency",
    /positive integer/,
  ],
  ["empty outbox ID", () => fax.updateOutbox("", { comment: "x" }), "path.outbox_fax_id", /empty/],
  ["outbox ID '..'", () => fax.updateOutbox("..", { comment: "x" }), "path.outbox_fax_id", /\.\./],
];

describe("invalid input is refused before anything is sent", () => {
  it.each(cases)("%s", async (_name, call, field, rule) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).rule).toMatch(rule);
    expect((error as ValidationError).message).toContain(field);
    expect(server.requests).toHaveLength(0);
  });

  it("has at least 15 cases", () => expect(cases.length).toBeGreaterThanOrEqual(15));
});

// Exactly-once sending against the embedded mock: the send key in comment.tags, reconciliation
// after lost answers and empty answers, `not_sent` only on evidence, the ledger's idempotency.
import { afterEach, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import {
  FaxPlus,
  KEY_TAG_PREFIX,
  memoryLedger,
  SendUnresolvedError,
  ValidationError,
  type Clock,
} from "../../src/index.js";
import { startMockServer, type MockServer, type MockServerOptions } from "../../src/mock/index.js";
import type { SchemaRules } from "../../src/core/validate.js";

const from = "+16699990000";
let files: string[] = [];

/** A clock that starts now and moves only when slept on (shared by the client and the mock). */
function fakeClock(): Clock & { slept: number } {
  let offset = 0;
  const clock = {
    slept: 0,
    now: () => Date.now() + offset,
    sleep: async (ms: number) => {
      offset += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: MockServerOptions = {}) {
  const clock = fakeClock();
  server = await startMockServer({
    seed: false,
    deliveryMs: 3_600_000,
    now: clock.now,
    ...options,
  });
  const client = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
  files = [await client.upload(new Blob(["%PDF-1.4"], { type: "application/pdf" }))];
  // Every send of these tests sleeps on the fake clock.
  const fax = {
    send: (payload: Parameters<FaxPlus["send"]>[0], options: Parameters<FaxPlus["send"]>[1] = {}) =>
      client.send(payload, { clock, ...options }),
  };
  return { fax, clock, server };
}

function sends(mock: MockServer) {
  return mock.requests.filter((r) => r.method === "POST" && r.path === "/accounts/self/outbox");
}

function faxesTo(mock: MockServer, to: string): number {
  const jobs = [...mock.state.outbox.values()].filter((job) => job.record.to?.includes(to));
  const sent = [...mock.state.faxes.values()].filter(
    (fax) => fax.direction === "outgoing" && fax.to === to,
  );
  return jobs.length + sent.length;
}

describe("the send key", () => {
  it("is stamped into comment.tags after the caller's tags, keeping the text, and returned", async () => {
    const { fax, server } = await setUp();
    const result = await fax.send({
      from,
      to: ["+14155550101"],
      files,
      comment: { text: "contract", tags: ["team-a"] },
    });
    expect(result.via).toBe("answer");
    expect(Object.keys(result.ids)).toEqual(["+14155550101"]);
    expect(result.key).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    expect(sends(server)[0]!.body).toMatchObject({
      comment: { text: "contract", tags: ["team-a", `${KEY_TAG_PREFIX}${result.key}`] },
    });
    const [job] = server.state.outbox.values();
    expect(job!.record.comment.tags).toContain(`${KEY_TAG_PREFIX}${result.key}`);
  });

  it("uses the caller's key, and refuses a bad one or a tag that looks like one, before sending", async () => {
    const { fax, server } = await setUp();
    const result = await fax.send({ from, to: ["+14155550101"], files }, { key: "order-42-abc" });
    expect(result.key).toBe("order-42-abc");
    await expect(
      fax.send({ from, to: ["+1415555010"], files }, { key: "no spaces!" }),
    ).rejects.toThrow(ValidationError);
    await expect(
      fax.send({ from, to: ["+14155550101"], files, comment: { tags: [`${KEY_TAG_PREFIX}x`] } }),
    ).rejects.toMatchObject({ field: "comment.tags" });
    expect(sends(server)).toHaveLength(1);
  });

  it("stays within the spec's tag limits (derived, not copied)", async () => {
    const tags = (rules.sendFax.body.properties.comment as SchemaRules).properties!["tags"]!;
    const { fax } = await setUp();
    const { key } = await fax.send({ from, to: ["+14155550101"], files });
    const maxLength = tags.items?.maxLength;
    if (maxLength !== undefined)
      expect(KEY_TAG_PREFIX.length + key.length).toBeLessThanOrEqual(maxLength);
    const maxItems = tags.maxItems;
    if (maxItems !== undefined) {
      const full = Array.from({ length: maxItems }, (_, i) => `t${i}`);
      await expect(
        fax.send({ from, to: ["+14155550101"], files, comment: { tags: full } }),
      ).rejects.toThrow(/no room for the send key/);
    }
  });
});

describe("after a lost answer", () => {
  it("finds the queued fax by its key and sends nothing again", async () => {
    const { fax, server } = await setUp({ loseAnswers: 1 });
    const result = await fax.send({ from, to: ["+14155550102"], files });
    expect(result.via).toBe("reconciled");
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0]!.to).toEqual(["+14155550102"]);
    expect(sends(server)).toHaveLength(1);
    expect(faxesTo(server, "+14155550102")).toBe(1);
  });

  it("waits out the listing delay instead of concluding not_sent", async () => {
    const { fax, server, clock } = await setUp({ loseAnswers: 1, listingDelayMs: 5_000 });
    const result = await fax.send({ from, to: ["+14155550103"], files }, { visibilityMs: 10_000 });
    expect(result.via).toBe("reconciled");
    expect(clock.slept).toBeGreaterThanOrEqual(5_000);
    expect(sends(server)).toHaveLength(1);
  });

  it("sends again only once not_sent is established (a 503 before the API queued anything)", async () => {
    const { fax, server, clock } = await setUp();
    server.failNext(1, 503);
    const result = await fax.send(
      { from, to: ["+14155550104"], files },
      { visibilityMs: 30_000, clock },
    );
    expect(result.via).toBe("answer");
    expect(clock.slept).toBeGreaterThan(20_000); // it waited for the window first
    expect(sends(server)).toHaveLength(2);
    expect(faxesTo(server, "+14155550104")).toBe(1);
  });

  it("answers unknown, with the key, when the fax left the outbox and records keep no tags", async () => {
    const { fax, server } = await setUp({ loseAnswers: 1, deliveryMs: 0 });
    const error = await fax
      .send({ from, to: ["+14155550105"], files }, { key: "lost-and-delivered" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendUnresolvedError);
    expect(error).toMatchObject({ key: "lost-and-delivered" });
    const result = (error as SendUnresolvedError).result;
    expect(result.state).toBe("unknown");
    expect(result.state === "unknown" && result.candidates.map((c) => c.to)).toEqual([
      "+14155550105",
    ]);
    expect(sends(server)).toHaveLength(1);
  });

  it("finds the fax ID in sent records when they keep the tags", async () => {
    const { fax, server } = await setUp({ loseAnswers: 1, deliveryMs: 0, recordsKeepTags: true });
    const result = await fax.send({ from, to: ["+14155550106"], files });
    expect(result.via).toBe("reconciled");
    const [record] = [...server.state.faxes.values()].filter((f) => f.to === "+14155550106");
    expect(result.ids).toEqual({ "+14155550106": record!.id });
  });
});

describe("an answer without IDs", () => {
  it("is not success until reconciliation finds the fax", async () => {
    const { fax, server } = await setUp();
    server.corruptNextResponse(() => ({}));
    const result = await fax.send({ from, to: ["+14155550107"], files });
    expect(result.via).toBe("reconciled");
    expect(result.jobs).toHaveLength(1);
    expect(sends(server)).toHaveLength(1);
  });
});

describe("with a ledger", () => {
  it("records the intent and the outcome, and a second send with the key sends nothing", async () => {
    const { fax, server } = await setUp();
    const ledger = memoryLedger();
    const first = await fax.send(
      { from, to: ["+14155550108"], files },
      { key: "invoice-77", ledger },
    );
    const again = await fax.send(
      { from, to: ["+14155550108"], files },
      { key: "invoice-77", ledger },
    );
    expect(again).toMatchObject({ key: "invoice-77", ids: first.ids, via: "ledger" });
    expect(sends(server)).toHaveLength(1);
    expect((await ledger.records()).map((r) => r.type)).toEqual(["intent", "outcome"]);
  });

  it("reconciles a pending intent before sending (a crash between intent and answer)", async () => {
    const { fax, server } = await setUp({ loseAnswers: 1 });
    const ledger = memoryLedger();
    await expect(
      fax.send({ from, to: ["+14155550109"], files }, { key: "crash-test-1", ledger }),
    ).resolves.toMatchObject({ via: "reconciled" });
    // As if the outcome had never been written: a second run finds the job, sends nothing.
    const intentOnly = memoryLedger();
    const [intent] = await ledger.records();
    await intentOnly.append(intent!);
    const again = await fax.send(
      { from, to: ["+14155550109"], files },
      { key: "crash-test-1", ledger: intentOnly },
    );
    expect(again.via).toBe("reconciled");
    expect(sends(server)).toHaveLength(1);
  });
});

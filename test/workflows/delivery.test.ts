import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus, PermissionDeniedError, ValidationError } from "../../src/index.js";
import {
  DeliveryTimeoutError,
  systemClock,
  waitForDelivery,
  type Clock,
} from "../../src/workflows/delivery.js";
import { pdfDocument, seeds, startMockServer } from "../../src/mock/index.js";
import { startServer, type Reply, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
/**
 * What the server answers, per kind of request, in order; the last answer repeats: the outbox
 * list, the list of sent records, and one fax record by ID.
 */
let script: { outbox: Reply[]; sent: Reply[]; fax: Reply[] };

beforeAll(async () => {
  server = await startServer((request) => {
    const list = request.path.endsWith("/outbox")
      ? script.outbox
      : request.path.includes("/faxes?")
        ? script.sent
        : script.fax;
    return list.length > 1 ? list.shift()! : list[0]!;
  });
  fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const notFound: Reply = { status: 404, json: { error: "not_found" } };
/** The outbox holding jobs with these statuses (IDs j1, j2, ...; none of them is f1). */
const jobs = (...statuses: string[]): Reply => ({
  json: { records: statuses.map((status, i) => ({ id: `j${i + 1}`, uid: "u", status })) },
});
const fields = (id: string, status: string) => ({
  id,
  status,
  comment: "",
  cost_details: {},
  owner_id: "u",
  pages: 1,
});
/** The newest sent records: f1 with this status, or (no status) without f1. */
const sent = (status?: string): Reply => ({
  json: {
    data: { records: [fields("other", "success"), ...(status ? [fields("f1", status)] : [])] },
  },
});
const record = (status: string): Reply => ({ json: fields("f1", status) });

/** A clock that never waits: sleeping moves its time forward. */
function fakeClock(): Clock & { sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
  };
}

const paths = () => server.requests.map((r) => `${r.method} ${r.path}`);
const OUTBOX = "GET /accounts/self/outbox";
const SENT = "GET /accounts/self/faxes?category=sent";

describe("waitForDelivery", () => {
  it("polls the outbox and the sent records (never a 404), then returns the successful record", async () => {
    script = {
      outbox: [jobs("converting"), jobs("sending"), jobs()],
      sent: [sent(), sent(), sent("success")],
      fax: [notFound],
    };
    const clock = fakeClock();

    const result = await waitForDelivery(fax, "f1", { pollInterval: 1000 }, clock);

    expect(result.status).toBe("success");
    expect(result.id).toBe("f1");
    expect(paths()).toEqual([OUTBOX, SENT, OUTBOX, SENT, OUTBOX, SENT]);
    expect(clock.sleeps).toEqual([1000, 1500]);
  });

  it("calls onStatus once per status change: the queued job's, then the record's", async () => {
    script = {
      outbox: [jobs("converting"), jobs("converting"), jobs("sending"), jobs()],
      sent: [sent(), sent(), sent(), sent("in_progress"), sent("success")],
      fax: [notFound],
    };
    const statuses: string[] = [];
    const options = { pollInterval: 1000, onStatus: (status: string) => statuses.push(status) };
    await waitForDelivery(fax, "f1", options, fakeClock());
    expect(statuses).toEqual(["converting", "sending", "in_progress", "success"]);
  });

  it("reports no job's status when several are queued (a job does not name its fax IDs)", async () => {
    script = {
      outbox: [jobs("converting", "sending"), jobs()],
      sent: [sent(), sent("success")],
      fax: [],
    };
    const statuses: string[] = [];
    await waitForDelivery(fax, "f1", { onStatus: (s) => statuses.push(s) }, fakeClock());
    expect(statuses).toEqual(["success"]);
  });

  it("reads an older record by ID once nothing is queued and it is not among the newest", async () => {
    script = { outbox: [jobs()], sent: [sent()], fax: [record("success")] };

    const result = await waitForDelivery(fax, "f1", {}, fakeClock());

    expect(result.status).toBe("success");
    expect(paths()).toEqual([OUTBOX, SENT, "GET /accounts/self/faxes/f1"]);
  });

  it("follows an outbox job ID while the job is queued", async () => {
    script = {
      outbox: [{ json: { records: [{ id: "f1", uid: "u", status: "sending" }] } }],
      sent: [sent()],
      fax: [],
    };
    const statuses: string[] = [];
    const waiting = waitForDelivery(
      fax,
      "f1",
      { maxWait: 3000, onStatus: (s) => statuses.push(s) },
      fakeClock(),
    );
    await expect(waiting).rejects.toMatchObject({ lastStatus: "sending" });
    expect(statuses).toEqual(["sending"]);
    expect(paths().every((p) => p === OUTBOX)).toBe(true);
  });

  it("after a send to the mock, sees the fax delivered without a single 404", async () => {
    const mock = await startMockServer({ deliveryMs: 200 });
    try {
      const statuses: number[] = [];
      const client = new FaxPlus({
        token: "t",
        baseUrl: mock.baseUrl,
        fetch: async (request) => {
          const response = await fetch(request);
          statuses.push(response.status);
          return response;
        },
      });
      const to = "+14155550123";
      const { ids } = await client.send({
        from: seeds.number,
        to: [to],
        files: [new Blob([pdfDocument("x")], { type: "application/pdf" })],
      });
      const seen: string[] = [];
      const record = await client.waitForDelivery(ids[to]!, {
        pollInterval: 20,
        onStatus: (s) => seen.push(s),
      });
      expect(record).toMatchObject({ id: ids[to], status: "success" });
      expect(seen.at(-1)).toBe("success");
      expect(statuses.filter((s) => s >= 400)).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it("refuses an outbox answer that is not a list of jobs", async () => {
    script = { outbox: [{ json: { records: [{ id: "j1" }] } }], sent: [], fax: [] };
    await expect(waitForDelivery(fax, "f1", {}, fakeClock())).rejects.toMatchObject({
      name: "UnexpectedResponseError",
    });
  });

  it.each(["failed_no_answer", "partially_sent", "insufficient_credit", "failed"])(
    "resolves with a %s record instead of throwing",
    async (status) => {
      script = { outbox: [jobs()], sent: [sent(status)], fax: [] };
      expect((await waitForDelivery(fax, "f1", {}, fakeClock())).status).toBe(status);
    },
  );

  it("throws DeliveryTimeoutError with the last status when time runs out", async () => {
    script = { outbox: [jobs("scheduled_for_sending")], sent: [sent()], fax: [] };
    const clock = fakeClock();

    const error = await waitForDelivery(
      fax,
      "f1",
      { maxWait: 10_000, pollInterval: 2000 },
      clock,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect(error).toMatchObject({ id: "f1", maxWait: 10_000, lastStatus: "scheduled_for_sending" });
    expect((error as Error).message).toMatch(/last status: scheduled_for_sending/);
    // 2000 + 3000 + 4500 = 9500: the last sleep ends at the deadline, then one last poll.
    expect(clock.sleeps).toEqual([2000, 3000, 4500, 500]);
    // Five rounds of two lists each.
    expect(server.requests).toHaveLength(10);
  });

  it("times out with the real clock too", async () => {
    script = { outbox: [jobs("sending")], sent: [sent()], fax: [] };
    await expect(
      waitForDelivery(fax, "o1", { maxWait: 30, pollInterval: 5 }),
    ).rejects.toBeInstanceOf(DeliveryTimeoutError);
  });

  it("caps the delay at 30 s", async () => {
    script = { outbox: [jobs("sending")], sent: [sent()], fax: [] };
    const clock = fakeClock();

    await waitForDelivery(fax, "o1", { maxWait: 200_000, pollInterval: 10_000 }, clock).catch(
      () => {},
    );

    expect(clock.sleeps.slice(0, 5)).toEqual([10_000, 15_000, 22_500, 30_000, 30_000]);
  });

  it("passes other API errors through", async () => {
    script = { outbox: [{ status: 403, json: { error: "forbidden" } }], sent: [], fax: [] };
    await expect(waitForDelivery(fax, "o1", {}, fakeClock())).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it("stops when the signal aborts, with the abort reason", async () => {
    script = { outbox: [jobs("sending")], sent: [sent()], fax: [] };
    const controller = new AbortController();
    const reason = new Error("stop");
    const clock = fakeClock();
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      controller.abort(reason);
      if (signal?.aborted) throw signal.reason;
      return sleep(ms, signal);
    };

    await expect(waitForDelivery(fax, "o1", { signal: controller.signal }, clock)).rejects.toBe(
      reason,
    );
  });

  it("stops on abort with the real clock", async () => {
    script = { outbox: [jobs("sending")], sent: [sent()], fax: [] };
    const controller = new AbortController();
    const reason = new Error("stop");
    const waiting = waitForDelivery(fax, "o1", { signal: controller.signal, pollInterval: 60_000 });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it("the system clock's sleep rejects with the abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toBe(reason);
    await expect(systemClock.sleep(1, undefined)).resolves.toBeUndefined();
  });

  it.each([
    ["maxWait", { maxWait: 0 }],
    ["pollInterval", { pollInterval: -1 }],
    ["pollInterval", { pollInterval: Number.NaN }],
  ])("refuses a bad %s", async (field, options) => {
    const error = await waitForDelivery(fax, "o1", options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus, PermissionDeniedError, ValidationError } from "../../src/index.js";
import {
  DeliveryTimeoutError,
  systemClock,
  waitForDelivery,
  type Clock,
} from "../../src/workflows/delivery.js";
import { startServer, type Reply, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
/** What the server answers, per kind of request, in order; the last answer repeats. */
let script: { outbox: Reply[]; fax: Reply[] };

beforeAll(async () => {
  server = await startServer((request) => {
    const list = request.path.includes("/outbox/") ? script.outbox : script.fax;
    return list.length > 1 ? list.shift()! : list[0]!;
  });
  fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const notFound: Reply = { status: 404, json: { error: "not_found" } };
const queued = (status: string): Reply => ({ json: { id: "o1", uid: "u", status } });
const record = (status: string): Reply => ({
  json: { id: "o1", status, comment: "", cost_details: {}, owner_id: "u", pages: 1 },
});

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

describe("waitForDelivery", () => {
  it("polls the outbox while queued, then returns the successful fax record", async () => {
    script = {
      outbox: [queued("converting"), queued("sending"), notFound],
      fax: [record("success")],
    };
    const clock = fakeClock();

    const result = await waitForDelivery(fax, "o1", { pollInterval: 1000 }, clock);

    expect(result.status).toBe("success");
    expect(result.id).toBe("o1");
    expect(paths()).toEqual([
      "GET /accounts/self/outbox/o1",
      "GET /accounts/self/outbox/o1",
      "GET /accounts/self/outbox/o1",
      "GET /accounts/self/faxes/o1",
    ]);
    expect(clock.sleeps).toEqual([1000, 1500]);
  });

  it("calls onStatus once per status change, outbox statuses first", async () => {
    script = {
      outbox: [queued("converting"), queued("converting"), queued("sending"), notFound],
      fax: [notFound, record("in_progress"), record("success")],
    };
    const statuses: string[] = [];
    const options = { pollInterval: 1000, onStatus: (status: string) => statuses.push(status) };
    await waitForDelivery(fax, "o1", options, fakeClock());
    expect(statuses).toEqual(["converting", "sending", "in_progress", "success"]);
  });

  it("accepts a fax record ID: waits for the record to appear and to get a final status", async () => {
    script = { outbox: [notFound], fax: [notFound, record("in_progress"), record("success")] };
    const clock = fakeClock();

    const result = await waitForDelivery(fax, "o1", {}, clock);

    expect(result.status).toBe("success");
    expect(paths()).toEqual([
      "GET /accounts/self/outbox/o1",
      "GET /accounts/self/faxes/o1",
      "GET /accounts/self/faxes/o1",
      "GET /accounts/self/faxes/o1",
    ]);
    expect(clock.sleeps).toEqual([2000, 3000]);
  });

  it.each(["failed_no_answer", "partially_sent", "insufficient_credit", "failed"])(
    "resolves with a %s record instead of throwing",
    async (status) => {
      script = { outbox: [notFound], fax: [record(status)] };
      expect((await waitForDelivery(fax, "o1", {}, fakeClock())).status).toBe(status);
    },
  );

  it("throws DeliveryTimeoutError with the last status when time runs out", async () => {
    script = { outbox: [queued("scheduled_for_sending")], fax: [] };
    const clock = fakeClock();

    const error = await waitForDelivery(
      fax,
      "o1",
      { maxWait: 10_000, pollInterval: 2000 },
      clock,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect(error).toMatchObject({ id: "o1", maxWait: 10_000, lastStatus: "scheduled_for_sending" });
    expect((error as Error).message).toMatch(/last status: scheduled_for_sending/);
    // 2000 + 3000 + 4500 = 9500: the last sleep ends at the deadline, then one last poll.
    expect(clock.sleeps).toEqual([2000, 3000, 4500, 500]);
    expect(server.requests).toHaveLength(5);
  });

  it("times out with the real clock too", async () => {
    script = { outbox: [queued("sending")], fax: [] };
    await expect(
      waitForDelivery(fax, "o1", { maxWait: 30, pollInterval: 5 }),
    ).rejects.toBeInstanceOf(DeliveryTimeoutError);
  });

  it("caps the delay at 30 s", async () => {
    script = { outbox: [queued("sending")], fax: [] };
    const clock = fakeClock();

    await waitForDelivery(fax, "o1", { maxWait: 200_000, pollInterval: 10_000 }, clock).catch(
      () => {},
    );

    expect(clock.sleeps.slice(0, 5)).toEqual([10_000, 15_000, 22_500, 30_000, 30_000]);
  });

  it("passes other API errors through", async () => {
    script = { outbox: [{ status: 403, json: { error: "forbidden" } }], fax: [] };
    await expect(waitForDelivery(fax, "o1", {}, fakeClock())).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it("stops when the signal aborts, with the abort reason", async () => {
    script = { outbox: [queued("sending")], fax: [] };
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
    script = { outbox: [queued("sending")], fax: [] };
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

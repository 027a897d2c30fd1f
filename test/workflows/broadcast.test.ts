// broadcast() against the mock behind a fault-injecting proxy: for any interleaving of lost
// answers, resets, 5xx and crashes (a "kill" stops the ledger and every request at once), a rerun
// with the same ledger ends with one fax per recipient, and nobody ever gets two.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  broadcast,
  FaxPlus,
  LedgerBusyError,
  memoryLedger,
  ValidationError,
  type LedgerRecord,
  type SendLedger,
} from "../../src/index.js";
import { seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { startFaultProxy, type FaultProxy, type SendFault } from "../support/fault-proxy.js";

let mock: MockServer | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await mock?.close();
  mock = proxy = undefined;
});

async function setUp(options: { recordsKeepTags?: boolean } = {}) {
  mock = await startMockServer({ seed: false, deliveryMs: 3_600_000, ...options });
  proxy = await startFaultProxy(mock.baseUrl);
  const fax = new FaxPlus({ token: "t", baseUrl: proxy.baseUrl, maxRetries: 0 });
  return { fax, mock, proxy };
}

function numbers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1202${String(5_550_000 + i).padStart(7, "0")}`);
}

function faxesTo(server: MockServer, to: string): number {
  let count = 0;
  for (const job of server.state.outbox.values()) if (job.record.to?.includes(to)) count++;
  for (const fax of server.state.faxes.values())
    if (fax.direction === "outgoing" && fax.to === to) count++;
  return count;
}

/**
 * A ledger over `inner` that "dies" at its `killAt`-th append: that record is written or not
 * (`torn`), every later append is lost, and `controller` aborts every request in flight.
 */
function mortal(
  inner: SendLedger,
  killAt: number,
  torn: boolean,
  controller: AbortController,
): SendLedger {
  let appends = 0;
  let dead = false;
  return {
    async append(record: LedgerRecord, options) {
      if (dead) throw new Error("killed");
      if (++appends === killAt) {
        dead = true;
        if (!torn) await inner.append(record, options);
        controller.abort(new Error("killed"));
        throw new Error("killed");
      }
      return inner.append(record, options);
    },
    records: () => inner.records(),
    lock: () => inner.lock(),
  };
}

const fault = fc.constantFrom<SendFault>("ok", "ok", "lost", "reset", "5xx-before", "5xx-after");

describe("broadcast", () => {
  it("property: lost answers, resets, 5xx and kills never give a recipient two faxes; a rerun completes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 15 }),
        fc.array(fault, { maxLength: 40 }),
        fc.array(fc.record({ at: fc.integer({ min: 1, max: 40 }), torn: fc.boolean() }), {
          maxLength: 3,
        }),
        fc.boolean(),
        async (count, script, kills, recordsKeepTags) => {
          const { fax, mock: server, proxy: faults } = await setUp({ recordsKeepTags });
          try {
            faults.script = [...script];
            const recipients = numbers(count);
            const ledger = memoryLedger();
            const input = { from: seeds.number, recipients, files: [new Blob(["%PDF-1.4"])] };
            for (const kill of kills) {
              const controller = new AbortController();
              await broadcast(fax, input, {
                ledger: mortal(ledger, kill.at, kill.torn, controller),
                signal: controller.signal,
                visibilityMs: 0,
                concurrency: 3,
              }).catch(() => {});
              // A killed run may leave its lock: memoryLedger's lock is per object, released in
              // `finally`, as a dead process's stale lock is taken over by the next run.
            }
            const result = await broadcast(fax, input, { ledger, visibilityMs: 0, concurrency: 3 });
            for (const to of recipients) expect(faxesTo(server, to)).toBeLessThanOrEqual(1);
            for (const report of result.reports) {
              if (report.state === "sent") expect(faxesTo(server, report.to)).toBe(1);
              else expect(report.reason).toBeTruthy();
            }
            expect(result.reports.map((r) => r.to)).toEqual(recipients);
            // With the jobs still in the outbox, every fault is resolvable: all are sent, unless
            // the script's 5xx-before/reset kept refusing for more rounds than a run makes.
            expect(result.unknown).toBe(0);
          } finally {
            await faults.close();
            await server.close();
            proxy = mock = undefined;
          }
        },
      ),
      { seed: 20261207, numRuns: 15 },
    );
  }, 120_000);

  it("uploads the documents once and reuses their paths when resumed", async () => {
    const { fax, mock: server } = await setUp();
    const ledger = memoryLedger();
    const input = { from: seeds.number, recipients: numbers(4), files: [new Blob(["%PDF-1.4"])] };
    await broadcast(fax, { ...input, recipients: input.recipients.slice(0, 2) }, { ledger });
    const result = await broadcast(fax, input, { ledger });
    expect(result.sent).toBe(4);
    expect(server.requests.filter((r) => r.operationId === "uploadFile")).toHaveLength(1);
  });

  it("refuses a second worker on the ledger and lists all bad numbers before sending", async () => {
    const { fax, mock: server } = await setUp();
    const ledger = memoryLedger();
    const held = await ledger.lock();
    await expect(
      broadcast(fax, { from: seeds.number, recipients: numbers(2), files: ["/x"] }, { ledger }),
    ).rejects.toThrow(LedgerBusyError);
    await held.release();
    const error = await broadcast(
      fax,
      {
        from: seeds.number,
        recipients: ["+12025550100", "555", "+1", "+12025550101"],
        files: ["/x"],
      },
      { ledger },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/2 number\(s\) are refused .*2: "555", 3: "\+1"/);
    expect(server.requests).toHaveLength(0);
  });

  it("paces the sends of each number of a pool", async () => {
    const { fax } = await setUp();
    let now = Date.now();
    const slept: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    };
    const pool = [seeds.number, "+16699990001"];
    const result = await broadcast(
      fax,
      { from: pool, recipients: numbers(6), files: [new Blob(["%PDF-1.4"])] },
      { pacingMs: 1_000, concurrency: 1, clock },
    );
    expect(result.sent).toBe(6);
    // Six sends over two numbers, each number at most once a second: two seconds of waiting.
    expect(slept.reduce((a, b) => a + b, 0)).toBe(2_000);
  });
});

// The file ledger: JSON lines that survive a torn last line, and a lock file that one process
// holds at a time, taken over when its holder is dead, never when it lives or is on another host.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileLedger, LedgerBusyError, pendingSends, type LedgerRecord } from "../../src/node.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "faxplus-ledger-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const intent = (key: string): LedgerRecord => ({
  type: "intent",
  key,
  at: 1,
  to: ["+14155550100"],
});

describe("fileLedger", () => {
  it("appends JSON lines, reads them back, and lists the pending sends", async () => {
    const path = join(dir, "a.ledger");
    const ledger = fileLedger(path);
    await ledger.append(intent("key-one-1"), { durable: true });
    await ledger.append({ type: "outcome", key: "key-one-1", at: 2, state: "sent", ids: {} });
    await ledger.append(intent("key-two-2"), { durable: true });
    expect((await readFile(path, "utf8")).split("\n")).toHaveLength(4);
    expect((await pendingSends(ledger)).map((entry) => entry.key)).toEqual(["key-two-2"]);
  });

  it("skips a torn last line, and the next append starts on a line of its own", async () => {
    const path = join(dir, "torn.ledger");
    await writeFile(path, `${JSON.stringify(intent("key-one-1"))}\n{"type":"intent","key":"ke`);
    const ledger = fileLedger(path);
    expect((await ledger.records()).map((r) => (r as { key: string }).key)).toEqual(["key-one-1"]);
    const lock = await ledger.lock();
    await ledger.append(intent("key-two-2"), { durable: true });
    await lock.release();
    const keys = (await fileLedger(path).records()).map((r) => (r as { key: string }).key);
    expect(keys).toEqual(["key-one-1", "key-two-2"]);
  });

  it("is locked by one holder at a time; a live holder is never displaced", async () => {
    const path = join(dir, "b.ledger");
    const first = await fileLedger(path).lock();
    await expect(fileLedger(path).lock()).rejects.toThrow(LedgerBusyError);
    const holder = JSON.parse(await readFile(`${path}.lock`, "utf8")) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    await first.release();
    const second = await fileLedger(path).lock();
    await second.release();
  });

  it("takes over the lock of a process that died (kill -9 leaves it behind)", async () => {
    const path = join(dir, "c.ledger");
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    const since = new Date().toISOString();
    await writeFile(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), since }));
    const lock = await fileLedger(path).lock();
    const holder = JSON.parse(await readFile(`${path}.lock`, "utf8")) as { pid: number };
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });

  it("never takes over a lock held on another host, and waits for a live one with waitMs", async () => {
    const path = join(dir, "d.ledger");
    const since = new Date().toISOString();
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 1, host: "elsewhere", since }));
    await expect(fileLedger(path).lock()).rejects.toThrow(/pid 1 on elsewhere/);
    await rm(`${path}.lock`);
    const held = await fileLedger(path).lock();
    const waiting = fileLedger(path, { waitMs: 5_000 }).lock();
    await held.release();
    await (await waiting).release();
  });
});

// The file ledger (Node): JSON lines appended to one file, an intent fsynced before its request,
// a torn last line (a kill mid-write) tolerated, and a lock file naming its holder (pid, host,
// start time) so that one process at a time works the ledger; a holder that died is recognised.
import { hostname } from "node:os";
import { mkdir, open, readFile, rm, rmdir, stat, type FileHandle } from "node:fs/promises";
import { FaxPlusError, LedgerBusyError } from "./index.js";
import type { LedgerLock, LedgerRecord, SendLedger } from "./index.js";

/** Who holds a ledger's lock. */
interface Holder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO). */
  since: string;
}

/** Options of {@link fileLedger}. */
export interface FileLedgerOptions {
  /**
   * How long `lock()` waits for another live holder to finish (ms) before it throws
   * LedgerBusyError. Default 0: refuse at once.
   */
  waitMs?: number;
}

/**
 * A ledger in a file of JSON lines at `path` (created when missing), locked through `path.lock`.
 * Safe under `kill -9` at any instant: an intent is on disk (fsync) before its send's request,
 * a torn last line is skipped when read, and a lock whose process is gone is taken over.
 * @example const ledger = fileLedger("./faxes.ledger"); await send(client, payload, { ledger });
 */
export function fileLedger(path: string, options: FileLedgerOptions = {}): SendLedger {
  let queue: Promise<unknown> = Promise.resolve();
  let checked = false;
  /** Open while this object holds the lock (a broadcast appends many records). */
  let held: FileHandle | undefined;

  /**
   * Appends lines: through the file kept open while the lock is held, else in one
   * open-write-(fsync)-close, so that no file stays open without a lock to release it. The first
   * write of this ledger object starts a new line after a line torn by a kill.
   */
  const write = async (text: string, durable: boolean): Promise<void> => {
    const h = held ?? (await open(path, "a+"));
    try {
      if (!checked) {
        checked = true;
        const { size } = await h.stat();
        if (size > 0) {
          const last = Buffer.alloc(1);
          await h.read(last, 0, 1, size - 1);
          if (last[0] !== 0x0a) text = `\n${text}`;
        }
      }
      await h.write(text);
      if (durable) await h.datasync();
    } finally {
      if (h !== held) await h.close();
    }
  };

  return {
    append(record, { durable = false } = {}) {
      const line = `${JSON.stringify(record)}\n`;
      // In order, one record at a time; a durable one resolves after fsync.
      const next = queue.then(() => write(line, durable));
      queue = next.catch(() => {});
      return next;
    },

    async records() {
      await queue;
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
      const records: LedgerRecord[] = [];
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        try {
          const record = JSON.parse(line) as LedgerRecord;
          if (typeof record === "object" && record !== null && typeof record.type === "string") {
            records.push(record);
          }
        } catch {
          // A line torn by a kill while it was written: its send had not started (an intent is
          // complete on disk before its request), so it is skipped.
        }
      }
      return records;
    },

    async lock(): Promise<LedgerLock> {
      const lockPath = `${path}.lock`;
      const deadline = Date.now() + (options.waitMs ?? 0);
      for (;;) {
        const holder = await tryLock(lockPath);
        if (holder === undefined) break;
        if (Date.now() >= deadline) {
          throw new LedgerBusyError(`pid ${holder.pid} on ${holder.host} since ${holder.since}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await queue;
      held = await open(path, "a+");
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await queue;
          const h = held;
          held = undefined;
          await h?.close();
          await rm(lockPath, { force: true });
        },
      };
    },
  };
}

/** Takes the lock (undefined), or returns its live holder. A dead holder's lock is taken over. */
async function tryLock(lockPath: string): Promise<Holder | undefined> {
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const h = await open(lockPath, "wx");
      try {
        await h.write(JSON.stringify(me));
        await h.datasync();
      } finally {
        await h.close();
      }
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readHolder(lockPath);
    if (holder !== undefined && !isGone(holder)) return holder;
    // An empty or torn lock file is being written by its taker, unless it is old.
    if (holder === undefined && !(await olderThan(lockPath, 10_000))) {
      return { pid: 0, host: "?", since: "now (the lock is being taken)" };
    }
    // Dead (or unreadable: torn by a kill while written). Only one process may break it: the one
    // that makes the `.breaking` directory; it checks again that the lock is the dead one.
    const breaking = `${lockPath}.breaking`;
    try {
      await mkdir(breaking);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      await breakStaleBreaker(breaking);
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    try {
      const again = await readHolder(lockPath);
      if (sameHolder(again, holder)) await rm(lockPath, { force: true });
    } finally {
      await rmdir(breaking).catch(() => {});
    }
  }
  throw new FaxPlusError(`could not take the ledger lock ${lockPath}: it keeps changing hands`);
}

/** A `.breaking` directory left by a process killed while breaking a lock (older than 10 s). */
async function breakStaleBreaker(breaking: string): Promise<void> {
  if (await olderThan(breaking, 10_000)) await rmdir(breaking).catch(() => {});
}

/** Whether the file was last changed more than `ms` ago (false when it is gone). */
async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(lockPath, "utf8")) as Holder;
    return typeof holder?.pid === "number" ? holder : undefined;
  } catch {
    return undefined;
  }
}

function sameHolder(a: Holder | undefined, b: Holder | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

/**
 * Whether the holder is gone: a process on this host that no longer exists. A holder on another
 * host (a shared disk) is never assumed gone: remove its lock file by hand once it is.
 */
function isGone(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

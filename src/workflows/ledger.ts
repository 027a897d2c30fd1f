// The send ledger: where a send's intent is written before its request and its outcome after, so
// that nothing sent is lost track of across crashes. The interface, an in-memory ledger, and how
// its records read as one state per key. The file ledger (Node) is in ../ledger-file.ts.
import { FaxPlusError } from "../core/errors.js";

/** A send is about to be made: written (durably) before its request. */
export interface IntentRecord {
  type: "intent";
  key: string;
  /** When (ms since 1970, the caller's clock); reconciliation searches from here. */
  at: number;
  to: string[];
  from?: string;
}

/** What became of a send. */
export type SendState = "sent" | "not_sent" | "failed" | "unknown";

/** The outcome of a send, written after its answer (or its reconciliation). */
export interface OutcomeRecord {
  type: "outcome";
  key: string;
  at: number;
  /**
   * `sent`: queued (IDs known or found). `not_sent`: established that nothing was queued.
   * `failed`: the API refused it, nothing queued. `unknown`: could not be established yet.
   */
  state: SendState;
  /** Destination to fax ID. */
  ids?: Record<string, string>;
  /** Outbox job IDs found by reconciliation. */
  jobs?: string[];
  /** Why it failed or is unknown. */
  reason?: string;
}

/** Documents uploaded for a broadcast: their paths are reused when it resumes. */
export interface UploadRecord {
  type: "upload";
  at: number;
  /** Name and size of each document, in order. */
  documents: { name: string; size: number }[];
  paths: string[];
}

/** One line of a ledger. */
export type LedgerRecord = IntentRecord | OutcomeRecord | UploadRecord;

/** Held while one worker works a ledger; `release` gives it up. */
export interface LedgerLock {
  release(): Promise<void>;
}

/**
 * Where sends are recorded. Implement it over your own database: `append` must not resolve before
 * the record is durable when `durable` is set (an intent, before its request); `records` returns
 * every record in the order appended; `lock` gives the ledger to one worker at a time (throw
 * {@link LedgerBusyError} when another holds it; recognise a holder that died as gone).
 */
export interface SendLedger {
  append(record: LedgerRecord, options?: { durable?: boolean }): Promise<void>;
  records(): Promise<LedgerRecord[]>;
  lock(): Promise<LedgerLock>;
}

/** Another worker holds the ledger: nothing was sent. */
export class LedgerBusyError extends FaxPlusError {
  override name = "LedgerBusyError";
  constructor(
    /** Who holds it, in words (pid, host, since when). */
    readonly holder: string,
  ) {
    super(`the ledger is in use by ${holder}; nothing was sent`);
  }
}

/** The latest state of one send in a ledger. */
export interface LedgerEntry {
  key: string;
  intent: IntentRecord;
  /** The latest outcome; undefined while pending (intent written, outcome not). */
  outcome?: OutcomeRecord;
}

/** Every send of a ledger by key (intent order), with its latest outcome. */
export function ledgerEntries(records: readonly LedgerRecord[]): Map<string, LedgerEntry> {
  const entries = new Map<string, LedgerEntry>();
  for (const record of records) {
    if (record.type === "intent") {
      // A second intent for a key (a send again after `not_sent` or `failed`) starts it over.
      entries.set(record.key, { key: record.key, intent: record });
    } else if (record.type === "outcome") {
      const entry = entries.get(record.key);
      if (entry) entry.outcome = record;
    }
  }
  return entries;
}

/** Sends whose outcome is not established: intent without outcome, or `unknown`. */
export function isPending(entry: LedgerEntry): boolean {
  return entry.outcome === undefined || entry.outcome.state === "unknown";
}

/** The sends of a ledger still to reconcile. */
export async function pendingSends(ledger: SendLedger): Promise<LedgerEntry[]> {
  return [...ledgerEntries(await ledger.records()).values()].filter(isPending);
}

/** A ledger in memory (browsers, tests): lost with the page or process, one lock per object. */
export function memoryLedger(): SendLedger {
  const lines: LedgerRecord[] = [];
  let held = false;
  return {
    async append(record) {
      lines.push(structuredClone(record));
    },
    async records() {
      return structuredClone(lines);
    },
    async lock() {
      if (held) throw new LedgerBusyError("another worker in this page or process");
      held = true;
      return {
        async release() {
          held = false;
        },
      };
    },
  };
}

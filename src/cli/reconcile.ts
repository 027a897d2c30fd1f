// reconcile and pending: whether a send with a key was queued (from the outbox and the sent
// records), and which sends of a ledger are still to be established.
import type { LedgerEntry, ReconcileResult } from "../index.js";
import { fileLedger } from "../node.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import type { Context } from "./context.js";
import { CommandFailed } from "./failures.js";

export const reconcile: Runner = async (ctx) => {
  const { args } = ctx;
  const key = args.positionals[0];
  const ledgerPath = args.string("ledger");
  if (key === undefined && ledgerPath === undefined) {
    throw new UsageError("give a KEY, or --ledger FILE to reconcile its pending sends");
  }
  const fax = await ctx.client();
  const visibilityMs = args.number("visibility");
  const since = sinceOption(args.string("since"));
  const to = args.strings("to");
  if (key !== undefined) {
    const result = await fax.reconcile({
      key,
      sentAfter: since ?? Date.now() - 24 * 3_600_000,
      ...(to.length > 0 ? { to } : {}),
      ...(visibilityMs === undefined ? {} : { visibilityMs }),
    });
    show(ctx, [result]);
    return result.state === "unknown" ? 1 : 0;
  }
  // Every pending send of the ledger, its outcome recorded.
  const { pendingSends } = await import("../index.js");
  const ledger = fileLedger(ledgerPath!);
  const lock = await ledger.lock();
  const results: ReconcileResult[] = [];
  try {
    for (const entry of await pendingSends(ledger)) {
      const result = await fax.reconcile({
        key: entry.key,
        sentAfter: entry.intent.at,
        to: entry.intent.to,
        ...(visibilityMs === undefined ? {} : { visibilityMs }),
      });
      results.push(result);
      await ledger.append({
        type: "outcome",
        key: entry.key,
        at: Date.now(),
        state: result.state,
        ...(result.state === "sent"
          ? { ids: result.faxIds, jobs: result.jobs.map((job) => job.id) }
          : {}),
        ...(result.state === "unknown" ? { reason: result.reason } : {}),
      });
    }
  } finally {
    await lock.release();
  }
  show(ctx, results);
  const unknown = results.filter((r) => r.state === "unknown").length;
  if (unknown > 0) throw new CommandFailed(`${unknown} send(s) still unknown; ask again later`);
  return 0;
};

export const pending: Runner = async (ctx) => {
  const { pendingSends } = await import("../index.js");
  const entries: LedgerEntry[] = await pendingSends(fileLedger(ctx.args.string("ledger") ?? ""));
  if (ctx.json) {
    ctx.out.json(entries);
    return 0;
  }
  ctx.out.rows(
    ["KEY", "TO", "SINCE", "STATE"],
    entries.map((entry) => [
      entry.key,
      entry.intent.to.join(","),
      new Date(entry.intent.at).toISOString(),
      entry.outcome?.state ?? "pending",
    ]),
  );
  return 0;
};

function show(ctx: Context, results: ReconcileResult[]): void {
  if (ctx.json) {
    ctx.out.json(results.length === 1 ? results[0] : results);
    return;
  }
  for (const result of results) {
    const what =
      result.state === "sent"
        ? [...Object.values(result.faxIds), ...result.jobs.map((job) => job.id)].join(",")
        : result.state === "unknown"
          ? result.reason
          : `no job or record carries the key (outbox listed ${result.evidence.outboxListedAt})`;
    ctx.out.print([result.key, result.state, what].join("\t"));
  }
}

function sinceOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(
    text.includes("T") || text.length <= 10 ? text : `${text.replace(" ", "T")}Z`,
  );
  if (Number.isNaN(ms)) throw new UsageError(`--since must be a time such as 2026-12-07T10:00:00Z`);
  return ms;
}

// Fax records: list (a table, tab-separated lines or JSON), get one, mark any number read or
// unread (the SDK's bulk helper, with a progress bar).
import type { BulkUpdateResult, Fax, ListFaxesQuery } from "../index.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import { printPlan } from "./dry-run.js";
import { CommandFailed } from "./failures.js";
import { ProgressBar } from "./live.js";
import { shortTime, statusStyle, type Column } from "./output.js";

// IDs, statuses and the read flag are never cut to fit a terminal; dates and numbers may be.
const COLUMNS: (string | Column)[] = [
  "ID",
  { header: "DATE", fit: shortTime, min: 11 },
  { header: "FROM", fit: "start" },
  { header: "TO", fit: "start" },
  "PAGES",
  "STATUS",
  "READ",
];
const STATUS = 5;
const READ = 6;

export const list: Runner = async (ctx) => {
  const { args, out } = ctx;
  const query: ListFaxesQuery = {};
  const category = args.string("category");
  // The SDK checks the value against the spec's enum before sending.
  if (category !== undefined) query.category = category as NonNullable<ListFaxesQuery["category"]>;
  const limit = args.number("limit");
  if (limit !== undefined) query.limit = limit;
  const fax = await ctx.client();

  const records: Fax[] = [];
  if (args.flag("all")) {
    for await (const record of fax.iterateFaxes(query)) records.push(record);
  } else {
    records.push(...(await fax.listFaxPage(query)).records);
  }
  if (ctx.json) return out.json(records);
  if (records.length === 0 && out.tty) return out.print("No faxes.");
  const rows = records.map((r) => [
    r.id,
    r.start_time ?? "",
    r.from ?? "",
    r.to ?? "",
    r.pages === undefined ? "" : String(r.pages),
    r.status,
    r.is_read ? "yes" : "no",
  ]);
  out.rows(COLUMNS, rows, (row, column) => {
    if (column === STATUS) return statusStyle(rows[row]?.[STATUS] ?? "");
    if (column === READ) return rows[row]?.[READ] === "no" ? "bold" : "dim";
    return undefined;
  });
};

export const get: Runner = async (ctx) => {
  const fax = await ctx.client();
  const record = await fax.getFax({ fax_id: ctx.args.positionals[0] ?? "" });
  if (ctx.json) return ctx.out.json(record);
  ctx.out.record(record);
};

export const markRead: Runner = async (ctx) => {
  const { args, out } = ctx;
  const ids = args.positionals.filter((arg) => arg !== "-");
  const fromStdin = args.positionals.includes("-") || (ids.length === 0 && !ctx.stdin.isTTY);
  if (fromStdin) ids.push(...(await ctx.readStdin()).split(/\s+/).filter(Boolean));
  if (ids.length === 0) {
    throw new UsageError("no fax IDs: give them as arguments or on standard input");
  }
  const unread = args.flag("unread");
  const fax = await ctx.client();
  const bar = new ProgressBar(out, unread ? "Marking unread" : "Marking read");
  // A dry run answers at once: no bar.
  const onProgress = (done: number, total: number) => ctx.dryRun || bar.update(done, total);
  let result: BulkUpdateResult;
  try {
    result = await fax.updateFaxesInBatches(ids, { is_read: !unread }, { onProgress });
  } finally {
    bar.finish();
  }
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);

  const { updated, notFound, forbidden, conflict, failed, notAttempted } = result;
  // Nothing went through (a bad token, no permission): that error says it best.
  const cause = failed.find((f) => f.error)?.error;
  if (cause && failed.length + notAttempted.length === new Set(ids).size) throw cause;
  if (ctx.json) {
    out.json({
      updated,
      notFound,
      forbidden,
      conflict,
      failed: failed.map((f) => ({
        id: f.id,
        ...(f.code === undefined ? {} : { code: f.code }),
        ...(f.error === undefined ? {} : { error: f.error.message }),
      })),
      notAttempted,
    });
  } else {
    out.print(`${updated.length} marked ${unread ? "unread" : "read"}`);
  }
  const problems: [string, string[]][] = [
    ["not found", notFound],
    ["forbidden", forbidden],
    ["conflict", conflict],
    ["failed", failed.map((f) => f.id)],
    ["not attempted", notAttempted],
  ];
  const missed = problems.reduce((sum, [, list]) => sum + list.length, 0);
  if (missed === 0) return 0;
  const detail = problems
    .filter(([, list]) => list.length > 0)
    .map(([kind, list]) => `${kind}: ${abbreviate(list)}`)
    .join("; ");
  const total = updated.length + missed;
  throw new CommandFailed(
    `${missed} of ${total} faxes not updated (${detail})${cause ? `: ${cause.message}` : ""}`,
  );
};

/** The first few IDs of a list, and how many more. */
function abbreviate(ids: string[], shown = 5): string {
  const head = ids.slice(0, shown).join(", ");
  return ids.length > shown ? `${head} and ${ids.length - shown} more` : head;
}

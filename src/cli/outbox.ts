// The outbox: list the faxes not yet sent, cancel one.
import type { Runner } from "./types.js";
import { printPlan } from "./dry-run.js";
import { shortTime, statusStyle, type Column } from "./output.js";

const COLUMNS: (string | Column)[] = [
  "ID",
  "STATUS",
  { header: "FROM", fit: "start" },
  { header: "TO", fit: "start" },
  "PAGES",
  { header: "SEND TIME", fit: shortTime, min: 11 },
  { header: "COMMENT", fit: "end" },
];
const STATUS = 1;

export const outbox: Runner = async (ctx) => {
  const fax = await ctx.client();
  const { records } = await fax.listOutbox();
  if (ctx.json) return ctx.out.json(records);
  if (records.length === 0 && ctx.out.tty) return ctx.out.print("The outbox is empty.");
  const rows = records.map((job) => [
    job.id,
    job.status,
    job.src ?? "",
    (job.to ?? []).join(","),
    job.page_count === undefined ? "" : String(job.page_count),
    job.send_time ?? "",
    job.comment?.text ?? "",
  ]);
  ctx.out.rows(COLUMNS, rows, (row, column) =>
    column === STATUS ? statusStyle(rows[row]?.[STATUS] ?? "") : undefined,
  );
};

export const cancel: Runner = async (ctx) => {
  const fax = await ctx.client();
  const id = ctx.args.positionals[0] ?? "";
  await fax.cancelOutbox(id);
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);
  if (ctx.json) return ctx.out.json({ cancelled: id });
  ctx.out.print(`cancelled ${id}`);
};

// send, resend and forward: build the SDK input from the options, send through the SDK (which
// validates it before the first request), print destination -> fax ID, and with --wait follow
// every fax to a final status.
import type { FaxPlus, SendFaxInput, SendOptions, SendResult } from "../index.js";
import { fileLedger, fromPath, normalizeFaxNumber } from "../node.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import type { Context } from "./context.js";
import { follow } from "./delivery.js";
import { printPlan } from "./dry-run.js";
import { SendFailed } from "./failures.js";
import { whileSending } from "./signals.js";

export const send: Runner = async (ctx) => {
  const { args } = ctx;
  const files = await readFiles(args.positionals);
  const fromFax = args.string("from-fax");
  const sendTime = args.string("send-time");
  const input: SendFaxInput = {
    from: fromNumber(ctx) ?? "",
    to: toNumbers(ctx),
    ...(files.length > 0 ? { files } : {}),
    ...(fromFax === undefined ? {} : { from_fax: { fax_id: fromFax } }),
    ...comment(ctx),
    ...(sendTime === undefined ? {} : { send_time: sendTime }),
  };
  const fax = await ctx.client();
  return sending(ctx, fax, (options) => fax.send(input, options));
};

export const resend: Runner = async (ctx) => {
  const { args } = ctx;
  const to = toNumbers(ctx);
  const from = fromNumber(ctx);
  const fax = await ctx.client();
  const input = {
    ...(to.length > 0 ? { to } : {}),
    ...(from === undefined ? {} : { from }),
    ...comment(ctx),
  };
  return sending(ctx, fax, (options) => fax.resend(args.positionals[0] ?? "", input, options));
};

export const forward: Runner = async (ctx) => {
  const { args } = ctx;
  const fax = await ctx.client();
  const input = { from: fromNumber(ctx) ?? "", to: toNumbers(ctx), ...comment(ctx) };
  return sending(ctx, fax, (options) => fax.forward(args.positionals[0] ?? "", input, options));
};

/**
 * A number as written on the command line ("+1 (415) 555-0123") in the form the API takes, said
 * on stderr when it differs: what is sent is never a surprise. The SDK checks the result.
 */
function number(ctx: Context, option: string, written: string): string {
  const { number, changed } = normalizeFaxNumber(written);
  if (changed) ctx.out.note(`--${option} ${JSON.stringify(written)} read as ${number}`);
  return number;
}

function toNumbers(ctx: Context): string[] {
  return ctx.args.strings("to").map((to) => number(ctx, "to", to));
}

/** `--from`: one number, or several separated by commas. */
function fromNumber(ctx: Context): string | undefined {
  const from = ctx.args.string("from");
  if (from === undefined) return undefined;
  const parts = from.split(",").map((part) => normalizeFaxNumber(part).number);
  const joined = parts.join(",");
  if (joined !== from) ctx.out.note(`--from ${JSON.stringify(from)} read as ${joined}`);
  return joined;
}

/** Opens every file before anything is sent; an unreadable one is bad input (exit 2). */
async function readFiles(paths: string[]): Promise<File[]> {
  const files: File[] = [];
  for (const path of paths) {
    try {
      files.push(await fromPath(path));
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (typeof code !== "string") throw error; // fromPath's own ValidationError
      const reason =
        code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code;
      throw new UsageError(`cannot read ${path}: ${reason}`, { showHelp: false });
    }
  }
  return files;
}

function comment(ctx: Context): { comment?: { text: string } } {
  const text = ctx.args.string("comment");
  return text === undefined ? {} : { comment: { text } };
}

/**
 * Sends with `--key` and `--ledger`, and prints what was queued the moment it is known, before
 * waiting: a signal or a closed pipe meanwhile does not stop it (signals.ts). Errors of the
 * sending step are marked, so that the message can say whether a fax was queued.
 */
async function sending(
  ctx: Context,
  fax: FaxPlus,
  step: (options: SendOptions) => Promise<SendResult>,
): Promise<number> {
  const key = ctx.args.string("key");
  const ledgerPath = ctx.args.string("ledger");
  const visibilityMs = ctx.args.number("visibility");
  const options: SendOptions = {
    ...(key === undefined ? {} : { key }),
    // A dry run records nothing.
    ...(ledgerPath === undefined || ctx.dryRun ? {} : { ledger: fileLedger(ledgerPath) }),
    ...(visibilityMs === undefined ? {} : { visibilityMs }),
  };
  const result = await whileSending(async () => {
    let sent: SendResult;
    try {
      sent = await step(options);
    } catch (error) {
      throw new SendFailed(error);
    }
    if (!ctx.dryRun) announce(ctx, sent);
    return sent;
  });
  return done(ctx, fax, result);
}

/** The rows of a result: destination and fax ID, or the outbox job when only that was found. */
function rowsOf(result: SendResult): { label: string; id: string }[] {
  const rows = Object.entries(result.ids).map(([to, id]) => ({ label: to, id }));
  const known = new Set(Object.keys(result.ids));
  for (const job of result.jobs) {
    const to = job.to.filter((number) => !known.has(number));
    if (to.length > 0) rows.push({ label: to.join(","), id: job.id });
  }
  return rows;
}

/** Prints the IDs at once: on stdout without --wait, as notes on stderr before waiting. */
function announce(ctx: Context, result: SendResult): void {
  const rows = rowsOf(result);
  if (ctx.args.flag("wait")) {
    for (const { label, id } of rows) ctx.out.note(`queued ${label} as ${id} (key ${result.key})`);
    return;
  }
  if (ctx.json) ctx.out.json(result);
  else
    ctx.out.rows(
      ["TO", "FAX ID"],
      rows.map(({ label, id }) => [label, id]),
    );
  if (result.via === "reconciled") {
    const what = Object.keys(result.ids).length ? "fax IDs" : "outbox job IDs";
    ctx.out.note(`the answer was lost; found the fax by its key ${result.key} (${what})`);
  } else if (ctx.out.errTty && !ctx.json) ctx.out.note(`key ${result.key}`);
}

async function done(ctx: Context, fax: FaxPlus, result: SendResult): Promise<number> {
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);
  if (!ctx.args.flag("wait")) return 0;
  return follow(
    ctx,
    fax,
    rowsOf(result).map(({ label, id }) => ({ label, id })),
  );
}

// send, resend and forward: build the SDK input from the options, send through the SDK (which
// validates it before the first request), print destination -> fax ID, and with --wait follow
// every fax to a final status.
import type { FaxPlus, SendFaxIds, SendFaxInput } from "../index.js";
import { fromPath, normalizeFaxNumber } from "../node.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import type { Context } from "./context.js";
import { follow } from "./delivery.js";
import { printPlan } from "./dry-run.js";
import { SendFailed } from "./failures.js";

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
  const ids = await sending(() => fax.send(input));
  return done(ctx, fax, ids);
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
  const ids = await sending(() => fax.resend(args.positionals[0] ?? "", input));
  return done(ctx, fax, ids);
};

export const forward: Runner = async (ctx) => {
  const { args } = ctx;
  const fax = await ctx.client();
  const input = { from: fromNumber(ctx) ?? "", to: toNumbers(ctx), ...comment(ctx) };
  const ids = await sending(() => fax.forward(args.positionals[0] ?? "", input));
  return done(ctx, fax, ids);
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

/** Marks errors of the sending step, so that the message can say whether a fax was queued. */
async function sending(step: () => Promise<SendFaxIds>): Promise<SendFaxIds> {
  try {
    return await step();
  } catch (error) {
    throw new SendFailed(error);
  }
}

async function done(ctx: Context, fax: FaxPlus, ids: SendFaxIds): Promise<number> {
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);
  const entries = Object.entries(ids);
  if (ctx.args.flag("wait")) {
    return follow(
      ctx,
      fax,
      entries.map(([to, id]) => ({ label: to, id })),
    );
  }
  if (ctx.json) ctx.out.json(ids);
  else ctx.out.rows(["TO", "FAX ID"], entries);
  return 0;
}

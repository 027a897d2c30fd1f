// Following sent faxes to a final status (`wait`, and `send --wait`): the SDK's waitForDelivery
// per fax, a live status line per fax on a terminal, one line per fax when piped.
import type { FaxPlus, Fax } from "../index.js";
import type { Runner } from "./types.js";
import type { Context } from "./context.js";
import { CommandFailed } from "./failures.js";
import { elapsed, LiveLines } from "./live.js";
import { statusStyle } from "./output.js";

export const wait: Runner = async (ctx) => {
  const fax = await ctx.client();
  const id = ctx.args.positionals[0] ?? "";
  return follow(ctx, fax, [{ id }], ctx.args.number("max-wait"));
};

interface Tracked {
  /** The destination, or undefined when waiting for a fax ID alone. */
  label?: string;
  id: string;
  status?: string;
  record?: Fax;
  error?: unknown;
  started: number;
  ended?: number;
}

/**
 * Waits for every fax, all at once. Exit code 0 when all succeeded; a failed fax, a timeout or an
 * API error ends in exit code 1. Ctrl-C stops waiting (the faxes stay queued), exit code 130.
 */
export async function follow(
  ctx: Context,
  fax: FaxPlus,
  faxes: { label?: string; id: string }[],
  maxWait?: number,
): Promise<number> {
  const { out } = ctx;
  const started = Date.now();
  // After a send the faxes are queued; `wait ID` knows nothing yet.
  const tracked: Tracked[] = faxes.map((f) => ({
    ...f,
    started,
    ...(f.label === undefined ? {} : { status: "queued" }),
  }));
  const labelWidth = Math.max(0, ...tracked.map((t) => t.label?.length ?? 0));
  const live = new LiveLines(
    out,
    () =>
      tracked.map((t) => {
        const status = t.error ? "error" : (t.status ?? "waiting");
        const label = t.label === undefined ? "" : `${t.label.padEnd(labelWidth)}  `;
        const time = out.paint("dim", elapsed(t.started, t.ended ?? Date.now()));
        return `${label}${t.id}  ${out.paint(statusStyle(status), status.padEnd(16))}  ${time}`;
      }),
    !ctx.json,
  );
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupt);
  live.start();
  try {
    await Promise.all(
      tracked.map(async (t) => {
        try {
          t.record = await fax.waitForDelivery(t.id, {
            signal: controller.signal,
            onStatus: (status) => {
              t.status = status;
              live.refresh();
            },
            ...(maxWait === undefined ? {} : { maxWait }),
          });
          t.status = t.record.status;
        } catch (error) {
          if (controller.signal.aborted) return;
          t.error = error;
        } finally {
          t.ended = Date.now();
          live.refresh();
        }
      }),
    );
  } finally {
    process.off("SIGINT", interrupt);
    live.stop();
  }

  if (controller.signal.aborted) {
    const ids = tracked.filter((t) => !t.record).map((t) => t.id);
    out.error(
      ids.length === 1
        ? `stopped waiting; the fax stays queued. Follow it with: faxplus wait ${ids[0]}`
        : `stopped waiting; the faxes stay queued. Follow each with faxplus wait ID: ${ids.join(", ")}`,
    );
    return 130;
  }
  // `wait ID` could not follow its fax: that error says it best (exit code and message).
  const only = tracked.length === 1 ? tracked[0] : undefined;
  if (only && only.label === undefined && only.error !== undefined) throw only.error;

  if (ctx.json) {
    const result = tracked.map((t) => ({
      ...(t.label === undefined ? {} : { to: t.label }),
      id: t.id,
      ...(t.record ? { status: t.record.status, record: t.record } : {}),
      ...(t.error ? { error: t.error instanceof Error ? t.error.message : String(t.error) } : {}),
    }));
    out.json(faxes.length === 1 && faxes[0]?.label === undefined ? result[0] : result);
  } else if (!live.active) {
    for (const t of tracked) {
      const cells = [
        ...(t.label === undefined ? [] : [t.label]),
        t.id,
        t.record?.status ?? "error",
      ];
      out.print(cells.join("\t"));
    }
  }

  const failed = tracked.filter((t) => t.record?.status !== "success");
  if (failed.length === 0) return 0;
  const reasons = failed.map((t) => {
    const who = t.label ?? t.id;
    if (t.record) {
      const detail = t.record.description ? ` (${t.record.description})` : "";
      return `${who}: ${t.record.status}${detail}`;
    }
    const reason = t.error instanceof Error ? t.error.message : String(t.error);
    return `${who}: queued as ${t.id}, but waiting failed: ${reason}`;
  });
  const count = tracked.length === 1 ? "the fax" : `${failed.length} of ${tracked.length} faxes`;
  throw new CommandFailed(`${count} failed: ${reasons.join("; ")}`);
}

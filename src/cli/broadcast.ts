// broadcast: one document to every number of a recipients file, exactly once per recipient, with
// a ledger that makes a rerun of the same command resume where a crash stopped it. One line per
// recipient is printed the moment its outcome is known (JSON lines with --json).
import { readFile } from "node:fs/promises";
import type { RecipientReport } from "../index.js";
import { fileLedger, fromPath } from "../node.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import { CommandFailed } from "./failures.js";
import { ProgressBar } from "./live.js";

export const broadcast: Runner = async (ctx) => {
  const { args, out } = ctx;
  const from = args.strings("from");
  const recipientsPath = args.string("recipients") ?? "";
  const ledgerPath = args.string("ledger") ?? "";
  const recipients = await readRecipients(recipientsPath);
  const documents = await Promise.all(args.positionals.map((path) => readDocument(path)));

  if (args.flag("dry-run")) {
    const pages = await countPages(args.positionals);
    const summary = {
      dryRun: true,
      faxes: recipients.length,
      pagesPerFax: pages,
      pages: pages === undefined ? undefined : pages * recipients.length,
    };
    if (ctx.json) out.json(summary);
    else {
      out.print(`Dry run: ${recipients.length} fax(es), one per recipient; nothing sent.`);
      out.print(
        pages === undefined
          ? "Pages: unknown (only PDF pages are counted)"
          : `Pages: ${pages} per fax, ${pages * recipients.length} in all`,
      );
    }
    return 0;
  }

  const fax = await ctx.client();
  const { broadcast: run, LedgerBusyError } = await import("../index.js");
  const bar = new ProgressBar(out, "broadcast");
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", stop);
  const concurrency = args.number("concurrency");
  const pacingMs = args.number("pacing");
  const visibilityMs = args.number("visibility");
  try {
    const result = await run(
      fax,
      { from: from.length === 1 ? from[0]! : from, recipients, files: documents },
      {
        ledger: fileLedger(ledgerPath),
        signal: controller.signal,
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(pacingMs === undefined ? {} : { pacingMs }),
        ...(visibilityMs === undefined ? {} : { visibilityMs }),
        onResult: (report) => print(ctx.json, out, report),
        onProgress: (done, total) => bar.update(done, total),
      },
    );
    bar.update(recipients.length, recipients.length);
    if (out.errTty) out.rawError("\n");
    const summary = `${result.sent} sent, ${result.failed} failed, ${result.unknown} unknown of ${recipients.length}`;
    if (result.sent === recipients.length) {
      if (out.errTty) out.note(summary);
      return 0;
    }
    throw new CommandFailed(
      `${summary}. Run the same command again to retry the failed ones and reconcile the unknown ones.`,
    );
  } catch (error) {
    if (error instanceof LedgerBusyError) {
      throw new CommandFailed(`${ledgerPath}: ${error.message}`);
    }
    if (controller.signal.aborted) {
      out.error("stopped; run the same command again to resume (the ledger knows what was sent)");
      return 130;
    }
    throw error;
  } finally {
    process.off("SIGINT", stop);
  }
};

/** One line per recipient: number, state, fax or outbox ID, reason (a JSON line with --json). */
function print(json: boolean, out: import("./output.js").Output, report: RecipientReport): void {
  if (json) {
    out.raw(`${JSON.stringify(report)}\n`);
    return;
  }
  const id = report.faxId ?? report.jobId ?? "-";
  out.print([report.to, report.state, id, report.reason ?? ""].join("\t").trimEnd());
}

/**
 * The numbers of a recipients file: one per line, blank lines and `#` comments ignored, or a CSV
 * whose first column is the number (a header line allowed). Every bad number is listed, with its
 * line, before anything is sent.
 */
async function readRecipients(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code}`, {
      showHelp: false,
    });
  }
  const { findBadRecipients } = await import("../index.js");
  const numbers: string[] = [];
  const lines: number[] = [];
  let first = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cell = (line.split(",")[0] ?? "")
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim();
    const header = first && !/[0-9]/.test(cell);
    first = false;
    if (header) return;
    numbers.push(cell);
    lines.push(i + 1);
  });
  const bad = findBadRecipients(numbers).map(
    ({ index }) => `line ${lines[index]}: ${JSON.stringify(numbers[index]!.slice(0, 40))}`,
  );
  if (bad.length > 0) {
    throw new UsageError(
      `${path}: ${bad.length} bad number(s), nothing was sent (a number is +, country code and number, e.g. +14155550123):\n  ${bad.join("\n  ")}`,
      { showHelp: false },
    );
  }
  if (numbers.length === 0) throw new UsageError(`${path}: no recipients`, { showHelp: false });
  return numbers;
}

async function readDocument(path: string): Promise<File> {
  try {
    return await fromPath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code}`, {
      showHelp: false,
    });
  }
}

/** Pages of a fax made of these documents, when all are PDFs (else undefined). */
async function countPages(paths: string[]): Promise<number | undefined> {
  let pages = 0;
  for (const path of paths) {
    if (!/\.pdf$/i.test(path)) return undefined;
    const text = (await readFile(path)).toString("latin1");
    pages += (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
  }
  return pages;
}

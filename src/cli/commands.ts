// The command table: names, options and help texts, and a loader per command. The commands'
// code (and the SDK) is imported only when a command runs, so `faxplus --help` stays fast.
import {
  DRY_RUN_OPTION,
  GLOBAL_OPTIONS,
  JSON_OPTION,
  type OptionTable,
  type Positionals,
} from "./args.js";
import type { Context } from "./context.js";

/** Runs a command; resolves to its exit code (0 when it returns nothing). */
export type Runner = (ctx: Context) => Promise<number | void>;

export interface Command {
  summary: string;
  /** The synopsis after `faxplus `. */
  usage: string;
  /** What it does, in a few lines of help. */
  description: string;
  /** The command's own options; `--json`, `--dry-run` and the global ones are added. */
  options: OptionTable;
  positionals: Positionals;
  json: boolean;
  /** Changes something: takes `--dry-run`. */
  mutates: boolean;
  /** Needs no token (`mock`). */
  offline?: boolean;
  load: () => Promise<Runner>;
}

const none: Positionals = { min: 0, max: 0, name: "" };
const oneId: Positionals = { min: 1, max: 1, name: "ID" };

const wait: OptionTable = {
  wait: {
    type: "boolean",
    help: "follow each fax to a final status (live on a terminal); exit 1 if any failed",
  },
};
const comment: OptionTable = {
  comment: { type: "string", value: "TEXT", help: "a comment stored with the fax" },
  key: {
    type: "string",
    value: "KEY",
    help: "the send key (default: a new one); faxplus reconcile KEY finds the fax by it",
  },
  ledger: {
    type: "string",
    value: "FILE",
    help: "record the send in this ledger; a KEY already sent there is not sent again",
  },
  visibility: {
    type: "string",
    value: "MS",
    help: "after a lost answer, how long a queued fax may take to show in the outbox (default 60000)",
  },
};

export const COMMANDS: Record<string, Command> = {
  send: {
    summary: "upload files and send them as a fax",
    usage: "send --from NUMBER --to NUMBER [--to NUMBER ...] [FILE ...] [--from-fax ID] [options]",
    description:
      "Uploads the FILEs (documents such as PDF or TIFF) and sends them, followed by the\n" +
      "document of --from-fax if given, to every destination. Prints each destination with\n" +
      "its fax ID. The input is checked before the first upload.",
    options: {
      from: {
        type: "string",
        value: "NUMBER",
        help: "your fax number to send from",
        required: true,
      },
      to: {
        type: "string",
        value: "NUMBER",
        multiple: true,
        help: "a destination, e.g. +14155550123; repeat for more",
        required: true,
      },
      "from-fax": {
        type: "string",
        value: "ID",
        help: "append the document of this fax (yours) after the files",
      },
      ...comment,
      "send-time": {
        type: "string",
        value: "TIME",
        help: 'schedule it: "YYYY-MM-DD HH:mm:ss +0000"',
      },
      ...wait,
    },
    positionals: { min: 0, max: Number.POSITIVE_INFINITY, name: "FILE" },
    json: true,
    mutates: true,
    load: async () => (await import("./send.js")).send,
  },
  resend: {
    summary: "send an existing fax again",
    usage: "resend ID [--to NUMBER ...] [--from NUMBER] [options]",
    description:
      "Sends the document of fax ID again. Without --to or --from, the original fax's\n" +
      "destination and number are used (read from its record first).",
    options: {
      to: {
        type: "string",
        value: "NUMBER",
        multiple: true,
        help: "a destination; repeat for more",
      },
      from: { type: "string", value: "NUMBER", help: "your fax number to send from" },
      ...comment,
      ...wait,
    },
    positionals: oneId,
    json: true,
    mutates: true,
    load: async () => (await import("./send.js")).resend,
  },
  forward: {
    summary: "forward a received fax to other numbers",
    usage: "forward ID --to NUMBER [--to NUMBER ...] --from NUMBER [options]",
    description: "Sends the document of fax ID (usually a received one) to new destinations.",
    options: {
      to: {
        type: "string",
        value: "NUMBER",
        multiple: true,
        help: "a destination; repeat for more",
        required: true,
      },
      from: {
        type: "string",
        value: "NUMBER",
        help: "your fax number to send from",
        required: true,
      },
      ...comment,
      ...wait,
    },
    positionals: oneId,
    json: true,
    mutates: true,
    load: async () => (await import("./send.js")).forward,
  },
  list: {
    summary: "list faxes",
    usage: "list [--category inbox|sent|spam] [--limit N] [--all] [options]",
    description:
      "Lists fax records, newest first: a table on a terminal, tab-separated lines when piped\n" +
      "(id, date, from, to, pages, status, read), JSON with --json.",
    options: {
      category: { type: "string", value: "CATEGORY", help: "inbox, sent or spam (default: all)" },
      limit: { type: "string", value: "N", help: "records per page (default: the API's)" },
      all: { type: "boolean", help: "every matching record, all pages" },
    },
    positionals: none,
    json: true,
    mutates: false,
    load: async () => (await import("./faxes.js")).list,
  },
  get: {
    summary: "show one fax record",
    usage: "get ID [options]",
    description: "Shows every field of the fax record ID.",
    options: {},
    positionals: oneId,
    json: true,
    mutates: false,
    load: async () => (await import("./faxes.js")).get,
  },
  wait: {
    summary: "wait until a sent fax has a final status",
    usage: "wait ID [--timeout MS] [options]",
    description:
      "Follows fax ID (as printed by send) to a final status. Exits 0 on success, 1 when the\n" +
      "fax failed or the timeout passed first.",
    options: {
      timeout: {
        type: "string",
        value: "MS",
        help: "give up after MS milliseconds (default 10 min)",
      },
    },
    positionals: oneId,
    json: true,
    mutates: false,
    load: async () => (await import("./delivery.js")).wait,
  },
  download: {
    summary: "download a fax document or its confirmation report",
    usage: "download ID [-o FILE] [--report] [options]",
    description:
      "Saves the document of fax ID (or with --report its confirmation report) to FILE,\n" +
      "by default ID.pdf (ID-report.pdf) in the current directory; -o - writes to stdout.\n" +
      "Shows a progress bar on a terminal.",
    options: {
      output: {
        type: "string",
        short: "o",
        value: "FILE",
        help: "where to save it (- for stdout)",
      },
      report: { type: "boolean", help: "the confirmation report instead of the document" },
    },
    positionals: oneId,
    json: true,
    mutates: false,
    load: async () => (await import("./download.js")).download,
  },
  outbox: {
    summary: "list the faxes still in the outbox",
    usage: "outbox [options]",
    description: "Lists queued, converting, scheduled and sending faxes.",
    options: {},
    positionals: none,
    json: true,
    mutates: false,
    load: async () => (await import("./outbox.js")).outbox,
  },
  cancel: {
    summary: "cancel a fax still in the outbox",
    usage: "cancel ID [options]",
    description: "Cancels the outbox job ID (as listed by outbox).",
    options: {},
    positionals: oneId,
    json: false,
    mutates: true,
    load: async () => (await import("./outbox.js")).cancel,
  },
  "mark-read": {
    summary: "mark faxes as read (or --unread)",
    usage: "mark-read [ID ...] [--unread] [options]",
    description:
      "Marks any number of fax records as read. IDs come from the arguments and, when there\n" +
      "are none or one is -, from standard input (separated by spaces or new lines), e.g.\n" +
      "  faxplus list --category inbox | cut -f1 | faxplus mark-read\n" +
      "Shows a progress bar on a terminal; exits 1 if any fax was not updated.",
    options: {
      unread: { type: "boolean", help: "mark them unread instead" },
    },
    positionals: { min: 0, max: Number.POSITIVE_INFINITY, name: "ID" },
    json: true,
    mutates: true,
    load: async () => (await import("./faxes.js")).markRead,
  },
  broadcast: {
    summary: "send documents to every number of a list, exactly once each (resumable)",
    usage:
      "broadcast --from NUMBER --recipients FILE --ledger FILE [--json] [--dry-run] DOCUMENT...",
    description:
      "Uploads the DOCUMENTs once and sends them to every recipient, one fax each. FILE holds\n" +
      "one number per line (blank lines and # comments ignored), or a CSV whose first column\n" +
      "is the number (a header line allowed); bad numbers are all listed before anything is\n" +
      "sent. The ledger records every send: run the same command again to resume after a\n" +
      "crash; nobody gets the fax twice. One line per recipient (number, state, fax ID).",
    options: {
      from: {
        type: "string",
        value: "NUMBER",
        multiple: true,
        help: "your fax number; repeat for a pool, used in turn",
        required: true,
      },
      recipients: { type: "string", value: "FILE", help: "the numbers to send to", required: true },
      ledger: {
        type: "string",
        value: "FILE",
        help: "the send ledger (created if missing)",
        required: true,
      },
      concurrency: { type: "string", value: "N", help: "sends in flight at once (default 4)" },
      pacing: { type: "string", value: "MS", help: "least time between sends from one number" },
      visibility: {
        type: "string",
        value: "MS",
        help: "how long a queued fax may take to show in the outbox (default 60000)",
      },
    },
    positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: "DOCUMENT" },
    json: true,
    mutates: true,
    load: async () => (await import("./broadcast.js")).broadcast,
  },
  reconcile: {
    summary: "find out whether a send with a key was queued",
    usage: "reconcile KEY [--since TIME] [--to NUMBER ...] | reconcile --ledger FILE",
    description:
      "Looks for the send KEY (printed by send) in the outbox, then in the sent faxes since\n" +
      "--since (default: 24 hours ago), and prints sent (with its IDs), not_sent (with the\n" +
      "evidence) or unknown (with the reason; exit 1). With --ledger, establishes every\n" +
      "pending send of the ledger and records the outcome.",
    options: {
      since: { type: "string", value: "TIME", help: "when the send was made (ISO time)" },
      to: { type: "string", value: "NUMBER", multiple: true, help: "its destination(s)" },
      ledger: { type: "string", value: "FILE", help: "reconcile the pending sends of this ledger" },
      visibility: {
        type: "string",
        value: "MS",
        help: "how long a queued fax may take to show in the outbox (default 60000)",
      },
    },
    positionals: { min: 0, max: 1, name: "KEY" },
    json: true,
    mutates: false,
    load: async () => (await import("./reconcile.js")).reconcile,
  },
  pending: {
    summary: "list the sends of a ledger whose outcome is not established",
    usage: "pending --ledger FILE [--json]",
    description:
      "Lists the sends recorded in the ledger as started but not known to be sent or not\n" +
      "(a crash, a lost answer). faxplus reconcile --ledger FILE establishes them.",
    options: {
      ledger: { type: "string", value: "FILE", help: "the send ledger", required: true },
    },
    positionals: none,
    json: true,
    mutates: false,
    offline: false,
    load: async () => (await import("./reconcile.js")).pending,
  },
  mock: {
    summary: "run the embedded mock API as a local server",
    usage:
      "mock [--port N] [--token TOKEN] [--latency MS] [--lose-answers RATE] [--seed N] [--listing-delay MS]",
    description:
      "Serves an in-memory Fax.Plus API on 127.0.0.1 for apps in any language, until\n" +
      "interrupted. Prints its base URL (http://127.0.0.1:PORT/v3) on stdout; point\n" +
      "FAXPLUS_BASE_URL at it. With --token it accepts only that token, else any.",
    options: {
      port: { type: "string", value: "N", help: "port (default: a free one)" },
      latency: { type: "string", value: "MS", help: "delay before every answer" },
      "lose-answers": {
        type: "string",
        value: "RATE",
        help: "share of sends (0 to 1) queued, then answered by a dropped connection",
      },
      seed: { type: "string", value: "N", help: "seed of the lost answers (default 1)" },
      "listing-delay": {
        type: "string",
        value: "MS",
        help: "a queued fax shows in the outbox listing only after MS",
      },
    },
    positionals: none,
    json: false,
    mutates: false,
    offline: true,
    load: async () => (await import("./mock.js")).mock,
  },
};

/** The options a command accepts, in help order. */
export function optionsOf(command: Command): OptionTable {
  return {
    ...command.options,
    ...(command.json ? JSON_OPTION : {}),
    ...(command.mutates ? DRY_RUN_OPTION : {}),
    ...GLOBAL_OPTIONS,
    ...(command.offline
      ? { token: { type: "string", value: "TOKEN", help: "accept only this token" } }
      : {}),
  };
}

export function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `Usage: faxplus <command> [options]   (faxplus <command> --help for its options)

A command line for the Fax.Plus REST API v3 (unofficial).

Commands:
${list}

Configuration (environment):
  FAXPLUS_TOKEN      personal access token, or an OAuth2 access token (or --token)
  FAXPLUS_CLIENT_ID  OAuth2 client ID, sent as x-fax-clientid
  FAXPLUS_BASE_URL   API root (default: the Fax.Plus API); e.g. the URL \`faxplus mock\` prints
  NO_COLOR           set to turn colours off

Output: tables, progress bars and live status lines on a terminal only; plain text when piped;
JSON with --json. Errors: one line on stderr (--verbose for details).

Exit codes:
  0  success
  1  the API or the network failed, or a fax failed; the message says whether a fax may
     have been queued
  2  bad usage, or input refused before anything was sent
`;
}

export function commandHelp(name: string, command: Command): string {
  const options = optionsOf(command);
  const labels = Object.entries(options).map(([option, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "";
    return [`${short}--${option}${spec.value ? ` ${spec.value}` : ""}`, spec.help] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  const lines = labels.map(([label, help]) => `  ${label.padEnd(width)}  ${help}`).join("\n");
  return `Usage: faxplus ${command.usage}

${command.description}

Options:
${lines}
`;
}

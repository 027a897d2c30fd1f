// The command table: names, options and help texts, and a loader per command; commands that
// share a name form a group (`faxplus webhooks list`). The commands' code (and the SDK) is
// imported only when a command runs, so `faxplus --help` stays fast.
import type { OptionTable, Positionals } from "./args.js";
import { didYouMean } from "./suggest.js";
import { isGroup, optionsOf, type Command, type CommandGroup } from "./types.js";

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

export const COMMANDS: Record<string, Command | CommandGroup> = {
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
    mutates: false,
    load: async () => (await import("./faxes.js")).list,
  },
  get: {
    summary: "show one fax record",
    usage: "get ID [options]",
    description: "Shows every field of the fax record ID.",
    options: {},
    positionals: oneId,
    mutates: false,
    load: async () => (await import("./faxes.js")).get,
  },
  wait: {
    summary: "wait until a sent fax has a final status",
    usage: "wait ID [--max-wait MS] [options]",
    description:
      "Follows fax ID (as printed by send) to a final status. Exits 0 on success, 1 when the\n" +
      "fax failed or --max-wait passed first.",
    options: {
      "max-wait": {
        type: "string",
        value: "MS",
        help: "give up after MS milliseconds (default 10 min)",
      },
    },
    positionals: oneId,
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
    mutates: false,
    load: async () => (await import("./download.js")).download,
  },
  outbox: {
    summary: "list the faxes still in the outbox",
    usage: "outbox [options]",
    description: "Lists queued, converting, scheduled and sending faxes.",
    options: {},
    positionals: none,
    mutates: false,
    load: async () => (await import("./outbox.js")).outbox,
  },
  cancel: {
    summary: "cancel a fax still in the outbox",
    usage: "cancel ID [options]",
    description: "Cancels the outbox job ID (as listed by outbox).",
    options: {},
    positionals: oneId,
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
    mutates: true,
    load: async () => (await import("./faxes.js")).markRead,
  },
  numbers: {
    summary: "list the fax numbers of the account",
    usage: "numbers [options]",
    description:
      "Lists the account's fax numbers (for --from), with their status and who they are\n" +
      "assigned to.",
    options: {},
    positionals: none,
    mutates: false,
    load: async () => (await import("./account.js")).numbers,
  },
  account: {
    summary: "show the account",
    usage: "account [options]",
    description: "Shows the account the token acts on: name, email, type, status and settings.",
    options: {},
    positionals: none,
    mutates: false,
    load: async () => (await import("./account.js")).account,
  },
  webhooks: {
    summary: "list, create, delete and listen to webhooks",
    description: "Webhooks: Fax.Plus POSTs an event (a fax sent or received) to a URL of yours.",
    commands: {
      list: {
        summary: "list the webhooks",
        usage: "webhooks list [--event EVENT] [options]",
        description: "Lists the webhooks of one event, or of every event.",
        options: {
          event: {
            type: "string",
            value: "EVENT",
            help: "fax_sent, fax_received or fax_page_received (default: all)",
          },
        },
        positionals: none,
        mutates: false,
        load: async () => (await import("./webhooks.js")).list,
      },
      create: {
        summary: "register a webhook",
        usage: "webhooks create --event EVENT --target URL [options]",
        description: "Registers URL to receive EVENT; prints the new webhook's ID.",
        options: {
          event: {
            type: "string",
            value: "EVENT",
            help: "fax_sent, fax_received or fax_page_received",
            required: true,
          },
          target: { type: "string", value: "URL", help: "the URL to POST to", required: true },
        },
        positionals: none,
        mutates: true,
        load: async () => (await import("./webhooks.js")).create,
      },
      delete: {
        summary: "delete a webhook",
        usage: "webhooks delete ID [options]",
        description: "Deletes the webhook ID (as listed by webhooks list).",
        options: {},
        positionals: oneId,
        mutates: true,
        load: async () => (await import("./webhooks.js")).remove,
      },
      listen: {
        summary: "receive webhooks locally and print each event",
        usage: "webhooks listen [--port N] [--forward URL] [--event EVENT ...] [options]",
        description:
          "Serves a webhook receiver on 127.0.0.1 and prints each event as it arrives (one line,\n" +
          "or the callback's JSON with --json). Prints its URL first; the URL carries a random\n" +
          "secret, and bodies posted without it are refused. When FAXPLUS_BASE_URL is a loopback\n" +
          "API (faxplus mock), registers itself for each event and removes the registrations on\n" +
          "exit. With --forward, POSTs each event on to URL; a failure there answers 500, so the\n" +
          "API retries the delivery.",
        options: {
          port: { type: "string", value: "N", help: "port (default: a free one)" },
          forward: { type: "string", value: "URL", help: "POST each event on to this URL" },
          event: {
            type: "string",
            value: "EVENT",
            multiple: true,
            help: "register for this event only; repeat for more (default: all)",
          },
        },
        positionals: none,
        mutates: false,
        load: async () => (await import("./listen.js")).listen,
      },
    },
  },
  completion: {
    summary: "print a shell completion script (bash or zsh)",
    usage: "completion bash|zsh",
    description:
      "Prints a completion script for commands and options. To install it:\n" +
      "  bash: faxplus completion bash > ~/.local/share/bash-completion/completions/faxplus\n" +
      '  zsh:  faxplus completion zsh > "${fpath[1]}/_faxplus"   (then restart the shell)',
    options: {},
    positionals: { min: 1, max: 1, name: "SHELL" },
    mutates: false,
    offline: true,
    load: async () => (await import("./completion.js")).completionOf(COMMANDS),
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
    mutates: false,
    offline: false,
    load: async () => (await import("./reconcile.js")).pending,
  },
  mock: {
    summary: "run the embedded mock API as a local server",
    usage:
      "mock [--port N] [--token TOKEN] [--latency MS] [--fax-list-shape data|paged] [--receive-every MS] [--lose-answers RATE] [--seed N] [--listing-delay MS] [--json]",
    description:
      "Serves an in-memory Fax.Plus API on 127.0.0.1 for apps in any language, until\n" +
      "interrupted. Prints its base URL (http://127.0.0.1:PORT/v3) on stdout; point\n" +
      "FAXPLUS_BASE_URL at it. With --token it accepts only that token, else any.\n" +
      "It POSTs fax_sent and fax_received to webhooks registered on loopback URLs.",
    options: {
      port: { type: "string", value: "N", help: "port (default: a free one)" },
      latency: { type: "string", value: "MS", help: "delay before every answer" },
      "fax-list-shape": {
        type: "string",
        value: "SHAPE",
        help: "listFaxes answers: data ({data: {records}}, default) or paged (has_more)",
      },
      "receive-every": { type: "string", value: "MS", help: "make a fax arrive every MS" },
      token: { type: "string", value: "TOKEN", help: "accept only this token" },
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
    mutates: false,
    offline: true,
    load: async () => (await import("./mock.js")).mock,
  },
};

/** Every runnable command with its full name (`list`, `webhooks create`), in table order. */
export function allCommands(): [name: string, command: Command][] {
  return Object.entries(COMMANDS).flatMap(([name, entry]) =>
    isGroup(entry)
      ? Object.entries(entry.commands).map(
          ([sub, command]) => [`${name} ${sub}`, command] as [string, Command],
        )
      : [[name, entry] as [string, Command]],
  );
}

/** What the command line names: a command and its arguments, a group's help, or why not. */
export type Found =
  | { name: string; command: Command; rest: string[]; help?: undefined }
  | { name: string; help: string; rest: string[] }
  | { unknown: string };

/** Finds the command `argv` starts with (`list ...`, `webhooks create ...`). */
export function findCommand(argv: readonly string[]): Found {
  const [name = "", sub, ...more] = argv;
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) return { unknown: unknownWord("command", name, Object.keys(COMMANDS)) };
  if (!isGroup(entry)) return { name, command: entry, rest: argv.slice(1) };
  if (sub === undefined || sub.startsWith("-")) {
    return { name, help: groupHelp(name, entry), rest: argv.slice(1) };
  }
  const command = Object.hasOwn(entry.commands, sub) ? entry.commands[sub] : undefined;
  if (!command) {
    return { unknown: unknownWord(`${name} command`, sub, Object.keys(entry.commands), name) };
  }
  return { name: `${name} ${sub}`, command, rest: more };
}

function unknownWord(what: string, word: string, known: string[], group?: string): string {
  // Echo only what looks like a command name: a mistyped argument may be a token.
  const named = /^[a-z][a-z-]{0,20}$/.test(word);
  const hint = named ? didYouMean(word, known, group ? `faxplus ${group} ` : "faxplus ") : "";
  const help = group ? `faxplus ${group} --help` : "faxplus --help";
  return `${named ? `unknown ${what} ${word}` : `unknown ${what}`}${hint} (see ${help})`;
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
Fax numbers may be written with spaces, dashes, dots and parentheses, or 00 for +: the number
sent is printed on stderr.

Exit codes:
  0  success
  1  the API or the network failed, or a fax failed; the message says whether a fax may
     have been queued
  2  bad usage, or input refused before anything was sent
`;
}

/** The help of a group: its commands. */
export function groupHelp(name: string, group: CommandGroup): string {
  const names = Object.keys(group.commands);
  const width = Math.max(...names.map((sub) => sub.length));
  const list = Object.entries(group.commands)
    .map(([sub, command]) => `  ${sub.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `Usage: faxplus ${name} <command> [options]   (faxplus ${name} <command> --help)

${group.description}

Commands:
${list}
`;
}

export function commandHelp(command: Command): string {
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

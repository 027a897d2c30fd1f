#!/usr/bin/env node
// The `faxplus` executable: finds the command, parses its options, runs it and turns the outcome
// into an exit code (0 success, 1 the API, the network or a fax failed, 2 bad usage or input
// refused before anything was sent). Only the command that runs is imported.
import { parse } from "./args.js";
import { commandHelp, findCommand, mainHelp } from "./commands.js";
import { optionsOf } from "./types.js";
import { Context, type Input } from "./context.js";
import { Output, type Stream } from "./output.js";
import { installSignalHandlers } from "./signals.js";

interface Io {
  stdout: Stream;
  stderr: Stream;
  stdin: Input;
  env: Record<string, string | undefined>;
}

/** Runs the command line `argv` (without `node faxplus`); resolves to the exit code. */
async function main(argv: string[], io: Io): Promise<number> {
  const out = new Output(io.stdout, io.stderr, io.env);
  const [first] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === undefined) {
      io.stderr.write(mainHelp());
      return 2;
    }
    const topic = first === "help" ? findCommand(argv.slice(1)) : undefined;
    out.raw(
      topic && !("unknown" in topic) ? (topic.help ?? commandHelp(topic.command)) : mainHelp(),
    );
    return 0;
  }
  if (first === "--version" || first === "-V") {
    const { createRequire } = await import("node:module");
    const manifest = createRequire(import.meta.url)("faxplus-unofficial/package.json") as {
      version: string;
    };
    out.print(manifest.version);
    return 0;
  }
  const found = findCommand(argv);
  if ("unknown" in found) {
    out.error(found.unknown);
    return 2;
  }
  if (found.help !== undefined) {
    // A group without its command: what it has (asked for, or as a usage error).
    if (!found.rest.some((arg) => arg === "--help" || arg === "-h")) {
      io.stderr.write(found.help);
      return 2;
    }
    out.raw(found.help);
    return 0;
  }
  const { name, command, rest } = found;

  let ctx: Context | undefined;
  try {
    const args = parse(rest, optionsOf(command), command.positionals);
    ctx = new Context(name, args, out, io.stdin, io.env);
    if (args.flag("help")) {
      out.raw(commandHelp(command));
      return 0;
    }
    const run = await command.load();
    return (await run(ctx)) ?? 0;
  } catch (error) {
    // The Context hides the token; a usage error can come before it exists.
    if (!ctx) {
      out.hide(tokenIn(rest));
      out.hide(io.env["FAXPLUS_TOKEN"]);
    }
    const { describeFailure } = await import("./failures.js");
    const failure = await describeFailure(error, name);
    out.error(failure.message);
    if (ctx?.verbose) for (const line of failure.details) out.note(line);
    return failure.code;
  }
}

/** The value of `--token` in raw arguments, when parsing failed before it was read. */
function tokenIn(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--token") return argv[i + 1];
    if (arg.startsWith("--token=")) return arg.slice("--token=".length);
  }
  return undefined;
}

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
};
// SIGTERM and SIGHUP like SIGINT; a closed pipe never kills a send (see signals.ts).
installSignalHandlers();
process.exitCode = await main(process.argv.slice(2), io);

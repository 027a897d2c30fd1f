// The shapes the command table (commands.ts) and the commands share: a command's entry, a group
// of commands, the function that runs one, and the options an entry adds up to. A command
// imports from here, never from the table, so that the table's lazy imports of the commands make
// no import cycle.
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

/** One command of the table: `faxplus <name>`, or `faxplus <group> <name>` in a group. */
export interface Command {
  summary: string;
  /** The synopsis after `faxplus `. */
  usage: string;
  /** What it does, in a few lines of help. */
  description: string;
  /** The command's own options; `--json`, `--dry-run` and the global ones are added. */
  options: OptionTable;
  positionals: Positionals;
  /** Changes something: takes `--dry-run`. */
  mutates: boolean;
  /** Needs no token (`mock`, `completion`). */
  offline?: boolean;
  load: () => Promise<Runner>;
}

/**
 * Commands under one name (`faxplus webhooks list`): a new one is one more entry in
 * `commands`, its code in a file of its own.
 */
export interface CommandGroup {
  summary: string;
  description: string;
  commands: Record<string, Command>;
}

/** Whether a table entry is a group of commands. */
export function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return "commands" in entry;
}

/** The options a command accepts, in help order. */
export function optionsOf(command: Command): OptionTable {
  // A command's own option of a global name (mock's --token) replaces the global one.
  const globals = Object.entries(GLOBAL_OPTIONS).filter(([name]) => !(name in command.options));
  return {
    ...command.options,
    ...JSON_OPTION,
    ...(command.mutates ? DRY_RUN_OPTION : {}),
    ...Object.fromEntries(globals),
  };
}

// Argument parsing: node:util parseArgs over a command's option table, plus typed accessors.
// Imports nothing of the SDK, so that `faxplus --help` starts fast.
import { parseArgs } from "node:util";
import { didYouMean } from "./suggest.js";

/** Bad usage: exit code 2, nothing was sent. */
export class UsageError extends Error {
  override name = "UsageError";
  /** Whether the message should point to the command's --help (argument errors). */
  readonly showHelp: boolean;

  constructor(message: string, options: { showHelp?: boolean } = {}) {
    super(message);
    this.showHelp = options.showHelp ?? true;
  }
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help, e.g. `NUMBER`. */
  value?: string;
  help: string;
  /** Checked here, before anything else runs. */
  required?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionTable = {
  token: { type: "string", value: "TOKEN", help: "API token (default: $FAXPLUS_TOKEN)" },
  verbose: { type: "boolean", help: "print requests, retries and error details on stderr" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export const JSON_OPTION: OptionTable = {
  json: { type: "boolean", help: "print JSON instead of text" },
};

export const DRY_RUN_OPTION: OptionTable = {
  "dry-run": {
    type: "boolean",
    help: "validate and print the requests that would change something; send none of them",
  },
};

/** How many non-option arguments a command takes, and their name in messages (`ID`). */
export interface Positionals {
  min: number;
  max: number;
  name: string;
}

export type Value = string | boolean | (string | boolean)[] | undefined;

/** The parsed command line of one command. */
export class Args {
  constructor(
    readonly values: Record<string, Value>,
    readonly positionals: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === "string" ? value : undefined;
  }

  strings(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return typeof value === "string" ? [value] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A number written in decimal; the SDK or the command checks its range. */
  number(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(text.trim())) {
      throw new UsageError(`--${name} must be a number (got ${JSON.stringify(text)})`);
    }
    return Number(text);
  }
}

/**
 * Parses `argv` against `options` (strict: unknown options are usage errors). `positionals`
 * bounds the count of non-option arguments.
 */
export function parse(argv: string[], options: OptionTable, positionals: Positionals): Args {
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch (error) {
    const message = parseArgsMessage(error);
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const hint = unknown === undefined ? "" : didYouMean(unknown, Object.keys(options), "--");
    throw new UsageError(message + hint);
  }
  const args = new Args(parsed.values as Record<string, Value>, parsed.positionals);
  if (args.flag("help")) return args;
  for (const [name, spec] of Object.entries(options)) {
    if (spec.required && args.values[name] === undefined) {
      throw new UsageError(`--${name} is required`);
    }
  }
  const count = args.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing ${positionals.name}`);
  if (count > positionals.max) {
    throw new UsageError(`too many arguments (${count}; at most ${positionals.max})`);
  }
  return args;
}

/** parseArgs's first sentence (the rest explains `--`), e.g. `Unknown option '--form'`. */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(/\.(\s|$)/)[0] ?? message;
}

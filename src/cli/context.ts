// What a command runs with: its parsed arguments, the output, standard input, the configuration
// (--token or FAXPLUS_TOKEN, FAXPLUS_CLIENT_ID, FAXPLUS_BASE_URL) and the SDK client built from it.
import type { FaxPlus, LogEvent } from "../index.js";
import { UsageError, type Args } from "./args.js";
import type { DryRun } from "./dry-run.js";
import type { Output } from "./output.js";

export interface Input extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean;
}

export class Context {
  /** Set by `client()` when `--dry-run` is given. */
  dryRun: DryRun | undefined;

  constructor(
    /** The command's name, for messages. */
    readonly command: string,
    readonly args: Args,
    readonly out: Output,
    readonly stdin: Input,
    readonly env: Record<string, string | undefined>,
  ) {
    out.hide(this.token);
    out.hide(env["FAXPLUS_TOKEN"]);
  }

  get json(): boolean {
    return this.args.flag("json");
  }

  get verbose(): boolean {
    return this.args.flag("verbose");
  }

  get token(): string | undefined {
    return this.args.string("token") || this.env["FAXPLUS_TOKEN"] || undefined;
  }

  /** The SDK client, configured from the command line and the environment. */
  async client(): Promise<FaxPlus> {
    const token = this.token;
    if (!token) {
      throw new UsageError("no API token: set FAXPLUS_TOKEN (or pass --token)", {
        showHelp: false,
      });
    }
    const { FaxPlus, ValidationError } = await import("../index.js");
    if (this.args.flag("dry-run")) {
      const { DryRun } = await import("./dry-run.js");
      this.dryRun = new DryRun();
    }
    try {
      return new FaxPlus({
        token,
        clientId: this.env["FAXPLUS_CLIENT_ID"] || undefined,
        baseUrl: this.env["FAXPLUS_BASE_URL"] || undefined,
        fetch: this.dryRun?.fetch,
        logger: this.verbose ? (event) => this.out.note(describeEvent(event)) : undefined,
      });
    } catch (error) {
      if (error instanceof ValidationError && error.field === "baseUrl") {
        throw new UsageError(`FAXPLUS_BASE_URL ${error.rule}`, { showHelp: false });
      }
      throw error;
    }
  }

  /** Reads standard input whole, as text. */
  async readStdin(): Promise<string> {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of this.stdin) {
      text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  }
}

/** One line per SDK debug event (the SDK redacts credentials in them). */
function describeEvent(event: LogEvent): string {
  const request = `${event.method} ${event.url}`;
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : "";
  switch (event.event) {
    case "request":
      return `> ${request}${attempt}`;
    case "response":
      return `< ${event.status} ${request} in ${Math.round(event.durationMs ?? 0)} ms`;
    case "retry":
      return `retrying ${request} after ${event.reason}, in ${Math.round(event.delayMs ?? 0)} ms`;
    case "error":
      return `! ${request}: ${event.message}`;
  }
}

// What the CLI writes: results on stdout, errors and progress on stderr; tables and colours only
// on a terminal (NO_COLOR honoured), tab-separated lines when piped, JSON with --json. Every text
// passes through `scrub`, which replaces the token wherever it would appear.

/** The parts of a process stream the CLI uses. */
export interface Stream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  columns?: number;
  /** Set once the stream is closed (a reader gone): nothing more is written to it. */
  destroyed?: boolean;
}

/** Writes unless the stream is gone; a closed pipe never throws here (EPIPE-safe). */
function write(stream: Stream, text: string): void {
  if (stream.destroyed) return;
  try {
    stream.write(text);
  } catch {
    // A reader that went away: the text is lost, the command goes on.
  }
}

export type Style = "bold" | "dim" | "red" | "green" | "yellow";

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
};

export class Output {
  /** stdout is a terminal: tables, live status lines. */
  readonly tty: boolean;
  /** stderr is a terminal: progress bars. */
  readonly errTty: boolean;
  readonly #color: boolean;
  readonly #errColor: boolean;
  readonly #secrets: string[] = [];

  constructor(
    readonly stdout: Stream,
    readonly stderr: Stream,
    env: Record<string, string | undefined>,
  ) {
    this.tty = stdout.isTTY === true;
    this.errTty = stderr.isTTY === true;
    // https://no-color.org: any non-empty NO_COLOR turns colours off.
    const colors = !env["NO_COLOR"] && env["TERM"] !== "dumb";
    this.#color = colors && this.tty;
    this.#errColor = colors && this.errTty;
  }

  /**
   * Never print `secret`: it is replaced by `[token]` in everything written. Values shorter than
   * 8 characters (test tokens such as `t`) are left alone: replacing them would garble the output.
   */
  hide(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.#secrets.push(secret);
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.replaceAll(secret, "[token]");
    return result;
  }

  /** A line of text on stdout. */
  print(text = ""): void {
    write(this.stdout, this.scrub(`${text}\n`));
  }

  /** Text on stdout without a newline (live lines). */
  raw(text: string): void {
    write(this.stdout, this.scrub(text));
  }

  /** Text on stderr without a newline (progress bars). */
  rawError(text: string): void {
    write(this.stderr, this.scrub(text));
  }

  /** A value as JSON on stdout, indented. */
  json(value: unknown): void {
    this.print(JSON.stringify(value, null, 2));
  }

  /** A line on stderr, prefixed `faxplus: `. */
  error(text: string): void {
    const prefix = this.#errColor ? paint("red", "faxplus:") : "faxplus:";
    write(this.stderr, this.scrub(`${prefix} ${text}\n`));
  }

  /** An informational line on stderr (--verbose details, hints), prefixed `faxplus: `. */
  note(text: string): void {
    write(this.stderr, this.scrub(`faxplus: ${text}\n`));
  }

  /** Styles text for stdout (nothing when stdout is not a colour terminal). */
  paint(style: Style | undefined, text: string): string {
    return this.#color && style ? paint(style, text) : text;
  }

  /**
   * Rows of cells: an aligned table with a header on a terminal, tab-separated lines without
   * header when piped. `styleOf` colours a cell on a terminal. On a terminal narrower than the
   * table, the columns that may shrink (a {@link Column} with `fit`) are cut, the widest first,
   * and the others (IDs, statuses, flags) are never cut; only if that is not enough are lines cut.
   */
  rows(
    columns: readonly (string | Column)[],
    rows: string[][],
    styleOf?: (row: number, column: number) => Style | undefined,
  ): void {
    if (!this.tty) {
      for (const row of rows) this.print(row.map(plainCell).join("\t"));
      return;
    }
    const specs = columns.map((c) => (typeof c === "string" ? { header: c } : c));
    const width = this.stdout.columns || Number.POSITIVE_INFINITY;
    const { widths, gap } = fitColumns(
      specs,
      rows.map((row) => row.map(plainCell)),
      width,
    );
    // A header is cut at its end, whatever its column's cells do.
    const cell = (text: string, i: number, header: boolean) =>
      fitCell(plainCell(text), widths[i] ?? 0, specs[i]?.fit && (header ? "end" : specs[i]?.fit));
    const line = (row: string[], style: (column: number) => Style | undefined, header = false) =>
      row
        .map((text, i) => {
          const shown = cell(text, i, header);
          const padded = i === row.length - 1 ? shown : shown.padEnd(widths[i] ?? 0);
          return this.paint(style(i), padded);
        })
        .join(" ".repeat(gap))
        .trimEnd();
    // Still wider than the terminal (too many fixed columns): cut (with …) rather than wrap.
    const fit = (text: string) =>
      visibleLength(text) > width ? `${clip(text, width - 1)}…` : text;
    this.print(
      fit(
        line(
          specs.map((s) => s.header),
          () => "bold",
          true,
        ),
      ),
    );
    rows.forEach((row, r) => this.print(fit(line(row, (c) => styleOf?.(r, c)))));
  }

  /** The fields of a record as {@link fields} lines; objects as JSON. */
  record(record: object): void {
    this.fields(
      Object.entries(record).map(([key, value]: [string, unknown]) => [
        key,
        value === null || value === undefined
          ? ""
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value),
      ]),
    );
  }

  /** `key  value` lines, aligned on a terminal, tab-separated when piped. */
  fields(entries: [string, string][]): void {
    if (!this.tty) {
      for (const [key, value] of entries) this.print(`${key}\t${plainCell(value)}`);
      return;
    }
    const width = Math.max(0, ...entries.map(([key]) => key.length));
    for (const [key, value] of entries) {
      this.print(`${this.paint("bold", key.padEnd(width))}  ${plainCell(value)}`);
    }
  }
}

/** A column of {@link Output.rows}: its header, and whether and how its cells may be cut. */
export interface Column {
  header: string;
  /**
   * Free text that may be shortened to fit a terminal: `"end"` cuts the end (…), `"start"` the
   * start (a number keeps its last digits), or a function writing the cell within a width.
   * Columns without it (IDs, statuses, flags) are never cut.
   */
  fit?: "end" | "start" | ((text: string, width: number) => string);
  /** Not cut below this width while other columns can still give room. */
  min?: number;
}

/** The narrowest a cut column gets (room for … and a few characters). */
const MIN_WIDTH = 4;

/**
 * Column widths for a terminal `width` wide: each column's widest cell; if that is too wide,
 * one space between columns instead of two, then the cuttable columns narrowed, the widest
 * first (first down to their `min`, then down to {@link MIN_WIDTH}).
 */
export function fitColumns(
  columns: readonly Column[],
  cells: readonly string[][],
  width: number,
): { widths: number[]; gap: number } {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const total = (gap: number) =>
    widths.reduce((sum, w) => sum + w, 0) + gap * Math.max(0, widths.length - 1);
  if (total(2) <= width) return { widths, gap: 2 };
  for (const floor of [(c: Column) => Math.max(c.min ?? 0, MIN_WIDTH), () => MIN_WIDTH]) {
    while (total(1) > width) {
      let widest = -1;
      columns.forEach((column, i) => {
        if (
          column.fit &&
          widths[i]! > floor(column) &&
          (widest < 0 || widths[i]! > widths[widest]!)
        )
          widest = i;
      });
      if (widest < 0) break;
      widths[widest]!--;
    }
  }
  return { widths, gap: 1 };
}

/** A cell within `width`, cut as its column says (never cut without `fit`). */
function fitCell(text: string, width: number, fit: Column["fit"]): string {
  if (text.length <= width || fit === undefined) return text;
  const shown = typeof fit === "function" ? fit(text, width) : text;
  if (shown.length <= width) return shown;
  return fit === "start"
    ? `…${text.slice(text.length - width + 1)}`
    : `${shown.slice(0, width - 1)}…`;
}

/**
 * A `YYYY-MM-DD HH:mm:ss[ ±HHMM]` time in `width`: whole, without the offset and seconds, then
 * without the year, then the day alone.
 */
export function shortTime(text: string, width: number): string {
  const forms = [text, text.slice(0, 19), text.slice(0, 16), text.slice(5, 16), text.slice(5, 10)];
  return forms.find((form) => form.length <= width) ?? text;
}

/** A status in colour: green for success, red for failures, yellow while under way. */
export function statusStyle(status: string): Style {
  if (status === "success") return "green";
  if (/^(failed|partially|insufficient)/.test(status)) return "red";
  return "yellow";
}

function paint(style: Style, text: string): string {
  const [on, off] = CODES[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/** A cell on one line: tabs and line breaks become spaces. */
function plainCell(text: string): string {
  return text.replace(/[\t\r\n]+/g, " ");
}

/** Cuts a line to `width` visible characters (colour codes do not count). */
export function clip(line: string, width: number): string {
  let visible = 0;
  let result = "";
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith("\x1b[")) {
      result += part;
      continue;
    }
    const room = width - visible;
    result += part.slice(0, Math.max(0, room));
    visible += Math.min(part.length, Math.max(0, room));
  }
  return result;
}

function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}

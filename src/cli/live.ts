// Terminal-only displays: a progress bar on stderr and a block of live status lines on stdout,
// redrawn in place. Both do nothing when their stream is not a terminal.
import { clip, type Output } from "./output.js";

const BAR_WIDTH = 24;
/** Redraw a progress bar at most this often (ms); the last state is always drawn. */
const BAR_INTERVAL = 80;

/** `label [#########---------]  120/250` on stderr. */
export class ProgressBar {
  #last = 0;
  #drawn = false;
  #pending: [number, number | undefined] | undefined;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    private readonly format: (n: number) => string = String,
  ) {}

  /** `total` undefined: the size is unknown, only `done` is shown. */
  update(done: number, total: number | undefined): void {
    if (!this.out.errTty) return;
    const now = Date.now();
    if (this.#drawn && now - this.#last < BAR_INTERVAL && done !== total) {
      this.#pending = [done, total];
      return;
    }
    this.#pending = undefined;
    this.#last = now;
    this.#drawn = true;
    let text = `${this.label}  ${this.format(done)}`;
    if (total !== undefined && total > 0) {
      const filled = Math.round((Math.min(done, total) / total) * BAR_WIDTH);
      const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
      const percent = `${Math.floor((Math.min(done, total) / total) * 100)}%`.padStart(4);
      text = `${this.label}  ${bar} ${percent}  ${this.format(done)}/${this.format(total)}`;
    }
    this.out.rawError(`\r\x1b[2K${text}`);
  }

  /** Draws the last state and ends the bar's line (it stays visible). */
  finish(): void {
    const pending = this.#pending;
    if (pending) {
      this.#last = 0; // draw it now
      this.update(...pending);
    }
    if (this.#drawn) this.out.rawError("\n");
    this.#drawn = false;
  }
}

/**
 * A fixed number of lines on stdout, redrawn in place whenever `refresh` is called and once a
 * second (for elapsed times). When stdout is not a terminal nothing is drawn.
 */
export class LiveLines {
  #count = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Draws only when `enabled` and stdout is a terminal. */
  constructor(
    private readonly out: Output,
    private readonly render: () => string[],
    private readonly enabled = true,
  ) {}

  get active(): boolean {
    return this.enabled && this.out.tty;
  }

  start(): void {
    if (!this.active) return;
    this.refresh();
    this.#timer = setInterval(() => this.refresh(), 1000);
    this.#timer.unref();
  }

  refresh(): void {
    if (!this.active) return;
    const width = Math.max(20, (this.out.stdout.columns || 80) - 1);
    const lines = this.render().map((line) => clip(line, width));
    const up = this.#count > 0 ? `\x1b[${this.#count}A` : "";
    this.out.raw(up + lines.map((line) => `\r\x1b[2K${line}\n`).join(""));
    this.#count = lines.length;
  }

  /** Draws the final state and stops the clock; the lines stay on screen. */
  stop(): void {
    clearInterval(this.#timer);
    this.refresh();
  }
}

/** `1.2 MB`-style sizes for download progress. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Elapsed time since `start` as `12 s` or `3 min 04 s`. */
export function elapsed(start: number, now = Date.now()): string {
  const seconds = Math.floor((now - start) / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

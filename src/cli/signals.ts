// Stopping the CLI without losing what it sent. SIGTERM and SIGHUP are handled like SIGINT: a
// command following faxes stops waiting; a command inside a send (between its request and the
// printing of its IDs) finishes that first and exits afterwards; anything else exits at once.
// A closed stdout or stderr (EPIPE) never kills a command inside a send.

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

let inside = 0;
let deferred: string | undefined;

/** Whether a send is under way (its IDs not printed yet). */
export function sending(): boolean {
  return inside > 0;
}

/**
 * Runs `work` (a send and the printing of its IDs) to its end even when a signal or a closed pipe
 * comes meanwhile; a signal received inside ends the process once `work` is done.
 */
export async function whileSending<T>(work: () => Promise<T>): Promise<T> {
  inside++;
  try {
    return await work();
  } finally {
    inside--;
    if (inside === 0 && deferred !== undefined) process.exit(CODES[deferred] ?? 1);
  }
}

/** Installs the handlers of SIGINT, SIGTERM, SIGHUP and of errors of stdout and stderr. */
export function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (inside > 0) {
        if (deferred !== undefined) return; // already noted
        deferred = signal;
        try {
          process.stderr.write(`faxplus: ${signal}: finishing the send to print its IDs first\n`);
        } catch {
          // stderr is gone; the IDs go to stdout and the ledger.
        }
        return;
      }
      // A command that follows faxes listens to SIGINT and stops waiting cleanly.
      if (process.listenerCount("SIGINT") > 1) {
        if (signal !== "SIGINT") process.emit("SIGINT");
        return;
      }
      process.exit(CODES[signal] ?? 1);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (!QUIET_ERRORS.has(error.code ?? "")) throw error;
      // `faxplus list | head -1` closes the pipe early: stop quietly, unless a send is under way.
      if (stream === process.stdout && inside === 0) process.exit(process.exitCode ?? 0);
    });
  }
}

const QUIET_ERRORS = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

// The mock calls back: for webhooks registered through the API on loopback targets, it POSTs
// `fax_sent` when an outgoing fax reaches its final status and `fax_received` when a fax arrives
// (`fax_page_received` once per page before it, for hooks of that event), with the body the API
// sends. Deliveries go through a bounded queue, a few at a time, each with a timeout; a failed one
// is retried on the mock's clock; a slow or dead target never blocks an answer of the mock.
import { isLoopback } from "../core/url.js";
import {
  type Fax,
  faxDefaults,
  formatTime,
  type MockState,
  newId,
  seeds,
  type Webhook,
} from "./state.js";

export interface CallbackOptions {
  /**
   * Delays before the retries of a failed delivery (not 2xx, a network error or a timeout), in ms
   * of the mock's clock (default `[1000, 5000, 30000]`: three retries, then it is given up).
   */
  callbackRetryDelaysMs?: readonly number[];
  /** Time for one delivery attempt, in real ms (default 5000); longer is a failed attempt. */
  callbackTimeoutMs?: number;
  /** Deliveries waiting at most (default 1000); beyond, the oldest waiting one is dropped. */
  maxPendingCallbacks?: number;
  /** Make a fax arrive every this many ms (default: never; `server.receiveFax()` makes one now). */
  receiveEveryMs?: number;
}

/** A fax made to arrive by `server.receiveFax()`. */
export interface IncomingFax {
  /** The sender's number (default `+14155550123`). */
  from?: string;
  /** The receiving number (default the seeded number `+16699990000`); its owner gets the fax. */
  to?: string;
  /** Number of pages (default 1). */
  pages?: number;
}

/** One delivery attempt, as `server.callbacks.attempts` records it (the last 1000). */
export interface CallbackAttempt {
  hookId: string;
  event: string;
  target: string;
  faxId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * `delivered` (2xx), `failed` (will be retried), `gave_up` (failed, no retry left), `dropped`
   * (the queue was full), `skipped` (the target is not a loopback URL: only recorded).
   */
  outcome: "delivered" | "failed" | "gave_up" | "dropped" | "skipped";
  /** The target's HTTP status, if it answered. */
  status?: number;
  /** Why it failed, when it did without an answer. */
  error?: string;
  /** Real time the attempt took, in ms. */
  durationMs?: number;
}

export const defaultCallbackOptions = {
  callbackRetryDelaysMs: [1000, 5000, 30_000],
  callbackTimeoutMs: 5000,
  maxPendingCallbacks: 1000,
} as const;

/** Deliveries in flight at once. */
const CONCURRENCY = 4;
/** How often (real ms) the mock moves its outbox and its queue while something is pending. */
const TICK_MS = 20;
const MAX_RECORDED = 1000;
/** An event the spec may not list yet (its payload is unconfirmed): one delivery per page. */
const PAGE_EVENT: string = "fax_page_received";

interface Pending {
  hook: Webhook & { id: string };
  faxId: string;
  body: string;
  attempt: number;
  /** When it is due, on the mock's clock. */
  dueAt: number;
}

export class MockCallbacks {
  /** Every delivery attempt, oldest first (the last 1000). */
  readonly attempts: CallbackAttempt[] = [];
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private arrivals: ReturnType<typeof setInterval> | undefined;
  private readonly closing = new AbortController();
  private readonly listeners = new Set<(attempt: CallbackAttempt) => void>();
  private readonly retryDelays: readonly number[];
  private readonly timeoutMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly state: MockState,
    options: CallbackOptions = {},
  ) {
    this.retryDelays =
      options.callbackRetryDelaysMs ?? defaultCallbackOptions.callbackRetryDelaysMs;
    if (!Array.isArray(this.retryDelays) || !this.retryDelays.every((ms) => ms >= 0)) {
      throw new RangeError("callbackRetryDelaysMs must be an array of ms, each at least 0");
    }
    this.timeoutMs = positive(options, "callbackTimeoutMs");
    this.maxPending = positive(options, "maxPendingCallbacks");
    const every = options.receiveEveryMs;
    if (every !== undefined) {
      if (!(every > 0)) throw new RangeError(`receiveEveryMs must be more than 0 (got ${every})`);
      this.arrivals = setInterval(() => this.receiveFax(), every);
      this.arrivals.unref();
    }
    state.onFaxSent = (fax) => this.emit("fax_sent", fax);
  }

  /** A fax arrives now: its record is stored and `fax_received` is posted to its hooks. */
  receiveFax(input: IncomingFax = {}): Fax {
    const at = this.state.now();
    const id = newId();
    const to = input.to ?? seeds.number;
    const pages = input.pages ?? 1;
    if (!Number.isInteger(pages) || pages < 1) {
      throw new RangeError(`pages must be a whole number, at least 1 (got ${pages})`);
    }
    const owner = this.state.numbers.get(to)?.owner_id ?? seeds.selfUid;
    const fax: Fax = {
      ...faxDefaults(id, owner, at),
      direction: "incoming",
      status: "success",
      from: input.from ?? "+14155550123",
      to,
      pages,
      cost: 0,
    };
    this.state.faxes.set(id, fax);
    for (let page = 1; page <= pages; page++) {
      this.emit(PAGE_EVENT, { ...fax, pages: page }, { partial: page < pages });
    }
    this.emit("fax_received", fax);
    return fax;
  }

  /** Calls `listener` after each attempt; returns a function that stops it. */
  onAttempt(listener: (attempt: CallbackAttempt) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many deliveries wait or are in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Moves the outbox and the queue; the mock calls it after each request. */
  wake(): void {
    if (this.closing.signal.aborted || !this.busy()) return;
    this.keepTicking();
    this.tick();
  }

  /** Runs the ticker while anything is pending (it stops itself when nothing is). */
  private keepTicking(): void {
    if (this.ticker || this.closing.signal.aborted) return;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** Stops the timers and abandons what is in flight. */
  close(): void {
    this.closing.abort();
    clearInterval(this.ticker);
    clearInterval(this.arrivals);
    this.ticker = undefined;
    this.queue.length = 0;
  }

  /** Whether a fax is on its way to a hook of `fax_sent`, or a delivery is pending. */
  private busy(): boolean {
    if (this.pending > 0) return true;
    const now = this.state.now();
    const moving = [...this.state.outbox.values()].some(
      (job) => job.record.status !== "scheduled_for_sending" || job.sendAt <= now,
    );
    return moving && this.hooksOf("fax_sent").length > 0;
  }

  private tick(): void {
    try {
      this.state.advance();
      this.pump();
    } finally {
      if (!this.busy()) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }
  }

  /** Starts the deliveries that are due, as many as may be in flight. */
  private pump(): void {
    const now = this.state.now();
    this.queue.sort((a, b) => a.dueAt - b.dueAt);
    while (this.inFlight < CONCURRENCY && this.queue[0] && this.queue[0].dueAt <= now) {
      void this.attempt(this.queue.shift()!);
    }
  }

  private hooksOf(event: string): (Webhook & { id: string })[] {
    return [...this.state.webhooks.values()].filter(
      (hook): hook is Webhook & { id: string } => hook.event === event && hook.id !== undefined,
    );
  }

  /** Queues the event for every hook of it (loopback targets only; others are recorded). */
  private emit(event: string, fax: Fax, options: { partial?: boolean } = {}): void {
    for (const hook of this.hooksOf(event)) {
      if (!isLoopbackTarget(hook.target)) {
        this.record({ ...base(hook, fax.id, 1), outcome: "skipped", error: "not a loopback URL" });
        continue;
      }
      const body = JSON.stringify(callbackBody(hook, event, fax, this.state.now(), options));
      this.enqueue({ hook, faxId: fax.id, body, attempt: 1, dueAt: this.state.now() });
    }
    this.pump();
    this.keepTicking();
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length >= this.maxPending) {
      const dropped = this.queue.shift()!;
      this.record({ ...base(dropped.hook, dropped.faxId, dropped.attempt), outcome: "dropped" });
    }
    this.queue.push(pending);
  }

  private async attempt(pending: Pending): Promise<void> {
    this.inFlight++;
    const started = performance.now();
    const { hook, faxId, attempt } = pending;
    let status: number | undefined;
    let error: string | undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    const stop = () => abort.abort();
    this.closing.signal.addEventListener("abort", stop);
    try {
      const response = await fetch(hook.target, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "faxplus-mock" },
        body: pending.body,
        redirect: "manual",
        signal: abort.signal,
      });
      status = response.status;
      await response.body?.cancel().catch(() => {});
    } catch (cause) {
      error = abort.signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : cause instanceof Error
          ? describe(cause)
          : String(cause);
    } finally {
      clearTimeout(timer);
      this.closing.signal.removeEventListener("abort", stop);
      this.inFlight--;
    }
    if (this.closing.signal.aborted) return;
    const durationMs = performance.now() - started;
    const delivered = status !== undefined && status >= 200 && status < 300;
    const delay = this.retryDelays[attempt - 1];
    const outcome = delivered ? "delivered" : delay === undefined ? "gave_up" : "failed";
    // Queued before it is recorded: a listener sees the queue as the attempt left it.
    if (outcome === "failed") {
      this.enqueue({ ...pending, attempt: attempt + 1, dueAt: this.state.now() + delay! });
    }
    this.record({
      ...base(hook, faxId, attempt),
      outcome,
      durationMs,
      ...(status !== undefined ? { status } : {}),
      ...(error !== undefined ? { error } : {}),
    });
    this.pump();
    this.keepTicking();
  }

  private record(attempt: CallbackAttempt): void {
    this.attempts.push(attempt);
    if (this.attempts.length > MAX_RECORDED) this.attempts.shift();
    for (const listener of this.listeners) {
      try {
        listener(attempt);
      } catch {
        // A listener's failure is not the mock's.
      }
    }
  }
}

/** The body the API POSTs: `{hook:{id,event,event_time,target}, data:{...the fax...}}`. */
function callbackBody(
  hook: Webhook,
  event: string,
  fax: Fax,
  now: number,
  options: { partial?: boolean },
) {
  return {
    hook: { id: fax.id, event, event_time: formatTime(now), target: hook.target },
    data: {
      id: fax.id,
      uid: fax.owner_id,
      pages: fax.pages,
      from: fax.from,
      to: fax.to,
      start_time: fax.start_time,
      file: fax.file,
      file_name: fax.file_name,
      cost: fax.pages, // in pages, unlike a fax record's cost
      ...(options.partial ? {} : { status: fax.status }),
    },
  };
}

function base(hook: Webhook, faxId: string, attempt: number) {
  return { hookId: hook.id ?? "", event: hook.event, target: hook.target, faxId, attempt };
}

function isLoopbackTarget(target: string): boolean {
  try {
    const url = new URL(target);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopback(url.hostname);
  } catch {
    return false;
  }
}

function positive(
  options: CallbackOptions,
  name: "callbackTimeoutMs" | "maxPendingCallbacks",
): number {
  const value = options[name] ?? defaultCallbackOptions[name];
  if (typeof value !== "number" || !(value > 0)) {
    throw new RangeError(`${name} must be a number more than 0 (got ${String(value)})`);
  }
  return value;
}

/** A fetch failure in words: undici hides the cause (ECONNREFUSED) behind "fetch failed". */
function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

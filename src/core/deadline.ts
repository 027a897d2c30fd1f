// Per-attempt timeouts without a timer per attempt: every pending deadline sits in one set, and a
// single timer is armed for the earliest of them. Arming and disarming a deadline is a set insert
// and delete; the timer is re-armed only when a new deadline is earlier than the armed one, which
// calls with the same timeout never are.

/** A pending deadline; `expire` runs once if it is not disarmed by then. */
export interface Deadline {
  /** When it expires (performance.now() ms); set by {@link arm}. */
  at: number;
  expire(): void;
}

const pending = new Set<Deadline>();
let timer: ReturnType<typeof setTimeout> | undefined;
let armedAt = Infinity; // a global constant: droppable, unlike a property read

/** Calls `deadline.expire()` after `ms` unless {@link disarm} is called first. */
export function arm(deadline: Deadline, ms: number): void {
  deadline.at = performance.now() + ms;
  pending.add(deadline);
  if (deadline.at < armedAt) schedule(deadline.at);
}

/** Forgets a deadline; a no-op once it has expired. */
export function disarm(deadline: Deadline): void {
  pending.delete(deadline);
}

function schedule(at: number): void {
  if (timer !== undefined) clearTimeout(timer);
  armedAt = at;
  // At least 1 ms: the timer clock and performance.now() may disagree by a fraction of one.
  timer = setTimeout(expireDue, Math.max(1, Math.ceil(at - performance.now())));
  // Node: a pending deadline must not keep the process alive (browsers have no unref).
  (timer as { unref?: () => void }).unref?.();
}

function expireDue(): void {
  timer = undefined;
  armedAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  for (const deadline of pending) {
    if (deadline.at <= now) {
      pending.delete(deadline);
      try {
        deadline.expire();
      } catch {
        // An abort listener's error must not stop the other deadlines from expiring.
      }
    } else if (deadline.at < next) {
      next = deadline.at;
    }
  }
  if (next !== Number.POSITIVE_INFINITY) schedule(next);
}

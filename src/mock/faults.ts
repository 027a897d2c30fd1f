// Faults of the mock that exactly-once sending is tested against: answers lost after a fax was
// queued (the connection is dropped instead of answering), and jobs that show up in the outbox
// listing only some time after their send (eventual consistency). Seeded, so a run repeats.
import type { Reply } from "./routes.js";
import type { MockState } from "./state.js";

/** The fault options of a mock server. */
export interface FaultOptions {
  /**
   * Share of sends (0 to 1) whose answer is lost: the fax is queued and delivered like any other,
   * then the connection is dropped without an answer. Default 0.
   */
  loseAnswers?: number;
  /** Seed of the random choice of lost answers (default 1): the same seed loses the same sends. */
  randomSeed?: number;
  /** A queued job shows up in the outbox listing only this many ms after its send. Default 0. */
  listingDelayMs?: number;
}

/** Decides which answers are lost and which jobs are listed. */
export class Faults {
  readonly loseAnswers: number;
  readonly listingDelayMs: number;
  /** Answers dropped so far. */
  lost = 0;
  readonly #random: () => number;

  constructor(options: FaultOptions) {
    const rate = options.loseAnswers ?? 0;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`loseAnswers must be a number from 0 to 1 (got ${String(rate)})`);
    }
    const delay = options.listingDelayMs ?? 0;
    if (typeof delay !== "number" || !(delay >= 0)) {
      throw new RangeError(`listingDelayMs must be 0 or more ms (got ${String(delay)})`);
    }
    const seed = options.randomSeed ?? 1;
    if (!Number.isInteger(seed)) throw new RangeError(`randomSeed must be an integer`);
    this.loseAnswers = rate;
    this.listingDelayMs = delay;
    this.#random = mulberry32(seed);
  }

  /** Whether this answer is to be dropped: a send (`POST .../outbox`) that queued a fax. */
  loses(method: string, path: string, reply: Reply): boolean {
    if (this.loseAnswers === 0) return false;
    if (method !== "POST" || !/^\/accounts\/[^/]+\/outbox$/.test(path)) return false;
    if (reply.status < 200 || reply.status > 299) return false;
    // Drawn only for queued sends, so the choice depends on the seed and the sends alone.
    const lose = this.#random() < this.loseAnswers;
    if (lose) this.lost++;
    return lose;
  }

  /** The outbox listing without the jobs queued less than `listingDelayMs` ago. */
  listing(method: string, path: string, reply: Reply, state: MockState): Reply {
    if (this.listingDelayMs === 0 || method !== "GET") return reply;
    if (!/^\/accounts\/[^/]+\/outbox$/.test(path) || reply.status !== 200) return reply;
    const body = reply.json as { records?: { id: string }[] } | undefined;
    if (!Array.isArray(body?.records)) return reply;
    const now = state.now();
    const visible = body.records.filter((record) => {
      const job = state.outbox.get(record.id);
      return job === undefined || now >= job.queuedAt + this.listingDelayMs;
    });
    return { ...reply, json: { ...body, records: visible } };
  }
}

/** A small seeded PRNG (uniform in [0, 1)). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

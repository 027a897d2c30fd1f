// The mock's bounded, indexed collections: fax records (by ID, and by owner in time order, at
// most a given number), outbox jobs (by ID, scheduled when stored) and uploaded files (at most a
// given number and total size). Each is a Map, so tests read and change them as before; the
// bounds drop what was stored longest ago.
import type { components } from "../../generated/schema.js";

type Fax = components["schemas"]["Fax"];

/** A query of listFaxes, as the mock applies it. */
export interface FaxQuery {
  category: string | null;
  /** Only records that started after this time (exclusive), `YYYY-MM-DD HH:mm:ss`. */
  after: string | null;
  /** Only records that started before this time (exclusive). */
  before: string | null;
  offset: number;
  limit: number;
}

/** One page of fax records. */
export interface FaxPageResult {
  records: Fax[];
  /** Whether more records match after this page. */
  hasMore: boolean;
  /** All records that match, when asked for (`count: true`). */
  count?: number;
}

/**
 * Fax records by ID, and per owner in descending `start_time` (ties in the order stored), so that
 * a page is a binary search and a walk of at most the page, not a sort of every record. Besides the
 * seed data (the records stored before `seal()`, never dropped), at most `limit` records: storing
 * one more drops the one added longest ago. The index follows `set` and `delete`; a record's
 * `start_time` is read when it is stored.
 */
export class FaxStore extends Map<string, Fax> {
  private readonly byOwner = new Map<string, Fax[]>();
  /** IDs that may be dropped, oldest first, from `head` on (some may be gone already). */
  private readonly droppable: string[] = [];
  private head = 0;
  /** The seed data's IDs still stored, once sealed. */
  private seeds: Set<string> | undefined;

  constructor(readonly limit: number) {
    super();
  }

  /** Marks the records stored so far as seed data, never dropped to keep within `limit`. */
  seal(): void {
    this.seeds = new Set(this.keys());
  }

  override set(id: string, fax: Fax): this {
    const previous = super.get(id);
    if (previous) this.unindex(previous);
    else if (this.seeds) this.droppable.push(id);
    super.set(id, fax);
    const list = this.byOwner.get(fax.owner_id) ?? [];
    if (!this.byOwner.has(fax.owner_id)) this.byOwner.set(fax.owner_id, list);
    // After every record that started at the same time or later.
    list.splice(firstBefore(list, start(fax), false), 0, fax);
    while (this.size - (this.seeds?.size ?? 0) > this.limit && this.head < this.droppable.length) {
      this.delete(this.droppable[this.head++] as string);
    }
    if (this.head > 1024 && this.head * 2 > this.droppable.length) {
      this.droppable.splice(0, this.head);
      this.head = 0;
    }
    return this;
  }

  override delete(id: string): boolean {
    const found = super.get(id);
    if (found) this.unindex(found);
    this.seeds?.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byOwner.clear();
    this.seeds?.clear();
    super.clear();
  }

  /** One page of `owner`'s records, newest first. */
  page(owner: string, query: FaxQuery, count = false): FaxPageResult {
    const list = this.byOwner.get(owner) ?? [];
    const records: Fax[] = [];
    let skipped = 0;
    let matched = 0;
    let hasMore = false;
    const from = query.before === null ? 0 : firstBefore(list, query.before, false);
    for (let i = from; i < list.length; i++) {
      const fax = list[i] as Fax;
      if (query.after !== null && !(start(fax) > query.after)) break;
      if (!inCategory(fax, query.category)) continue;
      matched++;
      if (skipped < query.offset) skipped++;
      else if (records.length < query.limit) records.push(fax);
      else {
        hasMore = true;
        if (!count) break;
      }
    }
    return count ? { records, hasMore, count: matched } : { records, hasMore };
  }

  private unindex(fax: Fax): void {
    const list = this.byOwner.get(fax.owner_id);
    if (!list) return;
    let i = list.indexOf(fax, firstBefore(list, start(fax), true));
    if (i < 0) i = list.indexOf(fax);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byOwner.delete(fax.owner_id);
  }
}

/**
 * The index of the first record in `list` (descending by start time) that started before `time`,
 * or (`inclusive`) at or before it.
 */
function firstBefore(list: readonly Fax[], time: string, inclusive: boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const t = start(list[mid] as Fax);
    if (inclusive ? t > time : t >= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

function start(record: Fax): string {
  return record.start_time ?? "";
}

function inCategory(record: Fax, category: string | null): boolean {
  if (category === "inbox") return record.direction === "incoming" && !record.is_spam;
  if (category === "sent") return record.direction === "outgoing";
  if (category === "spam") return record.is_spam === true;
  return true;
}

/** Outbox jobs by ID; `onStore` schedules each job stored (the state's min-heap). */
export class OutboxStore<Job> extends Map<string, Job> {
  constructor(private readonly onStore: (job: Job) => void) {
    super();
  }

  override set(id: string, job: Job): this {
    super.set(id, job);
    // Map's constructor calls no `set` here (no entries given), so onStore is always defined.
    this.onStore(job);
    return this;
  }
}

/** An uploaded file as the store keeps it. */
export interface Sized {
  bytes: Uint8Array;
}

/**
 * Uploaded files by path: at most `maxFiles` files and `maxBytes` bytes together; storing past
 * either drops the files stored longest ago.
 */
export class FileStore<F extends Sized> extends Map<string, F> {
  private bytes = 0;

  constructor(
    readonly maxFiles: number,
    readonly maxBytes: number,
  ) {
    super();
  }

  /** Bytes of all files kept. */
  get totalBytes(): number {
    return this.bytes;
  }

  override set(path: string, file: F): this {
    this.delete(path);
    super.set(path, file);
    this.bytes += file.bytes.byteLength;
    while (this.size > this.maxFiles || (this.bytes > this.maxBytes && this.size > 1)) {
      const oldest = this.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    return this;
  }

  override delete(path: string): boolean {
    const found = super.get(path);
    if (found) this.bytes -= found.bytes.byteLength;
    return super.delete(path);
  }

  override clear(): void {
    this.bytes = 0;
    super.clear();
  }
}

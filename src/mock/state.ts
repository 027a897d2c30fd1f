// The mock's in-memory store: accounts, faxes, outbox jobs, files, numbers and webhooks of one
// mock server, the seed data, and how an outbox job becomes a sent fax over time.
import { createHash, randomUUID } from "node:crypto";
import type { components } from "../../generated/schema.js";
import { isCalendarTime } from "../core/validate.js";
import { MinHeap } from "./min-heap.js";
import { FaxStore, FileStore, OutboxStore } from "./stores.js";

type Schemas = components["schemas"];
export type Account = Schemas["Account"];
export type MemberDetail = Schemas["MemberDetail"];
export type Fax = Schemas["Fax"];
export type Outbox = Schemas["Outbox"];
export type OutboxStatus = Schemas["OutboxStatus"];
export type FaxNumber = Schemas["Number"];
export type Webhook = Schemas["Webhook"];

/** An outbox item plus what the mock needs to deliver it. */
export interface OutboxJob {
  /** What getOutboxFax answers. */
  record: Outbox & { comment: { text: string; tags: string[] } };
  /** Destination -> ID of the sent fax record it becomes (the `ids` of `return_ids`). */
  faxIds: Record<string, string>;
  /** When `record.status` was entered (ms, the server's clock). */
  statusSince: number;
  /** When the job was queued (ms, the server's clock). */
  queuedAt: number;
  /** `send_time` in ms (-Infinity for none); the job waits in `scheduled_for_sending` until then. */
  sendAt: number;
}

/** An uploaded document. */
export interface StoredFile {
  path: string;
  ownerId: string;
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface StateOptions {
  /**
   * Most fax records kept besides the seed data (default 5,000). Past it, the record added longest
   * ago is dropped, as if deleted: a long-running mock's sent faxes do not grow forever.
   */
  maxFaxes?: number;
  /**
   * Most uploaded files kept (default 1,000). Past it, or past `maxFileBytes`, the oldest upload
   * is dropped (how long the API keeps a transient upload is not documented): a send naming it is
   * answered 400 `invalid_file`.
   */
  maxFiles?: number;
  /** Most bytes of uploaded files kept, all together (default 256 MiB); see `maxFiles`. */
  maxFileBytes?: number;
  /**
   * Most jobs the outbox holds at once (default 1,000). Jobs leave it when their faxes are sent (the
   * fax records take their place), as with the API; a send that would exceed it is answered 429.
   */
  maxOutboxJobs?: number;
  /**
   * The shape of listFaxes answers: `"data"` (default) is SDK 3.0.4's `{data: {records}}`, the
   * documented one; `"paged"` is the newer, unconfirmed `{records, count, limit, offset, has_more,
   * next_offset}`. Both page by `limit` (default 50), `offset`, and the `after`/`before` window.
   */
  faxListShape?: "data" | "paged";
  /** Time from `submitted` to a sent fax record, in four equal steps (ms; default 400). */
  deliveryMs?: number;
  /** Number of seeded inbox faxes (default 300, enough for a bulk mark-as-read demo). */
  inboxSize?: number;
  /** `false`: start without faxes, outbox jobs, numbers or webhooks (the two accounts remain). */
  seed?: boolean;
  /** The clock, in ms since the epoch (default `Date.now`). */
  now?: () => number;
  /**
   * Sent fax records keep the job's `comment.tags` (as `comment: {text, tags}`). Default false:
   * whether the real API keeps them is unconfirmed, and its Fax model has a plain-string comment.
   */
  recordsKeepTags?: boolean;
}

/** Stable IDs of the seed data, the same on every mock server. */
export const seeds = {
  /** UID of the corporate admin that `self` means. */
  selfUid: hexId("account:self"),
  /** UID of the one corporate member. */
  memberUid: hexId("account:member"),
  /** The account's fax number, owned by the admin. */
  number: "+16699990000",
  /** A sent fax that failed (resend it with `from_fax`). */
  failedFaxId: hexId("sent:failed"),
  /** A sent fax that succeeded. */
  sentFaxId: hexId("sent:1"),
  /** An incoming fax owned by the member (the admin's bulk updates answer 403 for it). */
  memberFaxId: hexId("inbox:member"),
  /** An outbox job scheduled for 2099, so it stays in `scheduled_for_sending`. */
  scheduledJobId: hexId("outbox:scheduled"),
  /** The i-th seeded inbox fax (0 is the newest). */
  inboxFaxId: (i: number) => hexId(`inbox:${i}`),
} as const;

/** The defaults of the limits of {@link StateOptions}. */
export const defaultStateLimits = {
  maxFaxes: 5_000,
  maxFiles: 1_000,
  maxFileBytes: 256 * 1024 * 1024,
  maxOutboxJobs: 1_000,
} as const;

const NEXT: Record<OutboxStatus, OutboxStatus | "delivered"> = {
  submitted: "converting",
  converting: "scheduled_for_sending",
  scheduled_for_sending: "sending",
  sending: "delivered",
};

export class MockState {
  readonly accounts = new Map<string, Account>();
  readonly memberDetails = new Map<string, MemberDetail>();
  /** Every fax record (inbox, sent and spam of every user), by ID, indexed by owner and time. */
  readonly faxes: FaxStore;
  /** Outbox jobs by ID; each is scheduled for its next status change when stored. */
  readonly outbox: OutboxStore<OutboxJob>;
  /** Uploaded files by path, at most `maxFiles` and `maxFileBytes`. */
  readonly files: FileStore<StoredFile>;
  readonly numbers = new Map<string, FaxNumber>();
  readonly webhooks = new Map<string, Webhook>();
  readonly now: () => number;
  /** Most jobs the outbox holds (sends past it are answered 429). */
  readonly maxOutboxJobs: number;
  readonly faxListShape: "data" | "paged";
  /** Told of each outgoing fax record as it reaches its final status (callbacks.ts). */
  onFaxSent: ((fax: Fax) => void) | undefined;
  private readonly stepMs: number;
  /** Jobs by the time of their next status change: only the due ones are looked at. */
  private readonly schedule = new MinHeap<{ due: number; job: OutboxJob }>();
  private readonly recordsKeepTags: boolean;

  constructor(options: StateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.stepMs = (options.deliveryMs ?? 400) / 4;
    const inboxSize = options.seed === false ? 0 : (options.inboxSize ?? 300);
    this.faxes = new FaxStore(limit(options, "maxFaxes"));
    this.outbox = new OutboxStore((job) => this.reschedule(job));
    this.files = new FileStore(limit(options, "maxFiles"), limit(options, "maxFileBytes"));
    this.maxOutboxJobs = limit(options, "maxOutboxJobs");
    this.faxListShape = options.faxListShape ?? "data";
    this.recordsKeepTags = options.recordsKeepTags ?? false;
    seedAccounts(this);
    if (options.seed !== false) seedData(this, inboxSize);
    this.faxes.seal();
  }

  /** The UID that a path's `user_id` names (`self` is the admin), or undefined if unknown. */
  resolveUser(userId: string): string | undefined {
    if (userId === "self") return seeds.selfUid;
    return this.accounts.has(userId) ? userId : undefined;
  }

  /** Queues a fax; its records appear in the sent list once delivered. */
  addJob(job: Omit<OutboxJob, "statusSince" | "queuedAt">): OutboxJob {
    const now = this.now();
    const queued = { ...job, statusSince: now, queuedAt: now };
    this.outbox.set(job.record.id, queued);
    return queued;
  }

  /** Moves a job to `status` now (tests use it to hold a job in `sending`). */
  setJobStatus(job: OutboxJob, status: OutboxStatus, at = this.now()): void {
    this.changeStatus(job, status, at);
    this.reschedule(job);
  }

  /**
   * Advances the outbox jobs whose next status change is due by now; called before each request.
   * Only due jobs are looked at (a min-heap by due time), so the cost does not grow with the
   * number of jobs waiting.
   */
  advance(now = this.now()): void {
    for (;;) {
      const next = this.schedule.peek();
      // `!(now >= due)`: a due time that is not a number (NaN) is never pushed nor reached.
      if (!next || !(now >= next.due)) return;
      this.schedule.pop();
      const { job } = next;
      // Stale entries (a job deleted, delivered or moved since) are skipped.
      if (this.outbox.get(job.record.id) !== job || this.dueTime(job) !== next.due) continue;
      this.step(job, now);
    }
  }

  /** Moves one job through every status change due by `now`, then schedules its next one. */
  private step(job: OutboxJob, now: number): void {
    for (;;) {
      const due = this.dueTime(job);
      if (!(now >= due)) break;
      const next = NEXT[job.record.status];
      if (next === "delivered") {
        this.deliver(job, due);
        return;
      }
      this.changeStatus(job, next, due);
    }
    this.reschedule(job);
  }

  /** When the job's next status change is due (NaN: never). */
  private dueTime(job: OutboxJob): number {
    const scheduled = job.record.status === "scheduled_for_sending";
    // -Infinity, not 0: a clock before 1970 (`now`) moves jobs too.
    const waitFor = scheduled ? job.sendAt : Number.NEGATIVE_INFINITY;
    return Math.max(job.statusSince + this.stepMs, waitFor);
  }

  private reschedule(job: OutboxJob): void {
    const due = this.dueTime(job);
    if (!Number.isNaN(due)) this.schedule.push(due, { due, job });
  }

  private changeStatus(job: OutboxJob, status: OutboxStatus, at: number): void {
    job.record.status = status;
    job.statusSince = at;
    job.record.last_updated_status_time = formatTime(at);
    job.record.status_changes = [
      ...(job.record.status_changes ?? []),
      { at: formatTime(at), status },
    ];
  }

  /** Replaces a job by one sent fax record per destination, with status `success`. */
  private deliver(job: OutboxJob, at: number): void {
    this.outbox.delete(job.record.id);
    const { record } = job;
    const sources = (record.src ?? "no_number").split(",");
    Object.entries(job.faxIds).forEach(([to, id], i) => {
      this.faxes.set(id, {
        ...faxDefaults(id, record.uid, at),
        direction: "outgoing",
        status: "success",
        from: sources[i % sources.length] ?? "no_number",
        to,
        pages: record.page_count ?? 1,
        comment: this.recordsKeepTags
          ? (structuredClone(record.comment) as unknown as string) // the unconfirmed shape
          : record.comment.text,
        submit_time: formatTime(job.statusSince),
        ...(record.cover_page ? { cover_page: withoutLogo(record.cover_page) } : {}),
      });
      this.onFaxSent?.(this.faxes.get(id)!);
    });
  }
}

/** A limit of the options, or its default; refused unless a whole number of at least 0. */
function limit(options: StateOptions, name: keyof typeof defaultStateLimits): number {
  const value = options[name] ?? defaultStateLimits[name];
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number, at least 0 (got ${String(value)})`);
  }
  return value;
}

/** A 32-hex-digit ID like the API's, stable for a given name. */
export function hexId(name: string): string {
  return createHash("md5").update(name).digest("hex");
}

/** A fresh 32-hex-digit ID. */
export function newId(): string {
  return randomUUID().replaceAll("-", "");
}

/** The API's time format: `YYYY-MM-DD HH:mm:ss`, UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * `YYYY-MM-DD HH:mm:ss +HHMM` (or without the offset: UTC) in ms; NaN unless it names a real
 * moment (`2026-02-30`, second 61 and offset +9999 do not).
 */
export function parseTime(text: string): number {
  if (!isCalendarTime(text)) return Number.NaN;
  const offset = text.length > 19 ? `${text.slice(20, 23)}:${text.slice(23)}` : "Z";
  return Date.parse(`${text.slice(0, 10)}T${text.slice(11, 19)}${offset}`);
}

function withoutLogo(cover: NonNullable<Outbox["cover_page"]>): NonNullable<Fax["cover_page"]> {
  const { include_company_logo: _, ...rest } = cover;
  return rest;
}

export function faxDefaults(id: string, ownerId: string, at: number) {
  return {
    id,
    owner_id: ownerId,
    comment: "",
    cost: 1,
    cost_details: { multiplier: 1, notification_cost: 0 },
    description: "OK",
    duration: 30,
    file: `${id}.tiff`,
    file_name: `fax-${id.slice(0, 8)}`,
    header: null,
    is_read: false,
    is_spam: false,
    last_update: formatTime(at),
    max_retry: 0,
    retry_delay: 0,
    scheduled_time: null,
    start_time: formatTime(at),
    submit_time: null,
  } satisfies Partial<Fax>;
}

const notificationSwitches = {
  low_credit: true,
  new_feature: false,
  receive_fax: true,
  send_fax: true,
  voicemail: false,
};

function account(uid: string, fields: Partial<Account> & Pick<Account, "account_type" | "email">) {
  return {
    uid,
    status: "active",
    creation_date: "2023-01-02 03:04:05",
    member_of: [],
    notifications: {
      settings: {
        email: { ...notificationSwitches, attachments: { receive_fax: true, send_fax: false } },
        push_notifications: notificationSwitches,
        sms: { ...notificationSwitches, receive_fax: false, send_fax: false },
        language: "en",
      },
    },
    settings: { caller_id_name: "Example Corp", send_fax: { retry: { count: 1, delay: 30 } } },
    ...fields,
  } satisfies Account;
}

function seedAccounts(state: MockState): void {
  state.accounts.set(
    seeds.selfUid,
    account(seeds.selfUid, {
      account_type: "corporate_admin",
      email: "admin@example.com",
      name: "Ada",
      lastname: "Admin",
      phone: "+16699990001",
      account_data: { company_name: "Example Corp", default_file_type: "pdf", save_history: true },
    }),
  );
  state.accounts.set(
    seeds.memberUid,
    account(seeds.memberUid, {
      account_type: "corporate_member",
      email: "member@example.com",
      name: "Max",
      lastname: "Member",
      member_of: [seeds.selfUid],
      account_data: { role: "Accountant" },
    }),
  );
  state.memberDetails.set(seeds.memberUid, { quota: 100, role: "Accountant" });
}

function seedData(state: MockState, inboxSize: number): void {
  const base = Date.parse("2024-06-01T12:00:00Z");
  const minute = 60_000;
  state.numbers.set(seeds.number, {
    id: hexId(`number:${seeds.number}`),
    number: seeds.number,
    owner_id: seeds.selfUid,
    assigned_to: [seeds.selfUid],
    status: "active",
    acquired_date: "2023-01-02 03:04:05",
    expiration_date: null,
    is_canceled: false,
    notifications: [{ type: "receive_fax", email: true, push_notification: true }],
  });
  for (let i = 0; i < inboxSize; i++) {
    const id = seeds.inboxFaxId(i);
    state.faxes.set(id, {
      ...faxDefaults(id, seeds.selfUid, base - i * minute),
      direction: "incoming",
      status: "success",
      from: `+1415555${String(1000 + (i % 9000)).padStart(4, "0")}`,
      to: seeds.number,
      pages: 1 + (i % 5),
      is_read: i % 10 === 9,
      cost: 0,
    });
  }
  const sent = (id: string, minutesAgo: number, fields: Partial<Fax>): void => {
    const at = base - minutesAgo * minute;
    state.faxes.set(id, {
      ...faxDefaults(id, seeds.selfUid, at),
      direction: "outgoing",
      status: "success",
      from: seeds.number,
      to: "+14155550100",
      pages: 2,
      submit_time: formatTime(at - minute),
      ...fields,
    });
  };
  sent(seeds.sentFaxId, 30, { comment: "Signed contract" });
  sent(hexId("sent:2"), 90, { to: "+14155550101", comment: "Invoice 42", is_read: true });
  sent(seeds.failedFaxId, 60, {
    to: "+14155550102",
    status: "failed_user_busy",
    description: "User busy",
    comment: "Purchase order",
    cost: 0,
  });
  state.faxes.set(hexId("spam:1"), {
    ...faxDefaults(hexId("spam:1"), seeds.selfUid, base - 45 * minute),
    direction: "incoming",
    status: "success",
    from: "+18005550199",
    to: seeds.number,
    pages: 1,
    is_spam: true,
  });
  state.faxes.set(seeds.memberFaxId, {
    ...faxDefaults(seeds.memberFaxId, seeds.memberUid, base - 15 * minute),
    direction: "incoming",
    status: "success",
    from: "+14155550103",
    to: seeds.number,
    pages: 1,
  });
  const scheduledAt = base - 5 * minute;
  state.outbox.set(seeds.scheduledJobId, {
    record: {
      id: seeds.scheduledJobId,
      uid: seeds.selfUid,
      status: "scheduled_for_sending",
      src: seeds.number,
      to: ["+14155550104"],
      files: ["/transient-5f0c2a9e-3d4b-4c1e-9f2a-7b6c5d4e3f21"],
      page_count: 1,
      comment: { text: "Quarterly report", tags: [] },
      send_time: "2099-01-01 09:00:00 +0000",
      submit_time: `${formatTime(scheduledAt)} +0000`,
      last_updated_status_time: formatTime(scheduledAt),
      status_changes: [{ at: formatTime(scheduledAt), status: "scheduled_for_sending" }],
    },
    faxIds: { "+14155550104": hexId("sent:scheduled") },
    statusSince: scheduledAt,
    queuedAt: scheduledAt,
    sendAt: parseTime("2099-01-01 09:00:00 +0000"),
  });
}

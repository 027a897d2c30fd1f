// The mock's operations. Which operations exist, and each one's method, path and rules, come from
// generated/rules.ts: `createRoutes` makes one route per operation of the spec. Hand-written
// behaviour (`handlers`, keyed by operationId, in the order of the API reference) exists only
// where the mock keeps state; an operation without a handler validates its request by the spec's
// rules and answers 204 when the spec says it has no body, else 501 naming the operation. An
// HttpError thrown anywhere becomes an `{error, description}` answer.
import type { IncomingHttpHeaders } from "node:http";
import type { components } from "../../generated/schema.js";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../core/rules.js";
import { ValidationError } from "../core/errors.js";
import { checkQuery as checkQueryRules, snapshot } from "../core/validate.js";
import { pdfDocument, tiffDocument } from "./documents.js";
import { type Fax, formatTime, type MockState, newId, type OutboxJob, parseTime } from "./state.js";

type Schemas = components["schemas"];

/** listFaxes' page size when the query gives no `limit` (the API's, per the Python SDK's doc). */
const DEFAULT_FAX_PAGE = 50;

/** The operationIds of the generated rules (the constants that are operations). */
type OperationId = {
  [K in keyof typeof rules]: (typeof rules)[K] extends OperationRules ? K : never;
}[keyof typeof rules];

/** An operation of the spec as the mock routes it: its rules and its operationId. */
export interface MockOperation extends OperationRules {
  /** The operationId: the name of the operation's constant in generated/rules.ts. */
  readonly id: string;
}

export interface Context {
  state: MockState;
  /** The operation's rules, from generated/rules.ts. */
  operation: MockOperation;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  /** The raw body, for multipart uploads. */
  raw: Uint8Array;
}

export interface Reply {
  status: number;
  json?: unknown;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  /**
   * What the request log keeps as the request's body instead of its raw bytes (an upload's stored
   * file: the same bytes, kept once).
   */
  recordedBody?: Uint8Array;
}

type Handler = (ctx: Context) => Reply | Promise<Reply>;

export interface Route {
  /** The operation's rules; its `id`, `method` and `path` are the route's. */
  operation: MockOperation;
  handle: Handler;
  /** Whether the mock has hand-written behaviour for it (else the generic answer). */
  handwritten: boolean;
}

/** An error answer: `{error, description}` with the given status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
  }
}

const handlers = {
  // Accounts. The literal `self/member-details` paths come before `/accounts/{user_id}/...`.
  getMemberDetails: (ctx) => {
    return ok(memberDetail(ctx));
  },
  updateMemberDetails: (ctx) => {
    assign(memberDetail(ctx), body<Schemas["MemberDetail"]>(ctx));
    return noContent();
  },
  getAccounts: (ctx) => {
    const members = [...ctx.state.accounts.values()].filter(
      (account) => account.account_type !== "corporate_admin",
    );
    return ok({ members });
  },
  getUser: (ctx) => ok(account(ctx)),
  updateUser: (ctx) => {
    const target = account(ctx);
    if (ctx.body !== undefined) {
      assign(target, body<Schemas["PayloadAccountModification"]>(ctx));
    }
    return noContent();
  },

  // Faxes.
  listFaxes: (ctx) => {
    const uid = user(ctx);
    const { query, state } = ctx;
    const limit = Number(query.get("limit") ?? DEFAULT_FAX_PAGE);
    const offset = Number(query.get("offset") ?? 0);
    const paged = state.faxListShape === "paged";
    const page = state.faxes.page(
      uid,
      {
        category: query.get("category"),
        after: query.get("after"),
        before: query.get("before"),
        offset,
        limit,
      },
      paged,
    );
    if (!paged) return ok({ data: { records: page.records } });
    const next = page.hasMore ? { next_offset: offset + page.records.length } : {};
    return ok({
      count: page.count,
      limit,
      offset,
      records: page.records,
      has_more: page.hasMore,
      ...next,
    });
  },
  bulkUpdateFaxes: (ctx) => {
    const uid = user(ctx);
    const { ids, is_read, comment } = body<Schemas["BulkFaxUpdateRequest"]>(ctx);
    const results = unique(ids).map((id) => {
      const fax = ctx.state.faxes.get(id);
      if (!fax) return { id, code: 404 as const };
      if (fax.owner_id !== uid) return { id, code: 403 as const };
      if (is_read !== undefined) fax.is_read = is_read;
      if (comment !== undefined) fax.comment = comment;
      fax.last_update = formatTime(ctx.state.now());
      return { id, code: 204 as const };
    });
    return ok({ results });
  },
  getFax: (ctx) => ok(fax(ctx)),
  updateFax: (ctx) => {
    const record = fax(ctx);
    const { comment, is_read } = body<Schemas["PayloadFaxModification"]>(ctx);
    Object.assign(record, { comment, is_read, last_update: formatTime(ctx.state.now()) });
    return noContent();
  },
  deleteFax: (ctx) => {
    ctx.state.faxes.delete(fax(ctx).id);
    return noContent();
  },

  // Files.
  uploadFile: async (ctx) => {
    const uid = user(ctx);
    const type = String(ctx.headers["content-type"] ?? "");
    if (!type.startsWith("multipart/form-data")) {
      throw new HttpError(400, "invalid_request", "the body must be multipart/form-data");
    }
    const form = await new Response(ctx.raw as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    })
      .formData()
      .catch(() => {
        throw new HttpError(400, "invalid_request", "the multipart body cannot be parsed");
      });
    const file = form.get("fax_file");
    if (!(file instanceof Blob)) {
      throw new HttpError(400, "invalid_request", "fax_file: is required (a file part)");
    }
    const path = `/transient-${crypto.randomUUID()}`;
    const bytes = new Uint8Array(await file.arrayBuffer());
    ctx.state.files.set(path, {
      path,
      ownerId: uid,
      fileName: file instanceof File ? file.name : "upload",
      mimeType: file.type || "application/octet-stream",
      bytes,
    });
    // The log keeps the stored file, not the request's raw bytes as well: an upload is kept once.
    return { ...ok({ path }), recordedBody: bytes };
  },
  getFile: (ctx) => {
    const record = fax(ctx);
    const accept = String(ctx.headers.accept ?? "");
    const format =
      ctx.query.get("format") ??
      (accept.includes("image/tiff") && !accept.includes("application/pdf") ? "tiff" : "pdf");
    return format === "tiff"
      ? download(tiffDocument(), "image/tiff", `${record.file_name}.tiff`)
      : download(pdfDocument(`Fax ${record.id}`), "application/pdf", `${record.file_name}.pdf`);
  },
  getFaxReport: (ctx) => {
    const record = fax(ctx);
    const text = `Confirmation report: fax ${record.id} to ${record.to}: ${record.status}`;
    return download(pdfDocument(text), "application/pdf", `report-${record.id}.pdf`);
  },

  // Numbers.
  listNumbers: (ctx) => {
    const uid = user(ctx);
    return ok({ numbers: [...ctx.state.numbers.values()].filter((n) => visibleTo(n, uid)) });
  },
  getNumber: (ctx) => ok(number(ctx)),
  updateNumber: (ctx) => {
    const record = number(ctx);
    const { assigned_to } = body<Schemas["PayloadNumberModification"]>(ctx);
    if (record.owner_id !== user(ctx)) {
      throw new HttpError(403, "forbidden", "only the owner of a number can assign it");
    }
    if (!ctx.state.accounts.has(assigned_to)) {
      throw new HttpError(400, "invalid_user_id", `assigned_to: no account ${assigned_to}`);
    }
    if (!record.assigned_to.includes(assigned_to)) record.assigned_to.push(assigned_to);
    return noContent();
  },
  revokeNumber: (ctx) => {
    const record = number(ctx);
    const uid = user(ctx);
    if (record.owner_id === uid) {
      throw new HttpError(403, "forbidden", "a number cannot be revoked from its owner");
    }
    record.assigned_to = record.assigned_to.filter((assignee) => assignee !== uid);
    return noContent();
  },

  // Outbox.
  listOutboxFaxes: (ctx) => {
    const uid = user(ctx);
    // Not paged (the spec has no paging here); bounded by maxOutboxJobs, as jobs leave the
    // outbox once their faxes are sent.
    const records: OutboxJob["record"][] = [];
    for (const job of ctx.state.outbox.values())
      if (job.record.uid === uid) records.push(job.record);
    return ok({ records });
  },
  sendFax: (ctx) => {
    const uid = user(ctx);
    const payload = body<Schemas["PayloadOutbox"]>(ctx);
    const files = payload.files ?? [];
    files.forEach((path, i) => {
      if (!ctx.state.files.has(path)) {
        throw new HttpError(400, "invalid_file", `files[${i}]: no uploaded file ${path}`);
      }
    });
    const source = payload.from_fax && sourceFax(ctx, payload.from_fax);
    if (ctx.state.outbox.size >= ctx.state.maxOutboxJobs) {
      const description =
        `the mock's outbox holds ${ctx.state.maxOutboxJobs} jobs (its maxOutboxJobs); ` +
        "try again once some are sent";
      throw new HttpError(429, "too_many_requests", description);
    }
    // A time that matches the pattern but names no moment (2026-02-30, second 61, +9999).
    const sendAt =
      payload.send_time === undefined ? Number.NEGATIVE_INFINITY : parseTime(payload.send_time);
    if (Number.isNaN(sendAt)) {
      const got = JSON.stringify(payload.send_time);
      throw new HttpError(
        400,
        "invalid_request",
        `send_time: must be a real date and time (got ${got})`,
      );
    }
    const to = unique(payload.to);
    const now = ctx.state.now();
    const record: OutboxJob["record"] = {
      id: newId(),
      uid,
      status: "submitted",
      src: payload.from,
      to,
      files: source ? [...files, source.file ?? source.id] : files,
      page_count: files.length + (source?.pages ?? 0),
      comment: { text: payload.comment?.text ?? "", tags: payload.comment?.tags ?? [] },
      should_enhance: payload.options?.enhancement ?? true,
      submit_time: `${formatTime(now)} +0000`,
      last_updated_status_time: formatTime(now),
      status_changes: [{ at: formatTime(now), status: "submitted" }],
      ...(payload.options ? { options: payload.options } : {}),
      ...(payload.options?.retry ? { retry: payload.options.retry } : {}),
      ...(payload.send_time ? { send_time: payload.send_time } : {}),
      ...(payload.cover_page ? { cover_page: payload.cover_page } : {}),
    };
    const faxIds = Object.fromEntries(to.map((destination) => [destination, newId()]));
    ctx.state.addJob({ record, faxIds, sendAt });
    return ok(payload.return_ids ? { ids: faxIds } : {}, 201);
  },
  bulkUpdateOutboxFaxes: (ctx) => {
    const uid = user(ctx);
    const { ids, comment } = body<Schemas["BulkOutboxUpdateRequest"]>(ctx);
    const results = unique(ids).map((id) => {
      const job = ctx.state.outbox.get(id);
      if (!job) return { id, code: 404 as const };
      if (job.record.uid !== uid) return { id, code: 403 as const };
      if (job.record.status === "sending") return { id, code: 409 as const };
      job.record.comment.text = comment;
      return { id, code: 204 as const };
    });
    return ok({ results });
  },
  getOutboxFax: (ctx) => {
    return ok(job(ctx).record);
  },
  updateOutboxFax: (ctx) => {
    const target = notSending(job(ctx));
    const { comment } = body<Schemas["PayloadOutboxModification"]>(ctx);
    if (comment !== undefined) target.record.comment.text = comment;
    return noContent();
  },
  deleteOutboxFax: (ctx) => {
    ctx.state.outbox.delete(notSending(job(ctx)).record.id);
    return noContent();
  },

  // Webhooks.
  getWebhooks: (ctx) => {
    const event = ctx.query.get("event");
    return ok({ data: [...ctx.state.webhooks.values()].filter((hook) => hook.event === event) });
  },
  createWebhook: (ctx) => {
    const { target, event } = body<Schemas["Webhook"]>(ctx);
    const id = newId();
    ctx.state.webhooks.set(id, { id, target, event });
    return ok({ id }, 201);
  },
  deleteWebhook: (ctx) => {
    const id = param(ctx, "hook_id");
    if (!ctx.state.webhooks.delete(id)) throw notFound("webhook", id);
    return noContent();
  },
} satisfies { readonly [K in OperationId]?: Handler };

/** The operations of generated/rules.ts, each with its constant's name as its `id`. */
export const operations: readonly MockOperation[] = Object.entries(rules as Record<string, object>)
  .filter((entry): entry is [string, OperationRules] => "method" in entry[1] && "path" in entry[1])
  .map(([id, operation]) => ({ ...operation, id }));

/**
 * One route per operation: its handler, or the generic answer of an operation the mock keeps no
 * state for. Sorted so that a literal segment wins over a parameter in the same place
 * (`/accounts/self/member-details/{id}` before `/accounts/{user_id}/faxes/{fax_id}`).
 */
export function createRoutes(from: readonly MockOperation[] = operations): Route[] {
  return from
    .map((operation) => {
      const handler = (handlers as Partial<Record<string, Handler>>)[operation.id];
      return { operation, handle: handler ?? generic, handwritten: handler !== undefined };
    })
    .sort((a, b) => bySpecificity(a.operation.path, b.operation.path));
}

/** Literal segments before parameters, segment by segment; otherwise the spec's order. */
function bySpecificity(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const px = x[i]?.startsWith("{") ?? false;
    const py = y[i]?.startsWith("{") ?? false;
    if (px !== py) return px ? 1 : -1;
  }
  return 0;
}

/**
 * An operation without a handler: its query and body checked by the spec's rules, then 204 when
 * the spec says the answer is empty, else 501 naming the operation (the mock cannot make up the
 * records of an operation it keeps no state for).
 */
function generic(ctx: Context): Reply {
  const { operation } = ctx;
  const json = operation.body && operation.bodyType !== "multipart";
  if (json && (ctx.body !== undefined || operation.bodyRequired)) body(ctx);
  if (operation.response === "empty") return noContent();
  const description =
    `the mock does not implement ${operation.id} (${operation.method.toUpperCase()} ` +
    `${operation.path}) yet: it is in the spec, but the mock keeps no state for it`;
  return { status: 501, json: errorBody("not_implemented", description) };
}

export type RouteMatch =
  | { status: 200; route: Route; params: Record<string, string> }
  | { status: 404 }
  | { status: 405; allow: string };

/** Finds the route of a request: method and path (relative to the base URL) to operation. */
export class Router {
  private readonly routes: { route: Route; method: string; template: string[] }[];

  constructor(routes: readonly Route[] = createRoutes()) {
    this.routes = routes.map((route) => ({
      route,
      method: route.operation.method.toUpperCase(),
      template: route.operation.path.split("/"),
    }));
  }

  /** The route for a method and a path relative to the base URL, with its decoded parameters. */
  match(method: string, path: string): RouteMatch {
    const segments = path.split("/");
    const allowed: string[] = [];
    for (const candidate of this.routes) {
      const params = matchPath(candidate.template, segments);
      if (!params) continue;
      if (candidate.method === method) return { status: 200, route: candidate.route, params };
      if (!allowed.includes(candidate.method)) allowed.push(candidate.method);
    }
    if (allowed.length === 0) return { status: 404 };
    allowed.sort((a, b) => methodOrder(a) - methodOrder(b));
    return { status: 405, allow: allowed.join(", ") };
  }
}

/** Where a method goes in an `Allow` header: reads first, then writes, then the rest. */
function methodOrder(method: string): number {
  const i = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].indexOf(method);
  return i < 0 ? 99 : i;
}

function matchPath(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i] ?? "";
    if (part.startsWith("{")) {
      const value = decode(segment);
      if (!value) return undefined;
      params[part.slice(1, -1)] = value;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

/** The decoded segment, or undefined when it is malformed (`%E0%A4%A`). */
function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** An `{error, description}` body, the API's shape of an error. */
export function errorBody(error: string, description: string) {
  return { error, description };
}

// Replies.

function ok(json: unknown, status = 200): Reply {
  return { status, json };
}

function noContent(): Reply {
  return { status: 204 };
}

function download(bytes: Uint8Array, type: string, fileName: string): Reply {
  return {
    status: 200,
    bytes,
    headers: { "content-type": type, "content-disposition": `attachment; filename="${fileName}"` },
  };
}

function notFound(kind: string, id: string): HttpError {
  return new HttpError(404, `${kind}_not_found`, `no ${kind.replace("_", " ")} ${id}`);
}

// Validation with the spec's rules (generated/rules.ts), as the SDK does before sending.

/**
 * The JSON body, checked against the operation's rules (400 when it breaks one), as the
 * validator's snapshot: plain JSON whose `__proto__` keys, if a rule lets one through, are data.
 */
function body<T>(ctx: Context): T {
  if (ctx.body === undefined)
    throw new HttpError(400, "invalid_request", "a JSON body is required");
  const schema = ctx.operation.body;
  return (schema ? asHttpError(() => snapshot(schema, ctx.body, "")) : ctx.body) as T;
}

/**
 * Checks the query with the SDK's own rule (validate.ts), after typing the URL's strings. Every
 * route runs it before its handler; parameters the spec does not declare are ignored.
 */
export function checkQuery(ctx: Context): void {
  const { params } = ctx.operation;
  const query: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(params)) {
    const text = key.startsWith("query.") ? ctx.query.get(key.slice("query.".length)) : null;
    if (text === null) continue;
    const isNumber = schema.type === "integer" || schema.type === "number";
    query[key.slice("query.".length)] = isNumber && text.trim() !== "" ? Number(text) : text;
  }
  asHttpError(() => checkQueryRules(params, query));
}

/** A ValidationError becomes the API's 400 `invalid_request` answer. */
function asHttpError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError)
      throw new HttpError(400, "invalid_request", error.message);
    throw error;
  }
}

// Lookups: each answers 404 (or 403 for another user's record) by throwing.

function param(ctx: Context, name: string): string {
  return ctx.params[name] ?? "";
}

function user(ctx: Context): string {
  const uid = ctx.state.resolveUser(param(ctx, "user_id"));
  if (!uid) throw notFound("user", param(ctx, "user_id"));
  return uid;
}

function account(ctx: Context) {
  const found = ctx.state.accounts.get(user(ctx));
  if (!found) throw notFound("user", param(ctx, "user_id"));
  return found;
}

function memberDetail(ctx: Context) {
  const id = param(ctx, "member_user_id");
  const found = ctx.state.memberDetails.get(id);
  if (!found) throw notFound("member", id);
  return found;
}

function owned<T>(
  found: T | undefined,
  ownerId: string | undefined,
  uid: string,
  kind: string,
  id: string,
): T {
  if (!found) throw notFound(kind, id);
  if (ownerId !== uid)
    throw new HttpError(
      403,
      "forbidden",
      `${kind.replace("_", " ")} ${id} belongs to another user`,
    );
  return found;
}

/** The fax named by `fax_id`: a fax record ID or its `file` (ID plus extension). */
function fax(ctx: Context): Fax {
  const id = param(ctx, "fax_id");
  const found = ctx.state.faxes.get(id) ?? ctx.state.faxes.get(withoutExtension(id));
  return owned(found, found?.owner_id, user(ctx), "fax", id);
}

function job(ctx: Context): OutboxJob {
  const id = param(ctx, "outbox_fax_id");
  const found = ctx.state.outbox.get(id);
  return owned(found, found?.record.uid, user(ctx), "outbox_fax", id);
}

function notSending(target: OutboxJob): OutboxJob {
  if (target.record.status === "sending") {
    throw new HttpError(409, "conflict", `outbox fax ${target.record.id} is being sent`);
  }
  return target;
}

function number(ctx: Context) {
  const value = param(ctx, "number");
  const found = ctx.state.numbers.get(value);
  if (!found || !visibleTo(found, user(ctx))) throw notFound("number", value);
  return found;
}

function visibleTo(record: Schemas["Number"], uid: string): boolean {
  return record.owner_id === uid || record.assigned_to.includes(uid);
}

/** The fax a `from_fax` reference names; 404 when its owner has no such fax. */
function sourceFax(ctx: Context, ref: { fax_id: string; user_id?: string }): Fax {
  const owner = ctx.state.resolveUser(ref.user_id ?? "self");
  if (!owner) throw notFound("user", ref.user_id ?? "self");
  const found = ctx.state.faxes.get(ref.fax_id);
  if (!found || found.owner_id !== owner) {
    throw new HttpError(
      404,
      "fax_not_found",
      `from_fax: user ${ref.user_id ?? "self"} has no fax ${ref.fax_id}`,
    );
  }
  return found;
}

// Small helpers.

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** A fax `file` without its `.tiff` or `.pdf`. */
function withoutExtension(id: string): string {
  for (const extension of [".tiff", ".pdf"]) {
    if (id.endsWith(extension)) return id.slice(0, -extension.length);
  }
  return id;
}

/** Sets each field of a checked body on `target`; a `__proto__` field is data, not a prototype. */
function assign(target: object, fields: object): void {
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

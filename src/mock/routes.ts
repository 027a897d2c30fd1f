// The mock's operations: one handler per operationId of generated/openapi.yaml, with the path and
// method of the spec, in the order of the API reference (accounts, faxes, files, numbers, outbox,
// webhooks). Handlers validate with the spec's own rules, read and change the MockState, and
// return a Reply; an HttpError thrown anywhere becomes an `{error, description}` answer.
import type { IncomingHttpHeaders } from "node:http";
import type { components } from "../../generated/schema.js";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../core/rules.js";
import { ValidationError } from "../core/errors.js";
import { checkQuery as checkQueryRules, snapshot } from "../core/validate.js";
import { pdfDocument, tiffDocument } from "./documents.js";
import { type Fax, formatTime, type MockState, newId, type OutboxJob, parseTime } from "./state.js";

type Schemas = components["schemas"];

export interface Context {
  state: MockState;
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
}

export interface Route {
  operationId: string;
  method: string;
  /** The spec's path template, relative to the base URL. */
  path: string;
  handle(ctx: Context): Reply | Promise<Reply>;
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

export const routes: readonly Route[] = [
  // Accounts. The literal `self/member-details` paths come before `/accounts/{user_id}/...`.
  route("getMemberDetails", "GET", "/accounts/self/member-details/{member_user_id}", (ctx) => {
    return ok(memberDetail(ctx));
  }),
  route("updateMemberDetails", "PUT", "/accounts/self/member-details/{member_user_id}", (ctx) => {
    assign(memberDetail(ctx), body<Schemas["MemberDetail"]>(ctx, "updateMemberDetails"));
    return noContent();
  }),
  route("getAccounts", "GET", "/accounts", (ctx) => {
    const members = [...ctx.state.accounts.values()].filter(
      (account) => account.account_type !== "corporate_admin",
    );
    return ok({ members });
  }),
  route("getUser", "GET", "/accounts/{user_id}", (ctx) => ok(account(ctx))),
  route("updateUser", "PUT", "/accounts/{user_id}", (ctx) => {
    const target = account(ctx);
    if (ctx.body !== undefined) {
      assign(target, body<Schemas["PayloadAccountModification"]>(ctx, "updateUser"));
    }
    return noContent();
  }),

  // Faxes.
  route("listFaxes", "GET", "/accounts/{user_id}/faxes", (ctx) => {
    checkQuery(ctx, "listFaxes");
    const uid = user(ctx);
    const { query } = ctx;
    const category = query.get("category");
    const after = query.get("after");
    const before = query.get("before");
    const offset = Number(query.get("offset") ?? 0);
    const limit = Number(query.get("limit") ?? 50);
    const records = [...ctx.state.faxes.values()]
      .filter((fax) => fax.owner_id === uid && inCategory(fax, category))
      .filter(
        (fax) => (after === null || start(fax) > after) && (before === null || start(fax) < before),
      )
      .sort((a, b) => start(b).localeCompare(start(a)))
      .slice(offset, offset + limit);
    return ok({ data: { records } });
  }),
  route("bulkUpdateFaxes", "PUT", "/accounts/{user_id}/faxes", (ctx) => {
    const uid = user(ctx);
    const { ids, is_read, comment } = body<Schemas["BulkFaxUpdateRequest"]>(ctx, "bulkUpdateFaxes");
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
  }),
  route("getFax", "GET", "/accounts/{user_id}/faxes/{fax_id}", (ctx) => ok(fax(ctx))),
  route("updateFax", "PUT", "/accounts/{user_id}/faxes/{fax_id}", (ctx) => {
    const record = fax(ctx);
    const { comment, is_read } = body<Schemas["PayloadFaxModification"]>(ctx, "updateFax");
    Object.assign(record, { comment, is_read, last_update: formatTime(ctx.state.now()) });
    return noContent();
  }),
  route("deleteFax", "DELETE", "/accounts/{user_id}/faxes/{fax_id}", (ctx) => {
    ctx.state.faxes.delete(fax(ctx).id);
    return noContent();
  }),

  // Files.
  route("uploadFile", "POST", "/accounts/{user_id}/files", async (ctx) => {
    checkQuery(ctx, "uploadFile");
    const uid = user(ctx);
    const type = String(ctx.headers["content-type"] ?? "");
    if (!type.startsWith("multipart/form-data")) {
      throw new HttpError(400, "invalid_request", "the body must be multipart/form-data");
    }
    const form = await new Response(new Uint8Array(ctx.raw), { headers: { "content-type": type } })
      .formData()
      .catch(() => {
        throw new HttpError(400, "invalid_request", "the multipart body cannot be parsed");
      });
    const file = form.get("fax_file");
    if (!(file instanceof Blob)) {
      throw new HttpError(400, "invalid_request", "fax_file: is required (a file part)");
    }
    const path = `/transient-${crypto.randomUUID()}`;
    ctx.state.files.set(path, {
      path,
      ownerId: uid,
      fileName: file instanceof File ? file.name : "upload",
      mimeType: file.type || "application/octet-stream",
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    return ok({ path });
  }),
  route("getFile", "GET", "/accounts/{user_id}/files/{fax_id}", (ctx) => {
    checkQuery(ctx, "getFile");
    const record = fax(ctx);
    const accept = String(ctx.headers.accept ?? "");
    const format =
      ctx.query.get("format") ??
      (accept.includes("image/tiff") && !accept.includes("application/pdf") ? "tiff" : "pdf");
    return format === "tiff"
      ? download(tiffDocument(), "image/tiff", `${record.file_name}.tiff`)
      : download(pdfDocument(`Fax ${record.id}`), "application/pdf", `${record.file_name}.pdf`);
  }),
  route("getFaxReport", "GET", "/accounts/{user_id}/report/{fax_id}", (ctx) => {
    const record = fax(ctx);
    const text = `Confirmation report: fax ${record.id} to ${record.to}: ${record.status}`;
    return download(pdfDocument(text), "application/pdf", `report-${record.id}.pdf`);
  }),

  // Numbers.
  route("listNumbers", "GET", "/accounts/{user_id}/numbers", (ctx) => {
    const uid = user(ctx);
    return ok({ numbers: [...ctx.state.numbers.values()].filter((n) => visibleTo(n, uid)) });
  }),
  route("getNumber", "GET", "/accounts/{user_id}/numbers/{number}", (ctx) => ok(number(ctx))),
  route("updateNumber", "PUT", "/accounts/{user_id}/numbers/{number}", (ctx) => {
    const record = number(ctx);
    const { assigned_to } = body<Schemas["PayloadNumberModification"]>(ctx, "updateNumber");
    if (record.owner_id !== user(ctx)) {
      throw new HttpError(403, "forbidden", "only the owner of a number can assign it");
    }
    if (!ctx.state.accounts.has(assigned_to)) {
      throw new HttpError(400, "invalid_user_id", `assigned_to: no account ${assigned_to}`);
    }
    if (!record.assigned_to.includes(assigned_to)) record.assigned_to.push(assigned_to);
    return noContent();
  }),
  route("revokeNumber", "DELETE", "/accounts/{user_id}/numbers/{number}", (ctx) => {
    const record = number(ctx);
    const uid = user(ctx);
    if (record.owner_id === uid) {
      throw new HttpError(403, "forbidden", "a number cannot be revoked from its owner");
    }
    record.assigned_to = record.assigned_to.filter((assignee) => assignee !== uid);
    return noContent();
  }),

  // Outbox.
  route("listOutboxFaxes", "GET", "/accounts/{user_id}/outbox", (ctx) => {
    const uid = user(ctx);
    const jobs = [...ctx.state.outbox.values()].filter((job) => job.record.uid === uid);
    return ok({ records: jobs.map((job) => job.record) });
  }),
  route("sendFax", "POST", "/accounts/{user_id}/outbox", (ctx) => {
    const uid = user(ctx);
    const payload = body<Schemas["PayloadOutbox"]>(ctx, "sendFax");
    const files = payload.files ?? [];
    files.forEach((path, i) => {
      if (!ctx.state.files.has(path)) {
        throw new HttpError(400, "invalid_file", `files[${i}]: no uploaded file ${path}`);
      }
    });
    const source = payload.from_fax && sourceFax(ctx, payload.from_fax);
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
  }),
  route("bulkUpdateOutboxFaxes", "PUT", "/accounts/{user_id}/outbox", (ctx) => {
    const uid = user(ctx);
    const { ids, comment } = body<Schemas["BulkOutboxUpdateRequest"]>(ctx, "bulkUpdateOutboxFaxes");
    const results = unique(ids).map((id) => {
      const job = ctx.state.outbox.get(id);
      if (!job) return { id, code: 404 as const };
      if (job.record.uid !== uid) return { id, code: 403 as const };
      if (job.record.status === "sending") return { id, code: 409 as const };
      job.record.comment.text = comment;
      return { id, code: 204 as const };
    });
    return ok({ results });
  }),
  route("getOutboxFax", "GET", "/accounts/{user_id}/outbox/{outbox_fax_id}", (ctx) => {
    return ok(job(ctx).record);
  }),
  route("updateOutboxFax", "PUT", "/accounts/{user_id}/outbox/{outbox_fax_id}", (ctx) => {
    const target = notSending(job(ctx));
    const { comment } = body<Schemas["PayloadOutboxModification"]>(ctx, "updateOutboxFax");
    if (comment !== undefined) target.record.comment.text = comment;
    return noContent();
  }),
  route("deleteOutboxFax", "DELETE", "/accounts/{user_id}/outbox/{outbox_fax_id}", (ctx) => {
    ctx.state.outbox.delete(notSending(job(ctx)).record.id);
    return noContent();
  }),

  // Webhooks.
  route("getWebhooks", "GET", "/hooks", (ctx) => {
    checkQuery(ctx, "getWebhooks");
    const event = ctx.query.get("event");
    return ok({ data: [...ctx.state.webhooks.values()].filter((hook) => hook.event === event) });
  }),
  route("createWebhook", "POST", "/hooks", (ctx) => {
    const { target, event } = body<Schemas["Webhook"]>(ctx, "createWebhook");
    const id = newId();
    ctx.state.webhooks.set(id, { id, target, event });
    return ok({ id }, 201);
  }),
  route("deleteWebhook", "DELETE", "/hooks/{hook_id}", (ctx) => {
    const id = param(ctx, "hook_id");
    if (!ctx.state.webhooks.delete(id)) throw notFound("webhook", id);
    return noContent();
  }),
];

export type RouteMatch =
  | { status: 200; route: Route; params: Record<string, string> }
  | { status: 404 }
  | { status: 405; allow: string };

/** The route for a method and a path relative to the base URL, with its decoded parameters. */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split("/");
  const allowed: string[] = [];
  for (const candidate of routes) {
    const params = matchPath(candidate.path.split("/"), segments);
    if (!params) continue;
    if (candidate.method === method) return { status: 200, route: candidate, params };
    allowed.push(candidate.method);
  }
  return allowed.length ? { status: 405, allow: allowed.join(", ") } : { status: 404 };
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

function route(operationId: string, method: string, path: string, handle: Route["handle"]): Route {
  return { operationId, method, path, handle };
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

/** The rules of every operation, by operationId. */
const operationRules = new Map<string, OperationRules>(
  Object.values(rules as Record<string, object>)
    .filter((value): value is OperationRules => "method" in value && "path" in value)
    .map((operation) => [operation.id, operation]),
);

/**
 * The JSON body, checked against the operation's rules (400 when it breaks one), as the
 * validator's snapshot: plain JSON whose `__proto__` keys, if a rule lets one through, are data.
 */
function body<T>(ctx: Context, operationId: string): T {
  if (ctx.body === undefined)
    throw new HttpError(400, "invalid_request", "a JSON body is required");
  const schema = operationRules.get(operationId)?.body;
  return (schema ? asHttpError(() => snapshot(schema, ctx.body, "")) : ctx.body) as T;
}

/** Checks the query with the SDK's own rule (validate.ts), after typing the URL's strings. */
function checkQuery(ctx: Context, operationId: string): void {
  const operation = operationRules.get(operationId);
  if (!operation) return;
  const query: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(operation.params)) {
    const text = key.startsWith("query.") ? ctx.query.get(key.slice("query.".length)) : null;
    if (text === null) continue;
    const isNumber = schema.type === "integer" || schema.type === "number";
    query[key.slice("query.".length)] = isNumber && text.trim() !== "" ? Number(text) : text;
  }
  asHttpError(() => checkQueryRules(operation.params, query));
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

function inCategory(record: Fax, category: string | null): boolean {
  if (category === "inbox") return record.direction === "incoming" && !record.is_spam;
  if (category === "sent") return record.direction === "outgoing";
  if (category === "spam") return record.is_spam === true;
  return true;
}

function start(record: Fax): string {
  return record.start_time ?? "";
}

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

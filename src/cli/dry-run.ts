// --dry-run: the command runs the SDK exactly as for real, with a transport (the `fetch` option)
// that sends nothing which changes anything. The SDK's own validation therefore runs unchanged
// before any request, and what is printed is what the SDK built. Reads (GET) go out as usual
// (resend reads the original fax); every other request is recorded and answered locally as a
// success, so that later steps (the send after the uploads, the next bulk batch) run and show too.
import type { components, FetchLike } from "../index.js";
import type { Output } from "./output.js";

type Schemas = components["schemas"];

/** A request as the command would send it. */
export interface PlannedRequest {
  method: string;
  url: string;
  /** A read, sent for real. */
  sent: boolean;
  /** The JSON body, or for a multipart upload each part as `{ name, type, size }`. */
  body?: unknown;
}

export class DryRun {
  readonly requests: PlannedRequest[] = [];

  readonly fetch: FetchLike = async (request) => {
    const { method, url } = request;
    if (method === "GET" || method === "HEAD") {
      this.requests.push({ method, url, sent: true });
      return globalThis.fetch(request);
    }
    const body = await readBody(request);
    this.requests.push({ method, url, sent: false, ...(body === undefined ? {} : { body }) });
    return answer(method, new URL(url).pathname, body);
  };

  /** The requests that were not sent. */
  get withheld(): PlannedRequest[] {
    return this.requests.filter((request) => !request.sent);
  }
}

async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const parts: Record<string, unknown> = {};
    for (const [name, value] of await request.formData()) {
      parts[name] =
        typeof value === "string"
          ? value
          : { name: value.name, type: value.type, size: value.size };
    }
    return parts;
  }
  const text = await request.text();
  if (text === "") return undefined;
  return type.includes("json") ? (JSON.parse(text) as unknown) : text;
}

/** The success answer the SDK expects for a request it will not get a real answer to. */
function answer(method: string, path: string, body: unknown): Response {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  if (method === "POST" && path.endsWith("/files")) {
    const file = fields["fax_file"] as { name?: string } | undefined;
    const uploaded: Schemas["FilePath"] = { path: `<upload of ${file?.name ?? "a file"}>` };
    return Response.json(uploaded);
  }
  if (method === "POST" && path.endsWith("/outbox")) {
    const to = Array.isArray(fields["to"]) ? (fields["to"] as string[]) : [];
    const sent: Schemas["SendFaxResponse"] = {
      ids: Object.fromEntries(to.map((number) => [number, "<fax id>"])),
    };
    return Response.json(sent, { status: 201 });
  }
  if (method === "POST" && path.endsWith("/hooks")) {
    const created: Schemas["WebhookId"] = { id: "<webhook id>" };
    return Response.json(created, { status: 201 });
  }
  if (method === "PUT" && Array.isArray(fields["ids"])) {
    const results: Schemas["BulkOperationResultFax"]["results"] = (fields["ids"] as string[]).map(
      (id) => ({ id, code: 204 }),
    );
    return Response.json({ results });
  }
  return new Response(null, { status: 204 });
}

/** Prints what a dry run would have sent (JSON with --json); exit code 0. */
export function printPlan(ctx: { out: Output; json: boolean }, dryRun: DryRun): number {
  const { out } = ctx;
  if (ctx.json) {
    out.json({ dryRun: true, requests: dryRun.requests });
    return 0;
  }
  const count = dryRun.withheld.length;
  out.print(out.paint("bold", `Dry run: ${count} request${count === 1 ? "" : "s"} not sent:`));
  for (const request of dryRun.requests) {
    const read = request.sent ? out.paint("dim", "  (a read, sent)") : "";
    out.print(`${request.method} ${request.url}${read}`);
    if (request.body !== undefined) out.print(`  ${JSON.stringify(request.body)}`);
  }
  return 0;
}

// Valid inputs are sent intact: parameters generated from the spec's own rules (generated/rules.ts:
// limits, enums, patterns, required fields) for every operation, and what the real local server
// received compared with what was passed: path, query and body.
import { idsFor, withoutKeyTag } from "../support/send-key.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../../generated/rules.js";
import { FaxPlus } from "../../src/index.js";
import type { SendFaxInput } from "../../src/index.js";
import { binary, type Json, type SchemaRules } from "../../src/core/validate.js";
import { parseMultipart, type SeenRequest } from "../support/server.js";
import { canonical, recorder, runs, text, valid, type Recorder } from "./generators.js";

let rec: Recorder;
let fax: FaxPlus;
/** Answers each request as its operation would: JSON, no content, or bytes. */
function answer(request: SeenRequest) {
  const ids = (request.json as { ids?: unknown } | undefined)?.ids;
  if (request.method === "PUT" && Array.isArray(ids)) {
    return { json: { results: ids.map((id: unknown) => ({ id, code: 204 })) } };
  }
  if (request.method === "DELETE" || request.method === "PUT") return { status: 204 };
  return { json: { ids: idsFor(request.json), path: "/uploaded" } };
}
beforeAll(async () => {
  rec = await recorder(answer);
  fax = new FaxPlus({ token: "test-token", baseUrl: rec.server.baseUrl, maxRetries: 0 });
});
afterAll(() => rec.server.close());

/** Every operation of the spec, from generated/rules.ts, with its operationId (its name there). */
const operations = (Object.entries(rules) as [string, unknown][])
  .filter(
    (entry): entry is [string, OperationRules] =>
      typeof (entry[1] as Partial<OperationRules>).method === "string",
  )
  .map(([id, operation]) => ({ ...operation, id }));

/** The checker of a file part (format `binary`), to recognise one in a multipart body's rules. */
const FILE_PART = binary().check;

/** A path parameter: the spec says string; the SDK also refuses "", "." and "..". */
const pathValue = text(1, 10).filter((value) => value !== "." && value !== "..");

/** Parameters of one operation: path, query, and body fields (a Blob for a file part). */
interface Generated {
  operation: OperationRules & { id: string };
  path: Record<string, string>;
  query: Record<string, Json>;
  body: Record<string, unknown> | undefined;
}

function parametersOf(operation: OperationRules & { id: string }): fc.Arbitrary<Generated> {
  const path: Record<string, fc.Arbitrary<string>> = {};
  const query: Record<string, fc.Arbitrary<Json>> = {};
  const requiredQuery: string[] = [];
  for (const [name, rule] of Object.entries(operation.params)) {
    const key = name.slice(name.indexOf(".") + 1);
    if (name.startsWith("path.")) path[key] = pathValue;
    else if (name.startsWith("query.")) {
      query[key] = valid(rule);
      if (rule.required === true) requiredQuery.push(key);
    }
  }
  const body = operation.body;
  return fc.record({
    operation: fc.constant(operation),
    path: fc.record(path),
    query: fc.record(query, { requiredKeys: requiredQuery }) as fc.Arbitrary<Record<string, Json>>,
    body:
      body === undefined
        ? fc.constant(undefined)
        : operation.bodyType === "multipart"
          ? multipart(body)
          : (valid(body) as fc.Arbitrary<Record<string, unknown>>),
  });
}

/** A multipart body: its file parts as Blobs of random bytes. */
function multipart(rule: SchemaRules): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(rule.properties ?? {})) {
    parts[key] =
      sub.check === FILE_PART
        ? fc.uint8Array({ maxLength: 64 }).map((data) => new Blob([data]))
        : valid(sub);
  }
  return fc.record(parts, { requiredKeys: Array.isArray(rule.required) ? rule.required : [] });
}

/** The received path's parameters, decoded, by the template's names. */
function pathParams(template: string, url: string): Record<string, string> {
  const names = template.split("/");
  const values = url.split("?")[0]?.replace(/^\/v3/, "").split("/") ?? [];
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const match = /^\{(.+)\}$/.exec(name);
    if (match?.[1]) out[match[1]] = decodeURIComponent(values[i] ?? "");
  });
  return out;
}

describe("every operation of the spec", () => {
  it(`sends its path, query and body as given (${operations.length} operations)`, async () => {
    expect(operations.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations).chain(parametersOf),
        async ({ operation, path, query, body }) => {
          rec.reset();
          const call = (
            fax.operations as unknown as Record<string, (p: unknown) => Promise<unknown>>
          )[operation.id];
          await call?.({ ...path, ...query, ...body });
          expect(rec.server.requests).toHaveLength(1);
          const [seen] = rec.server.requests as [SeenRequest];
          expect(seen.method).toBe(operation.method);
          // user_id defaults to the client's userId ("self").
          const expectedPath =
            "user_id" in path || !operation.path.includes("{user_id}")
              ? path
              : { ...path, user_id: "self" };
          expect(pathParams(operation.path, seen.url)).toEqual(expectedPath);
          const received = Object.fromEntries(new URL(seen.url, "http://x").searchParams);
          expect(received).toEqual(
            Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])),
          );
          if (operation.bodyType === "multipart") {
            const parts = parseMultipart(seen);
            for (const [name, value] of Object.entries(body ?? {})) {
              const part = parts.find((p) => p.name === name);
              const expected = Buffer.from(await (value as Blob).arrayBuffer());
              expect(part?.data.equals(expected)).toBe(true);
            }
          } else if (body !== undefined && Object.keys(body).length) {
            expect(canonical(seen.json)).toBe(canonical(body));
          }
        },
      ),
      runs(100),
    );
  });
});

describe("workflows", () => {
  it("send: the payload as given, return_ids defaulting to true", async () => {
    await fc.assert(
      fc.asyncProperty(valid(rules.sendFax.body), async (payload) => {
        rec.reset();
        await fax.send(payload as unknown as SendFaxInput);
        expect(rec.server.requests.map((r) => canonical(r.json))).toEqual([
          canonical(withoutKeyTag({ return_ids: true, ...(payload as object) })),
        ]);
      }),
      runs(50),
    );
  });

  it("bulk updates: every unique ID once, in batches of the spec's maximum, changes intact", async () => {
    const ids = rules.bulkUpdateFaxes.body.properties.ids;
    const comment = rules.bulkUpdateFaxes.body.properties.comment;
    const id = text(ids.items.minLength, ids.items.maxLength);
    await fc.assert(
      fc.asyncProperty(
        // Few distinct IDs repeated, or many: duplicates and several batches.
        fc.oneof(
          fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 10 }),
          fc.array(id, { minLength: 1, maxLength: 3 * ids.maxItems }),
        ),
        fc
          .record(
            { is_read: fc.boolean(), comment: text(0, comment.maxLength) },
            { requiredKeys: [] },
          )
          .filter((changes) => Object.keys(changes).length > 0),
        fc.integer({ min: 1, max: 4 }),
        async (list, changes, concurrency) => {
          rec.reset();
          const result = await fax.updateFaxesInBatches(list, changes, { concurrency });
          const unique = [...new Set(list)];
          expect(result.updated).toEqual(unique);
          const bodies = rec.server.requests.map((r) => r.json as Record<string, unknown>);
          expect(bodies.every((b) => (b["ids"] as string[]).length <= ids.maxItems)).toBe(true);
          expect(bodies.flatMap((b) => b["ids"] as string[]).sort()).toEqual([...unique].sort());
          const expected: Record<string, unknown> = {};
          if (changes.is_read !== undefined) expected["is_read"] = changes.is_read;
          if (changes.comment !== undefined) expected["comment"] = changes.comment;
          for (const { ids: _, ...rest } of bodies) expect(rest).toEqual(expected);
        },
      ),
      runs(40),
    );
  });
});

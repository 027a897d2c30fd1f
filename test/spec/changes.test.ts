// The API-surface report (scripts/changes.js): what a regeneration changes for callers, and which
// of those changes break them.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain-JS build script without type declarations
import * as changes from "../../scripts/changes.js";

interface Entry {
  scope: string;
  where: string;
  text: string;
  severity: "breaking" | "review" | "change";
}

/** A one-operation API whose request body and 200 answer are the given schemas. */
const api = (body: object, answer: object, extra: Record<string, object> = {}) => ({
  openapi: "3.0.1",
  paths: {
    "/items": {
      post: {
        operationId: "createItem",
        parameters: [{ name: "dry_run", in: "query", schema: { type: "boolean" } }],
        requestBody: { content: { "application/json": { schema: body } } },
        responses: {
          "200": {
            content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
          },
        },
      },
    },
    ...extra,
  },
  components: { schemas: { Item: answer } },
});
const body = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", maxLength: 100 },
    kind: { type: "string", enum: ["a", "b"] },
    count: { type: "integer", minimum: 0, maximum: 10 },
    tags: { type: "array", maxItems: 5, items: { type: "string" } },
  },
};
const answer = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string" }, state: { type: "string", enum: ["new", "done"] } },
};
const diff = (before: object, after: object): Entry[] => changes.diffSurface(before, after);
const line = (e: Entry) => `${e.severity} ${e.where}: ${e.text}`;

describe("the API-surface report", () => {
  it("reports nothing when only descriptions change", () => {
    const after = api({ ...body, description: "new words" }, { ...answer, description: "x" });
    expect(diff(api(body, answer), after)).toEqual([]);
  });

  it("marks tightened request limits and enums as breaking, loosened ones not", () => {
    const tightened = structuredClone(body);
    tightened.properties.name.maxLength = 50;
    tightened.properties.kind.enum = ["a"];
    tightened.properties.count.minimum = 1;
    tightened.properties.tags.maxItems = 10;
    expect(diff(api(body, answer), api(tightened, answer)).map(line)).toEqual([
      "breaking body.name: maxLength `100` → `50` (tightened)",
      "breaking body.kind: enum values removed: `b` (tightened)",
      "breaking body.count: minimum `0` → `1` (tightened)",
      "change body.tags: maxItems `5` → `10` (loosened)",
    ]);
  });

  it("reports request fields added, removed and newly required", () => {
    const after = structuredClone(body) as typeof body & { properties: Record<string, object> };
    delete (after.properties as Partial<typeof body.properties>).tags;
    after.properties.note = { type: "string" };
    after.required = ["name", "kind"];
    expect(diff(api(body, answer), api(after, answer)).map(line)).toEqual([
      "change body.note: field added (`string`, optional)",
      "breaking body.tags: field removed",
      "breaking body.kind: now required",
    ]);
  });

  it("reports response fields added and removed, and values callers have never seen", () => {
    const after = structuredClone(answer) as typeof answer & { properties: Record<string, object> };
    delete (after.properties as Partial<typeof answer.properties>).state;
    after.properties.created = { type: "string" };
    after.required = [];
    expect(diff(api(body, answer), api(body, after)).map(line)).toEqual([
      "change response 200.created: field added (`string`, optional)",
      "breaking response 200.state: field removed",
      "breaking response 200.id: no longer required",
    ]);
    const more = structuredClone(answer);
    more.properties.state.enum.push("failed");
    expect(diff(api(body, answer), api(body, more)).map(line)).toEqual([
      "breaking response 200.state: enum values added: `failed`",
    ]);
  });

  it("reports operations added and removed, and parameters", () => {
    const other = { "/other": { get: { operationId: "getOther", responses: {} } } };
    const before = api(body, answer, other);
    const after = api(body, answer);
    const mode = { name: "mode", in: "query", required: true, schema: { type: "string" } };
    Object.assign(after.paths["/items"].post, { parameters: [mode] });
    expect(
      diff(before, after).map((e) => `${e.severity} ${e.scope}: ${e.where} ${e.text}`),
    ).toEqual([
      "breaking Operations:  removed: getOther (GET /other)",
      "breaking createItem (POST /items): query.mode parameter added (required)",
      "breaking createItem (POST /items): query.dry_run parameter removed",
    ]);
  });

  it("asks for a review of a changed pattern, which it cannot judge", () => {
    const withPattern = (pattern: string) => ({
      ...body,
      properties: { ...body.properties, name: { type: "string", maxLength: 100, pattern } },
    });
    const before = withPattern("^[a-z]*$");
    const after = withPattern("^[a-z]+$");
    expect(diff(api(before, answer), api(after, answer)).map(line)).toEqual([
      "review body.name: pattern `^[a-z]*$` → `^[a-z]+$`",
    ]);
  });

  it("writes Markdown that names the count of breaking changes and marks each", () => {
    const tightened = structuredClone(body);
    tightened.properties.name.maxLength = 50;
    const entries = diff(api(body, answer), api(tightened, answer));
    const text: string = changes.formatReport(entries, { from: "aaa", to: "bbb" });
    expect(text).toContain("Compared: `aaa` → `bbb`");
    expect(text).toContain("**1 breaking change(s)**");
    expect(text).toContain(
      "## createItem (POST /items)\n\n- **BREAKING** `body.name`: maxLength `100` → `50` (tightened)",
    );
    expect(changes.formatReport([], { from: "bbb", to: "bbb" })).toContain(
      "No change to the API surface",
    );
  });
});

describe("a fragment schema replaced by a page's", () => {
  it("is described field by field, or as wording only", () => {
    const page = structuredClone(answer) as typeof answer & { properties: Record<string, object> };
    page.properties.extra = { type: "boolean" };
    page.properties.id = { type: "integer" };
    expect(changes.describeComponentChange("components.schemas.Item", answer, page)).toEqual([
      "`extra`: field added (`boolean`, optional)",
      "`id`: type `string` → `integer`",
    ]);
    expect(
      changes.describeComponentChange("components.schemas.Item", answer, {
        ...answer,
        description: "reworded",
      }),
    ).toEqual(["wording only (descriptions, examples)"]);
  });
});

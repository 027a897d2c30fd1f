// Our corrections (spec/corrections.overlay.yaml, OpenAPI Overlay 1.0) and how scripts/overlay.js
// applies them: standard update/remove semantics, and stale corrections reported, not applied.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: plain-JS build script without type declarations
import * as overlay from "../../scripts/overlay.js";

const doc = () => ({
  paths: {
    "/a": {
      get: { operationId: "a", responses: { "200": { description: "ok" } } },
      parameters: [{ name: "p", in: "query" }],
    },
    "/b": { put: { operationId: "b", responses: { default: { description: "err" } } } },
  },
  components: {
    schemas: {
      R: { example: { retry: { count: 2 } }, properties: { s: { type: "string", pattern: "^x" } } },
    },
  },
});
const document = (...actions: object[]) => ({
  overlay: "1.0.0",
  info: { title: "t", version: "1" },
  actions,
});
const apply = (target: unknown, ...actions: object[]) =>
  overlay.applyOverlay(target, document(...actions), "c.yaml");

describe("applying an overlay", () => {
  it("merges an update into every selected object and removes selected nodes", () => {
    const d = doc();
    apply(
      d,
      { target: "$.components.schemas.R.example", description: "r", remove: true },
      { target: "$.components.schemas.R", description: "r", update: { example: { count: 2 } } },
      {
        target: "$.paths.*[?@.responses && !@.responses.default].responses",
        description: "every operation has a default answer",
        update: { default: { $ref: "#/components/responses/E" } },
      },
    );
    expect(d.components.schemas.R.example).toEqual({ count: 2 });
    expect(d.paths["/a"].get.responses).toEqual({
      "200": { description: "ok" },
      default: { $ref: "#/components/responses/E" },
    });
    // The filter skipped /b, which had its own, and the path-level parameters list.
    expect(d.paths["/b"].put.responses).toEqual({ default: { description: "err" } });
    expect(d.paths["/a"].parameters).toEqual([{ name: "p", in: "query" }]);
  });

  it("merges objects recursively, as Overlay 1.0 says: replacing an object takes a remove first", () => {
    const d = doc();
    apply(d, {
      target: "$.components.schemas.R",
      description: "r",
      update: { example: { count: 3 } },
    });
    expect(d.components.schemas.R.example).toEqual({ retry: { count: 2 }, count: 3 });
  });

  it("reports an action that selects nothing, and one that changes nothing", () => {
    expect(() =>
      apply(doc(), { target: "$.components.schemas.Gone", description: "r", update: { a: 1 } }),
    ).toThrow(
      "c.yaml action #1 ($.components.schemas.Gone) selects nothing: the vendor changed or removed what it corrects",
    );
    expect(() =>
      apply(doc(), {
        target: "$.components.schemas.R.properties.s",
        description: "r",
        update: { pattern: "^x" },
      }),
    ).toThrow(
      "changes nothing at /components/schemas/R/properties/s: the vendor made this correction already; delete it",
    );
  });

  it("names the value a correction looked for when the vendor changed it", () => {
    expect(() =>
      apply(doc(), {
        target: "$..[?@.pattern == '^y']",
        description: "r",
        update: { pattern: "^y$" },
      }),
    ).toThrow(
      `c.yaml action #1 ($..[?@.pattern == '^y']) selects nothing: no pattern is "^y" any more, so the vendor changed it`,
    );
  });

  it("returns a linear rewrite that selects nothing as unneeded instead of failing; applies it when it selects", () => {
    const rewrite = {
      target: "$..[?@.pattern == '^y']",
      description: "r",
      update: { pattern: "^y$" },
      "x-linear-rewrite": true,
    };
    const d = doc();
    expect(apply(d, rewrite)).toEqual({
      applied: 0,
      unneeded: [{ index: 0, label: "c.yaml action #1 ($..[?@.pattern == '^y'])" }],
    });
    expect(d).toEqual(doc()); // nothing changed
    const found = { ...rewrite, target: "$..[?@.pattern == '^x']", update: { pattern: "^x$" } };
    const e = doc();
    expect(apply(e, found)).toEqual({ applied: 1, unneeded: [] });
    expect(e.components.schemas.R.properties.s.pattern).toBe("^x$");
    // Unmarked, the same action still stops the build, and so does a marked one whose
    // x-upstream no longer matches.
    expect(() => apply(doc(), { ...rewrite, "x-linear-rewrite": undefined })).toThrow(
      "selects nothing",
    );
    expect(() =>
      apply(doc(), {
        ...found,
        target: "$.components.schemas.R.properties.s",
        "x-upstream": { pattern: "^z" },
      }),
    ).toThrow("the vendor changed /components/schemas/R/properties/s/pattern");
  });

  it("reports a correction whose target the vendor changed, with the old and the new value", () => {
    expect(() =>
      apply(doc(), {
        target: "$.components.schemas.R.properties.s",
        description: "r",
        update: { pattern: "^x$" },
        "x-upstream": { pattern: "^y" },
      }),
    ).toThrow(
      'c.yaml action #1 ($.components.schemas.R.properties.s): the vendor changed /components/schemas/R/properties/s/pattern from "^y" to "^x"; the correction sets "^x$"',
    );
    // A key left out of x-upstream means the vendor had nothing there.
    expect(() =>
      apply(doc(), {
        target: "$.components.schemas.R.properties.s",
        description: "r",
        update: { pattern: "^z" },
        "x-upstream": {},
      }),
    ).toThrow('changed /components/schemas/R/properties/s/pattern from absent to "^x"');
  });

  it("reports every stale correction at once", () => {
    const run = () =>
      apply(
        doc(),
        { target: "$.x", description: "r", update: { a: 1 } },
        { target: "$.y", description: "r", update: { a: 1 } },
      );
    expect(run).toThrow(
      /^2 correction\(s\) no longer fit the pages:\n {2}c\.yaml action #1 .*\n {2}c\.yaml action #2 /,
    );
  });

  it("refuses what Overlay 1.0 leaves ambiguous or forbids", () => {
    const d = { components: { schemas: { R: { required: ["a"] } } } };
    expect(() =>
      apply(d, { target: "$.components.schemas.R", description: "r", update: { required: ["b"] } }),
    ).toThrow("merges an array into the existing array at /components/schemas/R/required");
    expect(() =>
      apply(doc(), {
        target: "$.components.schemas.R.properties.s.pattern",
        description: "r",
        update: "^y",
      }),
    ).toThrow("Overlay 1.0 targets objects or arrays only");
    expect(() => apply(doc(), { target: "$.paths", update: {} })).toThrow(/no description/);
    expect(() => overlay.applyOverlay(doc(), { actions: [] }, "c.yaml")).toThrow(
      "c.yaml: not an Overlay 1.0 document",
    );
  });
});

describe("spec/corrections.overlay.yaml", () => {
  const corrections = readFile(
    new URL("../../spec/corrections.overlay.yaml", import.meta.url),
    "utf8",
  ).then((text) => parse(text) as { overlay: string; actions: Record<string, unknown>[] });

  it("is an Overlay 1.0 document whose every action says why", async () => {
    const { overlay: version, actions } = await corrections;
    expect(version).toMatch(/^1\.0\.\d+$/);
    for (const action of actions) {
      expect(action.description, String(action.target)).toEqual(expect.any(String));
      expect(
        Object.keys(action).every(
          (k) => ["target", "description", "update", "remove"].includes(k) || k.startsWith("x-"),
        ),
      ).toBe(true);
    }
  });
});

describe("date-times in generated/openapi.yaml", () => {
  const DATE_TIME =
    /^\^\[0-9\]\{4\}-\[0-9\]\{2\}-\[0-9\]\{2\} \[0-9\]\{2\}:\[0-9\]\{2\}:\[0-9\]\{2\}/;

  it("every request field and parameter with a YYYY-MM-DD HH:mm:ss pattern is a faxplus-datetime", async () => {
    const spec = parse(
      await readFile(new URL("../../generated/openapi.yaml", import.meta.url), "utf8"),
    ) as { paths: Record<string, Record<string, any>> };
    const resolve = (value: any): any =>
      value?.$ref
        ? resolve(
            value.$ref
              .slice(2)
              .split("/")
              .reduce((node: any, key: string) => node?.[key], spec),
          )
        : value;
    const found: { where: string; schema: any }[] = [];
    const walk = (schema: any, where: string, seen: Set<unknown>) => {
      const s = resolve(schema);
      if (!s || typeof s !== "object" || seen.has(s)) return;
      const next = new Set(seen).add(s);
      if (typeof s.pattern === "string" && DATE_TIME.test(s.pattern))
        found.push({ where, schema: s });
      for (const [name, child] of Object.entries(s.properties ?? {}))
        walk(child, `${where}.${name}`, next);
      if (s.items) walk(s.items, `${where}[]`, next);
    };
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const raw of op.parameters ?? []) {
          const p = resolve(raw);
          walk(p.schema, `${method.toUpperCase()} ${path} ${p.in}.${p.name}`, new Set());
        }
        const body = resolve(op.requestBody);
        for (const [media, content] of Object.entries<any>(body?.content ?? {})) {
          walk(content.schema, `${method.toUpperCase()} ${path} body (${media})`, new Set());
        }
      }
    }
    // Today's three; a page that adds another needs the same correction, or the loop below fails.
    expect(found.map((f) => f.where)).toEqual(
      expect.arrayContaining([
        "GET /accounts/{user_id}/faxes query.after",
        "GET /accounts/{user_id}/faxes query.before",
        "POST /accounts/{user_id}/outbox body (application/json).send_time",
      ]),
    );
    for (const { where, schema } of found) {
      expect(schema.format, where).toBe("faxplus-datetime");
      expect(schema.pattern, where).toMatch(DATE_TIME); // the pattern stays
    }
  });
});

// Checkers of src/core/validate.ts that the request tests reach only through the spec's rules.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../../generated/rules.js";
import {
  isCalendarTime,
  json,
  limits,
  object,
  snapshot,
  string,
  type SchemaRules,
} from "../../src/core/validate.js";
import { pattern } from "../../src/core/patterns.js";

describe("isCalendarTime", () => {
  it.each([
    ["2024-02-29 23:59:59", true],
    ["2023-02-29 00:00:00", false],
    ["2000-02-29 00:00:00", true],
    ["1900-02-29 00:00:00", false],
    ["0000-02-29 00:00:00", true], // year 0 is a leap year (Date.UTC would read it as 1900)
    ["0099-02-29 00:00:00", false],
    ["2026-04-31 10:00:00", false],
    ["2026-11-21 24:00:00", false],
    ["2026-11-21 10:60:00", false],
    ["2026-11-21 10:00:61", false],
    ["2026-11-21 10:00:00 +1400", true],
    ["2026-11-21 10:00:00 -1400", true],
    ["2026-11-21 10:00:00 +1401", false],
    ["2026-11-21 10:00:00 +9999", false],
    ["2026-11-21 10:00:00 +0060", false],
  ])("%s: %s", (text, real) => {
    expect(isCalendarTime(text)).toBe(real);
  });
});

describe("messages", () => {
  it("show the start of a very long field name, and keep the name whole in `field`", () => {
    const key = "k".repeat(100_000);
    const error = (() => {
      try {
        snapshot(object({ properties: {} }), { [key]: 1 });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.field).toBe(key);
    expect(error?.message.length).toBeLessThan(200);
  });
});

describe("objects", () => {
  it("take the fields of their properties, and others only when additionalProperties is their rule", () => {
    const listed = object({ properties: { a: string() } });
    expect(snapshot(listed, { a: "x" })).toEqual({ a: "x" });
    expect(() => snapshot(listed, { b: 1 })).toThrow("b: is not a field of this request");
    expect(() => snapshot(object(), { b: 1 })).toThrow("b: is not a field of this request");
    // A free-form object (the spec lists no fields): any JSON, nested too, copied as it is.
    const freeForm = object({ additionalProperties: json() });
    const value = { b: 1, c: [null, { d: "e" }], __proto__x: true };
    expect(snapshot(freeForm, value)).toEqual(value);
    expect(() => snapshot(freeForm, { b: [Infinity] })).toThrow("b[0]: must be a finite number");
  });
});

/** Every string rule of the spec's request bodies and parameters that has a pattern. */
function patterned(): { where: string; rule: SchemaRules }[] {
  const found: { where: string; rule: SchemaRules }[] = [];
  const visit = (rule: SchemaRules | undefined, where: string) => {
    if (!rule || typeof rule !== "object") return;
    if (rule.pattern !== undefined) found.push({ where, rule });
    for (const [name, child] of Object.entries(rule.properties ?? {}))
      visit(child, `${where}.${name}`);
    if (rule.items) visit(rule.items, `${where}[]`);
  };
  for (const [id, value] of Object.entries(rules as Record<string, unknown>)) {
    const op = value as Partial<OperationRules>;
    if (!op.method) continue;
    visit(op.body, `${id} body`);
    for (const [name, param] of Object.entries(op.params ?? {})) visit(param, `${id} ${name}`);
  }
  return found;
}

/** The refusal of `value` by `rule`, as a person reads it. */
function refusal(rule: SchemaRules, value: string): string {
  try {
    snapshot(rule, value, "x");
  } catch (error) {
    return (error as ValidationError).rule;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe("refusals of a pattern, in words", () => {
  it("never show the spec's regex, for every patterned field of the spec", () => {
    const fields = patterned();
    expect(fields.length).toBeGreaterThan(3);
    for (const { where, rule } of fields) {
      const words = refusal(rule, "555-0100 !");
      expect(words, where).not.toContain(rule.pattern);
      expect(words, where).not.toMatch(/[[\]{}^$]/);
      expect(words, where).toContain('(got "555-0100 !")');
    }
  });

  it("say what a fax number looks like, with an example the spec's pattern accepts", () => {
    const to = (rules.sendFax.body.properties.to.items as SchemaRules).pattern!;
    const words = refusal(string(pattern(to)), "555-0100");
    expect(words).toMatch(/^must be a fax number: \+ then the country code and number/);
    const example = /e\.g\. (\S+?)[;,]/.exec(words)?.[1];
    expect(example).toBeDefined();
    expect(new RegExp(to).test(example!)).toBe(true);
    // The minimum of digits is read from the pattern, not written here.
    const digits = Number(/at least (\d+) digits/.exec(words)?.[1]);
    expect(new RegExp(to).test(`+${"1".repeat(digits)}`)).toBe(true);
    expect(new RegExp(to).test(`+${"1".repeat(digits - 1)}`)).toBe(false);
  });

  it("follow a changed pattern: another minimum of digits, no extension", () => {
    const words = refusal(string(pattern("^[+][0-9]{10,}$")), "1");
    expect(words).toMatch(/at least 10 digits/);
    expect(words).not.toMatch(/extension/);
  });

  it("use the spec's own example when the pattern accepts it", () => {
    const rule = string(pattern("^[+][0-9]{8,}$", { example: "+442079460018" }));
    expect(refusal(rule, "1")).toContain("e.g. +442079460018");
  });

  it("say how a date and time is written", () => {
    const after = rules.listFaxes.params["query.after"];
    expect(refusal(after, "yesterday")).toMatch(
      /^must be a date and time written YYYY-MM-DD HH:mm:ss, e\.g\. \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(got/,
    );
    const sendTime = rules.sendFax.body.properties.send_time;
    expect(refusal(sendTime, "2026-11-20 10:00:00")).toMatch(/UTC offset/);
  });

  it("say that an ID must not be empty", () => {
    expect(refusal(string(limits({ minLength: 1 })), "")).toBe("must not be empty");
    expect(refusal(string(limits({ minLength: 1, maxLength: 32 })), "x".repeat(33))).toBe(
      "must be at most 32 characters (got 33)",
    );
  });

  it("come with the limit that needs them: a length or a pattern without its check does not compile", () => {
    // Either would be a rule that looks checked and is not: the check travels with the limit.
    // @ts-expect-error a maxLength without limits()
    expect(snapshot(string({ maxLength: 5 }), "x".repeat(6))).toBe("xxxxxx");
    // @ts-expect-error a pattern without pattern()
    expect(snapshot(string({ pattern: "^x$" }), "y")).toBe("y");
    const both = string(pattern("^x+$", limits({ maxLength: 3 })));
    expect(refusal(both, "xxxx")).toBe("must be at most 3 characters (got 4)");
    expect(refusal(both, "y")).toBe('is not written the way the API expects (got "y")');
  });
});

// Checkers of src/core/validate.ts that the request tests reach only through the spec's rules.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { isCalendarTime, object, snapshot } from "../../src/core/validate.js";

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

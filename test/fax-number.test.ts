// normalizeFaxNumber: numbers as people write them, in the form the API takes; property-tested
// against the spec's own pattern for a destination.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as rules from "../generated/rules.js";
import { normalizeFaxNumber, ValidationError } from "../src/index.js";

const toPattern = new RegExp(
  (rules.sendFax.body.properties.to.items as { pattern: string }).pattern,
);

describe("normalizeFaxNumber", () => {
  it.each([
    ["+1 (415) 555-0123", "+14155550123"],
    ["+1.415.555.0123", "+14155550123"],
    ["  +44 20 7946 0018 ", "+442079460018"],
    ["0044 20 7946 0018", "+442079460018"],
    ["+1 415 555 0123*101", "+14155550123*101"],
    ["+49\u00a030\u2013123456", "+4930123456"],
  ])("writes %j as %s and says it changed", (input, number) => {
    expect(normalizeFaxNumber(input)).toEqual({ number, changed: true });
    expect(toPattern.test(number)).toBe(true);
  });

  it("leaves a number already in the API's form, and no_number, unchanged", () => {
    expect(normalizeFaxNumber("+14155550123")).toEqual({ number: "+14155550123", changed: false });
    expect(normalizeFaxNumber("no_number")).toEqual({ number: "no_number", changed: false });
  });

  it("guesses no country code: a national number stays without one", () => {
    expect(normalizeFaxNumber("(415) 555-0123")).toEqual({ number: "4155550123", changed: true });
    expect(toPattern.test("4155550123")).toBe(false);
  });

  it("refuses what is not a string, by name", () => {
    expect(() => normalizeFaxNumber(14155550123 as unknown as string)).toThrow(ValidationError);
  });

  it("any number the API takes, written with separators, comes back as it was (seeded)", () => {
    const separator = fc.constantFrom(" ", "-", ".", "(", ")", "\u2013", "  ");
    const digits = fc.array(fc.constantFrom(..."0123456789"), { minLength: 8, maxLength: 15 });
    fc.assert(
      fc.property(digits, fc.array(fc.tuple(fc.nat(20), separator)), (ds, inserts) => {
        const number = `+${ds.join("")}`;
        fc.pre(toPattern.test(number));
        const chars = [...number];
        // Separators anywhere after the `+`.
        for (const [at, sep] of inserts) chars.splice(1 + (at % chars.length), 0, sep);
        const written = chars.join("");
        const result = normalizeFaxNumber(written);
        expect(result).toEqual({ number, changed: written !== number });
        expect(normalizeFaxNumber(result.number)).toEqual({ number, changed: false });
      }),
      { seed: 22, numRuns: 300 },
    );
  });
});

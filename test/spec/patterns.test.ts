// The linear patterns of spec/corrections.overlay.yaml mean exactly what the vendor's
// super-linear ones mean, and refuse hostile input without backtracking. The pairs are read from
// the corrections (the vendor's pattern is in the action's target, ours in its update), and
// every pattern of generated/openapi.yaml is checked with recheck, as the build does.
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: plain-JS build script without type declarations
import * as redos from "../../scripts/redos.js";

interface Action {
  target: string;
  update?: { pattern?: string };
  "x-linear-rewrite"?: boolean;
}
const overlay = parse(
  await readFile(new URL("../../spec/corrections.overlay.yaml", import.meta.url), "utf8"),
) as { actions: Action[] };
const generated: unknown = parse(
  await readFile(new URL("../../generated/openapi.yaml", import.meta.url), "utf8"),
);

/** The vendor's pattern (from the target's filter) and ours, for every pattern rewrite. */
const rewrites = overlay.actions.flatMap((action) => {
  const vendor = /^\$\.\.\[\?@\.pattern == '(.*)'\]$/.exec(action.target)?.[1];
  const ours = action.update?.pattern;
  return vendor && ours ? [{ vendor, ours }] : [];
});
const pair = (prefix: string) => {
  const found = rewrites.find((r) => r.vendor.startsWith(prefix));
  if (!found) throw new Error(`no correction rewrites the pattern starting ${prefix}`);
  return found;
};
/** Every rewrite is marked as one, so that a vendor change to its pattern is judged by recheck. */
const unmarked = overlay.actions.filter(
  (action) =>
    /^\$\.\.\[\?@\.pattern == /.test(action.target) && action["x-linear-rewrite"] !== true,
);
const SENDERS = pair("^(([+]");
const NUMBER = pair("^[+][0-9]{8,}");
const EMAIL = pair("^[a-zA-Z0-9_.+-]+@");

// Both ways a pattern is compiled: as the SDK does (no flags) and as JSON Schema validators do (u).
const FLAGS = ["", "u"] as const;
const RUNS = 5000;
/** recheck itself, not the build's cache of its verdicts. */
const FRESH = { cache: false };

/** Characters the patterns name, and the ones that tell `.` and `[^...]` apart. */
const ALPHABET = [
  ..."0123456789",
  ..."+*,@.-_",
  ..."aZnoumberNOUMBER",
  " ",
  "|",
  "\n",
  "\r",
  "\u2028",
  "\u2029",
  "\u00e9",
  "\ud83d\ude00", // an astral character: one code point, two UTF-16 units
  "\ud800", // a lone surrogate
];

/** Characters that decide the edge cases: inserted into matching strings more often. */
const SPECIAL = ["\n", "\r", "\u2028", "\u2029", "\ud83d\ude00", "\ud800", "@", ".", "*", ",", " "];

/**
 * Strings matching either pattern, the same strings with one character inserted, deleted or
 * replaced, and strings over the alphabet. Matching strings are kept short enough that the
 * vendor's exponential pattern answers quickly (at most 5 comma-separated items).
 */
function samples(a: string, b: string) {
  const matching = fc
    .oneof(fc.stringMatching(new RegExp(a)), fc.stringMatching(new RegExp(b)))
    .filter((s) => s.length <= 120 && s.split(",").length <= 5);
  const edited = fc
    .tuple(
      matching,
      fc.nat(),
      fc.oneof(fc.constantFrom(...SPECIAL), fc.constantFrom(...ALPHABET)),
      fc.constantFrom(0, 1, 2),
    )
    .map(([s, at, char, how]) => {
      const i = at % (s.length + 1);
      return how === 0
        ? s.slice(0, i) + char + s.slice(i)
        : how === 1
          ? s.slice(0, i) + s.slice(i + 1)
          : s.slice(0, i) + char + s.slice(i + 1);
    });
  const random = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 30 });
  return fc.oneof(matching, edited, random);
}

describe.each([
  ["sender list (PayloadOutbox.from)", SENDERS],
  ["fax number (PayloadOutbox.to[])", NUMBER],
  ["email (Account, PayloadAccountModification)", EMAIL],
])("the linear %s pattern", (_name, { vendor, ours }) => {
  it.each(FLAGS)("accepts and refuses the same strings as the vendor's (flags %j)", (flags) => {
    const before = new RegExp(vendor, flags);
    const after = new RegExp(ours, flags);
    let accepted = 0;
    fc.assert(
      fc.property(samples(vendor, ours), (s) => {
        const verdict = before.test(s);
        if (verdict) accepted++;
        expect(after.test(s), JSON.stringify(s)).toBe(verdict);
      }),
      { seed: 20240613, numRuns: RUNS },
    );
    // The samples exercise both answers, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(accepted).toBeLessThan((RUNS * 9) / 10);
  });

  it("is linear by recheck's analysis where the vendor's is not", async () => {
    expect((await redos.checkPattern(vendor, FRESH)).status).toBe("vulnerable");
    expect(await redos.checkPattern(ours, FRESH)).toMatchObject({ status: "safe" });
  });
});

// Hand-picked edge cases: for each, the vendor's answer (written out, so that the test shows
// what the language is) and the check that ours gives the same.
const EDGE_CASES: [typeof SENDERS, string, boolean][] = [
  [SENDERS, "+12345678", true],
  [SENDERS, "+1234567", false],
  [SENDERS, "+12345678*", false],
  [SENDERS, "+12345678*1", true],
  [SENDERS, `+12345678${"*".repeat(10)}1`, true],
  [SENDERS, `+12345678${"*".repeat(11)}1`, false],
  [SENDERS, "+123456789012", true],
  [SENDERS, "no_number,NO_NUMBER,+12345678*5", true],
  [SENDERS, "No_number", false],
  [SENDERS, "+12345678,", false],
  [SENDERS, ",+12345678", false],
  [SENDERS, "+12345678\n", false],
  [SENDERS, "", false],
  [NUMBER, "+12345678", true],
  [NUMBER, "+12345678**2", true],
  [NUMBER, "12345678", false],
  [NUMBER, "+12345678*", false],
  [EMAIL, "john.doe@example.com", true],
  [EMAIL, "a@b.c", true],
  [EMAIL, "a@bc", false], // after @ at least three characters
  [EMAIL, "a@bcd", true], // the unescaped dot matches the "c"
  [EMAIL, "a@b@c", true], // ... or an "@"
  [EMAIL, "a@b c", true], // ... or a space
  [EMAIL, "a@b c d", false], // but only once
  [EMAIL, "a@b..c", true],
  [EMAIL, "a@.bc", false], // the domain starts with [a-zA-Z0-9-]
  [EMAIL, "a@-bc", true],
  [EMAIL, "a@b\nc", false], // the dot matches no line terminator
  [EMAIL, "a@b\u2028c", false],
  [EMAIL, "a@b\u00e9c", true],
  [EMAIL, "a@bc\n", false], // $ without the m flag: end of input only
  [EMAIL, "@b.c", false],
];

describe("hand-picked edge cases", () => {
  it.each(EDGE_CASES.map(([p, s, v]) => [p.vendor, JSON.stringify(s), s, v, p.ours] as const))(
    "%s on %s",
    (vendor, _shown, s, expected, ours) => {
      expect(new RegExp(vendor).test(s)).toBe(expected);
      for (const flags of FLAGS) expect(new RegExp(ours, flags).test(s)).toBe(expected);
    },
  );

  it("an astral character after @ counts as one character with u, two units without", () => {
    const s = "a@b\ud83d\ude00c";
    expect(new RegExp(EMAIL.vendor).test(s)).toBe(false);
    expect(new RegExp(EMAIL.ours).test(s)).toBe(false);
    expect(new RegExp(EMAIL.vendor, "u").test(s)).toBe(true);
    expect(new RegExp(EMAIL.ours, "u").test(s)).toBe(true);
  });
});

describe("hostile input", () => {
  // The inputs of the report: ten comma-separated 16-digit numbers and a stray character; one
  // 20,000-digit number; a long email domain that ends in a line feed.
  const HOSTILE: [typeof SENDERS, string][] = [
    [SENDERS, `${Array.from({ length: 10 }, () => "+1234567890123456").join(",")}x`],
    [SENDERS, `+${"1".repeat(20_000)}x`],
    [NUMBER, `+${"1".repeat(20_000)}*`],
    [EMAIL, `a@${"a".repeat(20_000)}\n`],
    [EMAIL, `+@-${"--".repeat(10_000)}.@---`],
  ];
  it.each(HOSTILE.map(([p, s]) => [p.ours, s.slice(0, 24), s] as const))(
    "%s refuses %s...",
    (ours, _start, s) => {
      // Behaviour, not timing: the answer; linearity is recheck's verdict above.
      expect(new RegExp(ours).test(s)).toBe(false);
    },
  );
});

describe("the rewrites", () => {
  it("are each marked x-linear-rewrite, so a linear vendor change does not stop the build", () => {
    expect(rewrites.length).toBeGreaterThanOrEqual(3);
    expect(unmarked.map((action) => action.target)).toEqual([]);
  });
});

describe("the patterns of generated/openapi.yaml", () => {
  it("are all linear by recheck's analysis", async () => {
    const found: { where: string; pattern: string }[] = redos.patternsIn(generated);
    expect(found.length).toBeGreaterThan(10);
    for (const { where, pattern } of found) {
      expect(await redos.checkPattern(pattern, FRESH), `${where}: ${pattern}`).toMatchObject({
        status: "safe",
      });
    }
  }, 120_000);

  it("the build names the schema and the pattern when one is super-linear", async () => {
    const doc = {
      components: {
        schemas: {
          PayloadOutbox: { properties: { from: { type: "string", pattern: SENDERS.vendor } } },
        },
      },
    };
    // recheck's automaton analysis has a time budget: on a loaded machine it may fall back to its
    // fuzzer, which calls the same pattern polynomial. Either verdict is super-linear and stops the
    // build; what matters is that the message names where and what.
    const where = `components.schemas.PayloadOutbox.properties.from: ${JSON.stringify(SENDERS.vendor)}`;
    const error = await redos.assertLinearPatterns(doc).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`${where} is `);
    expect(message).toMatch(/ is (exponential|\d+\w* degree polynomial)/);
  });
});

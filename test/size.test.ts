// Bundle size (a measurement, not a timing): the browser bundles of bench/size.js. What tree-shaking
// must drop is asserted by content (an app that reads a record carries no workflow, no class and no
// openapi-fetch), and each bundle has a ceiling that stops growth: lower it when a change makes a
// bundle smaller, raise it only with a reason in the commit message. The targets of issue 11 are in
// bench/size.js (TARGETS) and README's Performance section reports where each stands.
import { beforeAll, describe, expect, it } from "vitest";

interface Row {
  key: string;
  label: string;
  raw: number;
  gzip: number;
  shares: Record<string, { bytes: number; gzipEstimate: number }>;
  nodeImports: string[];
  text: string;
}

interface SizeModule {
  measureSizes(): Promise<{ rows: Row[]; targets: Record<string, number> }>;
}

/** Gzip bytes each bundle may not exceed. */
// Exactly-once sending (issue 18) is part of every send: the key, reconciliation from the outbox
// and sent records, the ledger's reading: +3.0 kB gzip on `send`; broadcast +2.9 kB on `all`.
const CEILINGS: Record<string, number> = { read: 7700, send: 13450, all: 23850, class: 20950 };

const benchUrl = new URL("../bench/size.js", import.meta.url).href;
let rows: Map<string, Row>;

beforeAll(async () => {
  const { measureSizes } = (await import(benchUrl)) as SizeModule;
  rows = new Map((await measureSizes()).rows.map((row) => [row.key, row]));
});

function row(key: string): Row {
  const found = rows.get(key);
  if (!found) throw new Error(`bench/size.js has no row ${key}`);
  return found;
}

describe("browser bundles", () => {
  it("an app that reads one record carries neither openapi-fetch, the workflows nor the class", () => {
    expect(Object.keys(row("read").shares).sort()).toEqual([
      "core",
      "operations",
      "other",
      "rules",
    ]);
    // Only the rule of getFax's parameters, not those of other operations (sendFax's `from`).
    expect(row("read").text).not.toContain("no_number");
    // Only the checkers its rules use: no array or object checker.
    expect(row("read").text).not.toContain("must have at most");
  });

  it("an app that sends a fax carries the send workflow but not the class or openapi-fetch", () => {
    const parts = Object.keys(row("send").shares);
    expect(parts).toContain("workflows");
    expect(parts).not.toContain("class");
    expect(parts).not.toContain("openapi-fetch");
  });

  it("the whole main entry carries openapi-fetch (fax.api) and every operation", () => {
    expect(Object.keys(row("all").shares)).toEqual(
      expect.arrayContaining([
        "openapi-fetch",
        "core",
        "rules",
        "operations",
        "workflows",
        "class",
      ]),
    );
  });

  it.each(Object.entries(CEILINGS))("%s stays under its ceiling", (key, ceiling) => {
    const { gzip, shares } = row(key);
    const detail = Object.entries(shares)
      .map(([part, share]) => `${part} ~${share.gzipEstimate} B`)
      .join(", ");
    expect(gzip, `${key}: ${gzip} B gzip > ${ceiling} B (${detail})`).toBeLessThanOrEqual(ceiling);
  });

  it("imports no node: module", () => {
    for (const { key, nodeImports, text } of rows.values()) {
      expect(nodeImports, key).toEqual([]);
      expect(text, key).not.toMatch(/["'`]node:/);
    }
  });
});

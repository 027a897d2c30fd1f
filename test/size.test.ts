// Bundle size of the package as users install it (a measurement, not a timing): the packed tarball
// is installed in a temporary consumer project and small apps are bundled from it for browsers
// (bench/size.js, without the peers). What tree-shaking must drop is asserted by content (an app
// that reads a record carries no openapi-fetch, no workflow, no OAuth refresh, no other operation's
// rules, no class), and each app has a budget (BUDGETS) that stops growth. Lower a budget when a
// change makes a bundle smaller; raise it only with a reason in the commit.
import { beforeAll, describe, expect, it } from "vitest";
import { packTarball } from "./support/pack.js";

interface Row {
  key: string;
  gzip: number;
  shares: Record<string, { bytes: number; gzipEstimate: number }>;
  inputs: { file: string; gzipEstimate: number }[];
  nodeImports: string[];
  text: string;
  skipped?: string;
}

interface SizeModule {
  measureSizes(options: {
    tarball: string;
    peers: false;
  }): Promise<{ rows: Row[]; targets: Record<string, number> }>;
}

/** Strings that only a part of the package holds, as they survive minification. */
const MARKERS = {
  "openapi-fetch": ["Middleware must be an object", "pipeDelimited"],
  "the send workflow": ["send: an upload gave no path"],
  "the upload workflow": ["the answer has no file path"],
  "the delivery workflow": ["DeliveryTimeoutError"],
  "the bulk workflow": ["is not a change of fax records"],
  "the OAuth2 refresh": ["grant_type"],
  "the class": ["cancelOutbox"],
  // Upper case: the refusal words (core/patterns.ts) say "no_number" wherever a pattern takes it.
  "sendFax's rules": ["NO_NUMBER"],
  // Only rules with a pattern bring core/patterns.ts: a read of one record has none.
  "the pattern words": ["is not written the way the API expects"],
  // core/relay.ts: only the downloads and fax.api's documents hand a body on unread.
  "the relay of a streamed body": ["highWaterMark"],
  // The guard of a URL a caller can set: only fax.api's edge runs it.
  "the request URL guard": ["[^/?#]*:\\d"],
};

/**
 * Gzip bytes each app of the installed package may not exceed: ceilings that stop growth, just
 * above what it measures now. Issue 21's targets (bench/size.js TARGETS: read 7.0 kB, send
 * 8.0 kB, class 11.0 kB) are not met yet; README's Performance section says where each stands.
 */
const BUDGETS: Record<string, number> = { read: 7640, send: 15040, class: 24430 };

const benchUrl = new URL("../bench/size.js", import.meta.url).href;
let rows: Map<string, Row>;

beforeAll(async () => {
  const { tarball } = await packTarball();
  const { measureSizes } = (await import(benchUrl)) as SizeModule;
  const measured = await measureSizes({ tarball, peers: false });
  rows = new Map(measured.rows.map((row) => [row.key, row]));
}, 180_000);

function row(key: string): Row {
  const found = rows.get(key);
  if (!found || found.skipped) throw new Error(`bench/size.js has no row ${key}`);
  return found;
}

function carried(key: string): string[] {
  const { text } = row(key);
  return Object.entries(MARKERS)
    .filter(([, strings]) => strings.some((s) => text.includes(s)))
    .map(([part]) => part);
}

describe("bundles of the installed package", () => {
  it("an app that reads one record carries only the core, getFax and its rules", () => {
    // The OAuth2 refresh too is left out: only an app that calls oauthRefresh() carries it.
    expect(carried("ours.read")).toEqual([]);
  });

  it("an app that sends a fax carries the send and upload workflows and sendFax's rules, nothing else", () => {
    expect(carried("ours.send")).toEqual([
      "the send workflow",
      "the upload workflow",
      "sendFax's rules",
      "the pattern words",
    ]);
  });

  it("the class carries what its methods use: openapi-fetch (fax.api), every workflow", () => {
    expect(carried("ours.class")).toEqual(
      expect.arrayContaining([
        "openapi-fetch",
        "the send workflow",
        "the delivery workflow",
        "the bulk workflow",
        "the class",
        "sendFax's rules",
        "the relay of a streamed body",
        "the request URL guard",
      ]),
    );
  });

  it("no top-level statement of the package stays in an app that does not use it", () => {
    // An app that imports one string constant gets that constant and nothing else.
    expect(row("ours.constant").text.trim()).toMatch(
      /^var (\w+)="https:\/\/restapi\.fax\.plus\/v3";export\{\1 as DEFAULT_BASE_URL\};$/,
    );
  });

  it.each(Object.entries(BUDGETS))("%s stays within its budget", (app, budget) => {
    const { gzip } = row(`ours.${app}`);
    // Where the bytes are, from the same app bundled from src/ (the installed file is one input).
    const detail = row(`src.${app}`)
      .inputs.slice(0, 8)
      .map((input) => `${input.file} ~${input.gzipEstimate} B`)
      .join(", ");
    expect(gzip, `ours.${app}: ${gzip} B gzip > ${budget} B (${detail})`).toBeLessThanOrEqual(
      budget,
    );
  });

  it("imports no node: module", () => {
    for (const { key, nodeImports, text } of rows.values()) {
      if (!key.startsWith("ours.")) continue;
      expect(nodeImports, key).toEqual([]);
      expect(text, key).not.toMatch(/["'`]node:/);
    }
  });
});

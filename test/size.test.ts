// Bundle size of the package as users install it (a measurement, not a timing): the packed tarball
// is installed in a temporary consumer project and small apps are bundled from it for browsers
// (bench/size.js, without the peers). What tree-shaking must drop is asserted by content (an app
// that reads a record carries no openapi-fetch, no workflow, no OAuth refresh, no other operation's
// rules, no class), and each app has a budget: the targets of issue 21 (bench/size.js TARGETS).
// Lower a budget when a change makes a bundle smaller; raise it only with a reason in the commit.
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
  "sendFax's rules": ["no_number"],
};

const benchUrl = new URL("../bench/size.js", import.meta.url).href;
let rows: Map<string, Row>;
let targets: Record<string, number>;

beforeAll(async () => {
  const { tarball } = await packTarball();
  const { measureSizes } = (await import(benchUrl)) as SizeModule;
  const measured = await measureSizes({ tarball, peers: false });
  rows = new Map(measured.rows.map((row) => [row.key, row]));
  targets = measured.targets;
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
    expect(carried("ours.read")).toEqual([]);
  });

  it("an app that sends a fax carries the send and upload workflows, nothing else", () => {
    expect(carried("ours.send")).toEqual(["the send workflow", "the upload workflow"]);
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
      ]),
    );
  });

  it("no top-level statement of the package stays in an app that does not use it", () => {
    // An app that imports one string constant gets that constant and nothing else.
    expect(row("ours.constant").text.trim()).toMatch(
      /^var (\w+)="https:\/\/restapi\.fax\.plus\/v3";export\{\1 as DEFAULT_BASE_URL\};$/,
    );
  });

  it.each(["read", "send", "class"])("%s stays within its budget (issue 21)", (app) => {
    const { gzip } = row(`ours.${app}`);
    const budget = targets[app] ?? 0;
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

// `npm start` runs scripts/demo.js against the embedded mock: it must exit 0 and tell the story.
// `npm start -- --live` must read an account and never send a fax unless given --send-to.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../src/mock/index.js";
import { batches, limits } from "./support/limits.js";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;

beforeAll(async () => {
  // npm test compiles dist/ first (lint:package); compile here when the file runs alone.
  if (!existsSync(`${root}dist/src/index.js`)) {
    await run(process.execPath, ["scripts/build.js"], { cwd: root });
  }
}, 120_000);

it("runs the demo workflow against the mock and exits 0", async () => {
  const { stdout } = await run(process.execPath, ["scripts/demo.js"], { cwd: root });
  expect(stdout).toMatch(/uploaded hello\.pdf -> \/transient-/);
  expect(stdout).toMatch(/queued for \+12025550123 as fax \w+/);
  expect(stdout).toMatch(/now says "urgent: contract"/);
  expect(stdout).toMatch(/status success/);
  expect(stdout).toMatch(/forwarded \w+ -> \+12025550124, \+12025550125/);
  expect(stdout).toMatch(/had failed_user_busy; resent to \+\d+/);
  const requests = batches(250, limits.bulkFaxIds);
  expect(stdout).toContain(
    `250 updated in ${requests} requests of at most ${limits.bulkFaxIds} IDs`,
  );
  expect(stdout).toMatch(/ValidationError: to\[1\]: must be a fax number/);
  expect(stdout).toMatch(/requests sent: 0/);
  expect(stdout.match(/retry after status 503/g)).toHaveLength(2);
  expect(stdout).toMatch(/a send answered 503 is reconciled before anything else: not queued/);
  expect(stdout).toMatch(/Done\.$/m);
}, 60_000);

describe("--live", () => {
  // A mock of its own for each test: each counts the sends it caused, in any order.
  let mock: MockServer;
  beforeEach(async () => {
    mock = await startMockServer({ token: "live-token" });
  });
  afterEach(() => mock.close());

  const live = (...args: string[]) =>
    run(process.execPath, ["scripts/demo.js", "--live", ...args], {
      cwd: root,
      env: { ...process.env, FAXPLUS_TOKEN: "live-token", FAXPLUS_BASE_URL: mock.baseUrl },
    });
  const sends = () => mock.requests.filter((r) => r.operationId === "sendFax");

  it("reads the account and sends nothing without --send-to", async () => {
    const { stdout } = await live();
    expect(stdout).toMatch(/^Account admin@example\.com/m);
    expect(stdout).toMatch(/No fax sent/);
    expect(sends()).toHaveLength(0);
    expect(mock.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("sends exactly one fax with --send-to", async () => {
    await live("--send-to", "+14155550199");
    expect(sends()).toHaveLength(1);
    expect(sends()[0]!.body).toMatchObject({ to: ["+14155550199"] });
  });

  it("refuses --send-to without a number, and --live without a token", async () => {
    const noNumber = await live("--send-to").catch((e: { code: number; stderr: string }) => e);
    expect(noNumber).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/needs a fax number/),
    });
    const noToken = await run(process.execPath, ["scripts/demo.js", "--live"], {
      cwd: root,
      env: { ...process.env, FAXPLUS_TOKEN: "" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(noToken).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/needs FAXPLUS_TOKEN/),
    });
    expect(sends()).toHaveLength(0); // neither refusal sent anything
  });
});

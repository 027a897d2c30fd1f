// `npm start` runs scripts/demo.js against the embedded mock: it must exit 0 and tell the story.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;

beforeAll(async () => {
  // npm test compiles dist/ first (lint:package); compile here when the file runs alone.
  if (!existsSync(`${root}dist/src/index.js`))
    await run("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root });
}, 120_000);

it("runs the demo workflow against the mock and exits 0", async () => {
  const { stdout } = await run(process.execPath, ["scripts/demo.js"], { cwd: root });
  expect(stdout).toMatch(/uploaded hello\.pdf -> \/transient-/);
  expect(stdout).toMatch(/queued for \+12025550123 as fax \w+/);
  expect(stdout).toMatch(/now says "urgent: contract"/);
  expect(stdout).toMatch(/status success/);
  expect(stdout).toMatch(/forwarded \w+ -> \+12025550124, \+12025550125/);
  expect(stdout).toMatch(/had failed_user_busy; resent to \+\d+/);
  expect(stdout).toMatch(/250 updated in 3 requests/);
  expect(stdout).toMatch(/ValidationError: to\[1\]: must match pattern/);
  expect(stdout).toMatch(/requests sent: 0/);
  expect(stdout.match(/retry after status 503/g)).toHaveLength(2);
  expect(stdout).toMatch(/a send answered 503 is never retried: InternalServerError/);
  expect(stdout).toMatch(/Done\.$/m);
}, 60_000);

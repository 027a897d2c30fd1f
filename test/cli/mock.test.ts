// `faxplus mock` as a process: prints its base URL, serves other faxplus processes (or any HTTP
// client) with the token given, and stops cleanly on SIGTERM.
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { pdfDocument, seeds } from "../../src/mock/index.js";
import { firstLine, installCli, stop, type Cli } from "./harness.js";

let cli: Cli;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cli = await installCli();
  await writeFile(join(cli.dir, "note.pdf"), pdfDocument("a note"));
}, 120_000);
afterAll(() => cli?.remove());
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stop(child)));
});

async function startMock(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = cli.start(["mock", ...args]);
  children.push(child);
  return { child, url: await firstLine(child) };
}

it("serves a send --wait and a list from other faxplus processes, then stops on SIGTERM", async () => {
  const { child, url } = await startMock(["--token", "mock-secret"]);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
  const env = { FAXPLUS_BASE_URL: url, FAXPLUS_TOKEN: "mock-secret" };

  const sent = await cli.run(
    ["send", "--from", seeds.number, "--to", "+14155550123", "note.pdf", "--wait", "--json"],
    { env },
  );
  expect(sent.stderr).toMatch(/^faxplus: queued \+14155550123 as [0-9a-f]{32} \(key [^)]+\)\n$/);
  expect(sent.code).toBe(0);
  const [result] = JSON.parse(sent.stdout) as { to: string; id: string; status: string }[];
  expect(result).toMatchObject({ to: "+14155550123", status: "success" });

  const listed = await cli.run(["list", "--category", "sent", "--json"], { env });
  const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id);
  expect(ids).toContain(result!.id);

  // With --token, any other token is refused.
  const wrong = await cli.run(["list"], { env: { ...env, FAXPLUS_TOKEN: "other" } });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/401/);

  expect(await stop(child, "SIGTERM")).toBe(0);
  const after = await cli.run(["outbox"], { env });
  expect(after.code).toBe(1);
  expect(after.stderr).toMatch(/could not reach the API/);
});

it("listens on --port and waits --latency before every answer", async () => {
  const port = await freePort();
  const { url } = await startMock(["--port", String(port), "--latency", "300"]);
  expect(url).toBe(`http://127.0.0.1:${port}/v3`);
  const result = await cli.run(["outbox", "--verbose"], {
    env: { FAXPLUS_BASE_URL: url, FAXPLUS_TOKEN: "any" },
  });
  expect(result.code).toBe(0);
  // The SDK's debug line of the answer: at least the mock's latency.
  const ms = Number(/< 200 GET \S+ in (\d+) ms/.exec(result.stderr)?.[1]);
  expect(ms).toBeGreaterThanOrEqual(290); // timers may fire a millisecond early
});

it("answers listFaxes in the newer paged shape with --fax-list-shape paged, and refuses others", async () => {
  const { url } = await startMock(["--fax-list-shape", "paged"]);
  const response = await fetch(`${url}/accounts/self/faxes?category=inbox&limit=1`, {
    headers: { authorization: "Bearer any" },
  });
  expect(await response.json()).toMatchObject({
    limit: 1,
    offset: 0,
    has_more: true,
    next_offset: 1,
  });
  const result = await cli.run(["mock", "--fax-list-shape", "flat"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--fax-list-shape must be data or paged/);
});

it("refuses a bad --port with exit code 2", async () => {
  const result = await cli.run(["mock", "--port", "70000"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--port must be an integer from 0 to 65535/);
});

it("refuses a --port that fetch refuses to connect to (6000), with exit code 2", async () => {
  const result = await cli.run(["mock", "--port", "6000"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--port 6000 is a port fetch refuses to connect to/);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// `faxplus webhooks listen` as a process (the compiled CLI of dist/, built by `npm run build`):
// registers itself on the mock, prints each event, forwards it, and unregisters on exit.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.js";
import { webhookEvents } from "../../src/webhooks/parse.js";
import { closeServer, serveNode } from "./harness.js";

const main = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Starts `faxplus webhooks listen` against the mock; its stdout lines, awaitable one by one. */
function listen(mock: MockServer, args: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [main, "webhooks", "listen", ...args], {
    env: { PATH: process.env.PATH ?? "", FAXPLUS_BASE_URL: mock.baseUrl, FAXPLUS_TOKEN: "t" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => void child.kill("SIGKILL"));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`listen ended; stderr: ${stderr}`);
    return line.value;
  };
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, next, exited, stderr: () => stderr };
}

it("registers itself on the mock, prints each event, forwards it, and unregisters on exit", async () => {
  const mock = await startMockServer({ token: "t" });
  cleanups.push(() => mock.close());
  let forward!: (body: unknown) => void;
  const forwarded = new Promise<unknown>((resolve) => (forward = resolve));
  const app = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      forward(JSON.parse(text));
      res.end();
    });
  });
  const { origin } = await serveNode(app);
  cleanups.push(() => closeServer(app));

  const cli = listen(mock, ["--forward", `${origin}/hook`]);
  const url = await cli.next();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/faxplus\/[0-9a-f]{32}$/);
  const hooks = [...mock.state.webhooks.values()].filter((hook) => hook.target === url);
  expect(hooks.map((hook) => hook.event).sort()).toEqual([...webhookEvents()].sort());

  // A body posted without the URL's secret is refused.
  const forged = await fetch(url.replace(/[0-9a-f]{32}$/, "0".repeat(32)), {
    method: "POST",
    body: JSON.stringify({ hook: { event: "fax_received" }, data: {} }),
  });
  expect(forged.status).toBe(403);

  const arrived = mock.receiveFax({ from: "+14155550142", pages: 2 });
  // Registered for every event of the spec: fax_page_received (once per page, where the spec
  // lists it) comes before fax_received.
  let line = await cli.next();
  const pageEvents: string[] = [];
  while (line.includes("fax_page_received")) {
    pageEvents.push(line);
    line = await cli.next();
  }
  expect(pageEvents).toHaveLength(webhookEvents().includes("fax_page_received") ? 2 : 0);
  expect(line).toContain("fax_received");
  expect(line).toContain(arrived.id);
  expect(line).toContain("+14155550142 -> +16699990000");
  expect(await forwarded).toEqual(
    expect.objectContaining({ data: expect.objectContaining({ id: arrived.id }) }),
  );

  cli.child.kill("SIGINT");
  expect(await cli.exited).toBe(0);
  expect([...mock.state.webhooks.values()].filter((hook) => hook.target === url)).toEqual([]);
});

it("refuses an unknown --event before it listens", async () => {
  const mock = await startMockServer({ token: "t" });
  cleanups.push(() => mock.close());
  const cli = listen(mock, ["--event", "fax_lost"]);
  expect(await cli.exited).toBe(2);
  expect(cli.stderr()).toMatch(/--event must be one of/);
  expect(mock.state.webhooks.size).toBe(0);
});

// The web example (examples/web) as a user would build it: the packed package installed from its
// tarball, bundled by Vite, served as static files and driven in headless Chromium against the
// mock API on another origin (so CORS preflights happen like with any cross-origin API).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { BIN, ROOT, copyProject, linkFromRoot, npmInstall, packTarball } from "../support/pack.js";
import { findChromium, type Chromium } from "./chromium.js";

const run = promisify(execFile);
const EXAMPLE = join(ROOT, "examples/web");
const SOURCES = ["index.html", "src/main.ts", "package.json", "tsconfig.json", "vite.config.ts"];
const SCREENSHOT = join(ROOT, ".artifacts/browser/sent-fax.png");
const SESSION_TOKEN = "demo-session"; // what examples/web/src/main.ts's token function returns
const TO = "+14155550123"; // the form's default recipient
const NOTE = "Signed contract attached."; // the form's default cover note

let dir: string;
let site: Server;
let siteUrl: string;
let mock: MockServer;
let context: BrowserContext | undefined;
let profile: string | undefined;
let browser: Chromium;

beforeAll(async () => {
  browser = await findChromium();
  const { tarball } = await packTarball();
  dir = await copyProject(EXAMPLE, SOURCES, "faxplus-web-");
  // Only the SDK comes from npm (the tarball); Vite and TypeScript are the repository's.
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    dependencies?: object;
    devDependencies?: object;
  };
  delete manifest.dependencies;
  delete manifest.devDependencies;
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  await npmInstall(dir, tarball);
  await linkFromRoot(dir, "vite");
  await linkFromRoot(dir, "typescript");
  await run(join(BIN, "tsc"), ["--noEmit", "-p", "tsconfig.json"], { cwd: dir });
  await run(process.execPath, [join(dir, "node_modules/vite/bin/vite.js"), "build"], { cwd: dir });
  site = await serveStatic(join(dir, "dist"));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  mock = await startMockServer({ token: SESSION_TOKEN });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await mock?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  for (const path of [dir, profile]) if (path) await rm(path, { recursive: true, force: true });
});

it("lists the inbox and sends a fax from the built example in Chromium", async () => {
  profile = await mkdtemp(join(tmpdir(), "faxplus-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.executablePath,
    env: browser.env,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-quic",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });

  await page.goto(`${siteUrl}?api=${encodeURIComponent(mock.baseUrl)}`);
  const rows = page.locator("#faxes tbody tr");
  await rows.nth(9).waitFor({ timeout: 10_000 });
  expect(await rows.count()).toBe(10);
  expect(await page.locator("#status").textContent()).toBe("10 faxes in the inbox.");
  const faxId = await page.locator("select[name=fax]").inputValue();
  expect(await rows.first().locator("td").first().textContent()).toBe(faxId);

  await page.getByRole("button", { name: "Send" }).click();
  const result = page.locator("#result");
  const settled = () =>
    /^(Sent|Not sent)/.test(document.querySelector("#result")?.textContent ?? "");
  await page.waitForFunction(settled, undefined, { timeout: 10_000 });
  const text = (await result.textContent()) ?? "";
  await mkdir(join(ROOT, ".artifacts/browser"), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // What the page shows: the ID of the fax the mock created for the recipient.
  const shown = /^Sent: fax id (\w+) to (\S+)$/.exec(text);
  expect(shown, text).not.toBeNull();
  expect(shown?.[2]).toBe(TO);
  const job = [...mock.state.outbox.values()].find((j) => j.faxIds[TO] === shown?.[1]);
  expect(job).toBeDefined();

  // What the mock received: one upload (the note, as a multipart part) and one send, with the
  // form's fields, the uploaded note first and the listed fax as the document after it.
  const uploads = mock.requests.filter(
    (r) => r.method === "POST" && r.path === "/accounts/self/files",
  );
  expect(uploads).toHaveLength(1);
  const sends = mock.requests.filter(
    (r) => r.method === "POST" && r.path === "/accounts/self/outbox",
  );
  expect(sends).toHaveLength(1);
  expect(sends[0]?.body).toEqual({
    from: seeds.number,
    to: [TO],
    files: [expect.stringMatching(/^\/transient-/)],
    from_fax: { fax_id: faxId },
    return_ids: true,
  });
  const [path] = (sends[0]?.body as { files: string[] }).files;
  const note = mock.state.files.get(path ?? "");
  expect(note).toMatchObject({ fileName: "note.txt", mimeType: "text/plain" });
  expect(new TextDecoder().decode(note?.bytes)).toBe(NOTE);
  // Both authorized by the token function's value.
  for (const request of [...uploads, ...sends]) {
    expect(request.headers.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
  }
  const lists = mock.requests.filter((r) => r.method === "GET" && r.operationId === "listFaxes");
  expect(lists.map((r) => r.query)).toEqual([{ category: "inbox", limit: "10" }]);
  expect(problems).toEqual([]);
}, 30_000);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** A static file server for `root` on a free port of 127.0.0.1. */
async function serveStatic(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[extname(file)] ?? "application/octet-stream";
        res.writeHead(200, { "content-type": type }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

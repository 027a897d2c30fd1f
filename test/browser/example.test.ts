// The web example (examples/web) as a user would build it: the packed package installed from its
// tarball, bundled by Vite, served as static files and driven in headless Chromium against the
// mock API on another origin (so CORS preflights happen like with any cross-origin API).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KEY_TAG_PREFIX } from "../../src/workflows/send-key.js";
import { seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { ROOT } from "../support/pack.js";
import { findChromium, launch, problemsOf, type Chromium } from "./chromium.js";
import { buildExample, serveStatic } from "./example-site.js";

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
  dir = await buildExample("web", SOURCES);
  ({ server: site, url: siteUrl } = await serveStatic(join(dir, "dist")));
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
  context = await launch(browser, profile);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = problemsOf(page);

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
    // The send's key, stamped by the SDK so that a lost answer can be reconciled.
    comment: { tags: [expect.stringMatching(new RegExp(`^${KEY_TAG_PREFIX}`))] },
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

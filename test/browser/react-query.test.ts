// The React Query example (examples/react-query) as a user would build it: the packed package
// installed from its tarball, type-checked (its FaxDetails assigns `query.error` to
// `FaxPlusError | null`, which compiles only when openapi-react-query passes the SDK's error type
// on), bundled by Vite, served as static files and driven in headless Chromium against the mock
// API on another origin. What a component receives as `query.error` must be the SDK's error
// class: NotFoundError with its status and description, ConnectionError for an unreachable API.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { ROOT } from "../support/pack.js";
import { closedPort } from "../support/server.js";
import { findChromium, launch, problemsOf } from "./chromium.js";
import { buildExample, serveStatic } from "./example-site.js";

const SOURCES = ["index.html", "src/main.tsx", "package.json", "tsconfig.json", "vite.config.ts"];
const SCREENSHOT = join(ROOT, ".artifacts/browser/react-query.png");
const OFFLINE_SCREENSHOT = join(ROOT, ".artifacts/browser/react-query-offline.png");
const SESSION_TOKEN = "demo-session"; // what examples/react-query/src/main.tsx's token returns
const MISSING = "0123456789abcdef0123456789abcdef"; // a fax ID the mock does not have

let dir: string | undefined;
let site: Server | undefined;
let siteUrl: string;
let mock: MockServer | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  const browser = await findChromium();
  dir = await buildExample("react-query", SOURCES);
  ({ server: site, url: siteUrl } = await serveStatic(join(dir, "dist")));
  mock = await startMockServer({ token: SESSION_TOKEN, inboxSize: 12 });
  profile = await mkdtemp(join(tmpdir(), "faxplus-chromium-"));
  context = await launch(browser, profile);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await mock?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  for (const path of [dir, profile]) if (path) await rm(path, { recursive: true, force: true });
});

it("lists the inbox, shows a fax, and shows NotFoundError 404 for a missing one", async () => {
  if (!context || !mock) throw new Error("not set up");
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = problemsOf(page);
  await page.goto(`${siteUrl}?api=${encodeURIComponent(mock.baseUrl)}`);

  // The inbox: the ten newest faxes, as the list query's `select` returns them.
  const rows = page.locator("#faxes tbody tr");
  await rows.nth(9).waitFor({ timeout: 10_000 });
  expect(await rows.count()).toBe(10);
  expect(await page.locator("#status").textContent()).toBe("10 faxes in the inbox.");
  const ids = await rows.locator("td:first-child").allTextContents();
  expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => seeds.inboxFaxId(i)));

  // One fax: a click on its ID runs the fax query.
  await rows.first().getByRole("button").click();
  const details = page.locator("#fax dd");
  await details.first().waitFor({ timeout: 10_000 });
  expect(await details.first().textContent()).toBe(seeds.inboxFaxId(0));

  // A missing fax: the query's error is the SDK's NotFoundError, with the API's description.
  await page.getByLabel(/Fax ID/).fill(MISSING);
  await page.getByRole("button", { name: "Show" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 10_000 });
  expect(await alert.textContent()).toBe(`NotFoundError 404 no fax ${MISSING}`);
  await mkdir(join(ROOT, ".artifacts/browser"), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Asked once: neither the SDK (a 404 is final) nor TanStack Query (retry: false) repeated it.
  const asked = mock.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/${MISSING}`));
  expect(asked).toHaveLength(1);
  expect(asked[0]?.headers.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
  // The console holds only Chromium's own line for that 404: the page logged no error.
  const url = `${mock.baseUrl}/accounts/self/faxes/${MISSING}`;
  expect(problems).toEqual([
    `console: Failed to load resource: the server responded with a status of 404 (Not Found) (${url})`,
  ]);
}, 30_000);

it("shows ConnectionError when the API is unreachable", async () => {
  if (!context) throw new Error("not set up");
  const page = await context.newPage();
  const problems = problemsOf(page);
  const api = `http://127.0.0.1:${await closedPort()}/v3`;
  await page.goto(`${siteUrl}?api=${encodeURIComponent(api)}`);
  // After the SDK's two retries of the GET (about 1.5 s of back-off).
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 15_000 });
  expect(await alert.textContent()).toMatch(
    /^ConnectionError \(the API is unreachable\): GET \S+\/accounts\/self\/faxes: connection failed/,
  );
  // The console holds only Chromium's own lines for the refused requests (the first attempt and
  // the SDK's two retries, each after a CORS preflight or not): the page logged no error.
  expect(problems.length).toBeGreaterThan(0);
  const refused = `console: Failed to load resource: net::ERR_CONNECTION_REFUSED (${api}/`;
  for (const problem of problems) expect(problem.startsWith(refused), problem).toBe(true);
  await page.screenshot({ path: OFFLINE_SCREENSHOT, fullPage: true });
}, 30_000);

// A vendor page with an operation the SDK has never seen, dropped into spec/pages/, gives after
// `npm run generate` alone (no edit of src/) a standalone function that validates and calls it,
// and the same operation on `fax.operations`. Run on a copy of the repository's spec/ and src/.
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
// @ts-expect-error: plain-JS build script without type declarations
import { generate } from "../../scripts/generator.js";
import { startServer, type TestServer } from "../support/server.js";

const root = new URL("../../", import.meta.url).pathname;
const page = new URL("./fixtures/getContact.md", import.meta.url).pathname;

interface Generated {
  getContact: (client: unknown, params: unknown) => Promise<unknown>;
}
interface Sdk {
  createFaxPlus: (options: object) => unknown;
  FaxPlus: new (options: object) => {
    operations: Record<string, (params: unknown) => Promise<unknown>>;
  };
  ValidationError: new (...args: never[]) => Error;
}

let dir: string;
let server: TestServer;
let generated: Generated;
let sdk: Sdk;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "faxplus-new-operation-"));
  for (const path of ["spec", "src", "redocly.yaml"])
    await cp(join(root, path), join(dir, path), { recursive: true });
  await mkdir(join(dir, "generated"));
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  await cp(page, join(dir, "spec/pages/getContact.md"));
  // `npm run generate` on the copy, in-process (scripts/generator.js is what the command runs).
  const printed: string[] = [];
  const log = {
    info: (line: string) => printed.push(line),
    warn: (line: string) => printed.push(line),
  };
  expect(await generate({ root: dir, log })).toBe(0);
  expect(printed.join("\n")).toMatch(/wrote .*generated\/operations\.ts/);
  generated = (await import(join(dir, "generated/operations.ts"))) as Generated;
  sdk = (await import(join(dir, "src/index.ts"))) as Sdk;
  server = await startServer((request) =>
    request.path === "/accounts/self/contacts/c42"
      ? { json: { id: "c42", name: "Ada", fax_number: "+14155550123" } }
      : { status: 404, json: { error: "not_found" } },
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("gives a standalone function that calls the new operation", async () => {
  const client = sdk.createFaxPlus({ token: "t", baseUrl: server.baseUrl });
  expect(await generated.getContact(client, { contact_id: "c42" })).toEqual({
    id: "c42",
    name: "Ada",
    fax_number: "+14155550123",
  });
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    "GET /accounts/self/contacts/c42",
  ]);
});

it("checks its parameters against the page's rules before sending", async () => {
  const client = sdk.createFaxPlus({ token: "t", baseUrl: server.baseUrl });
  server.requests.length = 0;
  const error = await generated.getContact(client, { contact_id: "42" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(sdk.ValidationError);
  expect(error).toMatchObject({
    field: "path.contact_id",
    // A pattern of a kind core/patterns.ts does not name, in words, never as the regex.
    rule: 'is not written the way the API expects (got "42")',
  });
  expect(server.requests).toHaveLength(0);
});

it("is reachable from the class too", async () => {
  const fax = new sdk.FaxPlus({ token: "t", baseUrl: server.baseUrl });
  expect(await fax.operations["getContact"]!({ contact_id: "c42" })).toMatchObject({ id: "c42" });
});

it("is routed by the mock with no edit of src/mock/: 501 naming it, 405 for another method", async () => {
  const mockModule = (await import(join(dir, "src/mock/index.ts"))) as {
    startMockServer: () => Promise<{ baseUrl: string; close: () => Promise<void> }>;
  };
  const mock = await mockModule.startMockServer();
  try {
    const get = (id: string) =>
      fetch(`${mock.baseUrl}/accounts/self/contacts/${id}`, {
        headers: { authorization: "Bearer t" },
      });
    const answer = await get("c42");
    expect(answer.status).toBe(501);
    expect(await answer.json()).toMatchObject({
      error: "not_implemented",
      description: expect.stringContaining("getContact"),
    });
    const put = await fetch(`${mock.baseUrl}/accounts/self/contacts/c42`, {
      method: "PUT",
      headers: { authorization: "Bearer t" },
    });
    expect(put.status).toBe(405);
  } finally {
    await mock.close();
  }
});

// `npm run generate` as a maintainer runs it after saving a vendor page: each test copies the
// real spec/, generated/ and redocly.yaml into a throwaway folder, saves a page from fixtures/
// the way a maintainer would, runs the generator there (in-process: scripts/generator.js's
// `generate()`, which the command is a thin wrapper of) and reads what it printed and wrote.
// One test runs the command itself, for its exit code and streams.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: plain-JS build script without type declarations
import { generate as generateIn } from "../../scripts/generator.js";

const run = promisify(execFile);
const repo = new URL("../../", import.meta.url).pathname;
const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const script = join(repo, "scripts/generate.js");
const TIMEOUT = 120_000; // a hang guard: one regeneration per run, on a machine other suites load

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A copy of the project's spec/, generated/ and redocly.yaml. */
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-regenerate-"));
  made.push(dir);
  for (const name of ["spec", "generated", "redocly.yaml"]) {
    await cp(join(repo, name), join(dir, name), { recursive: true });
  }
  return dir;
}

/** `npm run generate` (or `--check`) on `dir`, in-process: its exit code and what it printed. */
async function generate(dir: string, ...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code: number = await generateIn({
    root: dir,
    check: args.includes("--check"),
    log: { info: (line: string) => stdout.push(line), warn: (line: string) => stderr.push(line) },
  });
  const text = (lines: string[]) => lines.map((line) => `${line}\n`).join("");
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

/** Saves a page of spec/pages/ with one passage changed, as a vendor update would. */
async function savePage(dir: string, page: string, before: string, after: string) {
  const file = join(dir, "spec/pages", page);
  const text = await readFile(file, "utf8");
  expect(text).toContain(before);
  await writeFile(file, text.replace(before, after));
}

/** How the build names the correction that rewrites a vendor pattern. */
async function correctionLabel(pattern: string): Promise<string> {
  const overlay = parse(await readFile(join(repo, "spec/corrections.overlay.yaml"), "utf8"));
  const actions: { target: string }[] = overlay.actions;
  const index = actions.findIndex((a) => a.target === `$..[?@.pattern == '${pattern}']`);
  expect(index).toBeGreaterThanOrEqual(0);
  return `spec/corrections.overlay.yaml action #${index + 1} (${actions[index]!.target})`;
}

const committed = (file: string) => readFile(join(repo, file), "utf8");
const output = (dir: string, file: string) => readFile(join(dir, file), "utf8");
const openapi = async (dir: string) => parse(await output(dir, "generated/openapi.yaml"));

describe("npm run generate on realistic page updates", () => {
  it(
    "a vendor getFax page replaces the fragment's operation and schemas, and keeps the default and 401 answers",
    async () => {
      const dir = await project();
      await cp(join(fixtures, "getFax.md"), join(dir, "spec/pages/getFax.md"));
      const { code, stdout, stderr } = await generate(dir);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain(
        "spec/pages/getFax.md replaces spec/local/getFax.yaml for GET /accounts/{user_id}/faxes/{fax_id}",
      );
      expect(stdout).toContain(
        "spec/local/getFax.yaml is now wholly replaced by the vendor's pages: delete it",
      );
      expect(stdout).toContain(
        "components.schemas.Fax: spec/pages/getFax.md replaces spec/local/getFax.yaml's definition:\n  `from_number`: field removed",
      );
      expect(stdout).toContain(
        "components.schemas.FaxStatus: spec/pages/getFax.md replaces spec/local/getFax.yaml's definition:\n  wording only (descriptions, examples)",
      );

      const doc = await openapi(dir);
      const getFax = doc.paths["/accounts/{user_id}/faxes/{fax_id}"].get;
      expect(getFax.description).toMatch(/^Get a specific fax record/); // the vendor's words
      expect(getFax.responses.default).toEqual({ $ref: "#/components/responses/UnexpectedError" });
      expect(getFax.responses["401"]).toEqual({
        $ref: "#/components/responses/UnauthorizedError",
      });
      expect(doc.components.schemas.Fax.description).toBe("Fax record (CDR) object");
      // Schemas only fragments define stay: listFaxes still lists Fax records.
      expect(doc.components.schemas.FaxList).toBeDefined();

      const changes = await output(dir, "generated/CHANGES.md");
      expect(changes).toContain(
        "## getFax (GET /accounts/{user_id}/faxes/{fax_id})\n\n- **BREAKING** `response 200.from_number`: field removed",
      );
      expect(stdout).toContain(
        "BREAKING getFax (GET /accounts/{user_id}/faxes/{fax_id}) response 200.from_number: field removed",
      );
    },
    TIMEOUT,
  );

  it(
    "the seeds as they come (.txt names, CRLF endings, the rendered page beside them) build the same API",
    async () => {
      const dir = await project();
      const pages = join(dir, "spec/pages");
      await rm(pages, { recursive: true });
      await mkdir(pages);
      await cp(
        join(repo, "spec/pages/bulkUpdateOutboxFaxes.md"),
        join(pages, "000_6397154dcf4ea3d4.txt"),
      );
      await cp(
        join(repo, "spec/pages/bulkUpdateFaxes.md"),
        join(pages, "001_64d8d39618e585df.txt"),
      );
      await cp(
        join(repo, "spec/pages/updateOutboxFax.md"),
        join(pages, "002_53f44ebd4f6bdbce.txt"),
      );
      for (const seed of ["003_4f9c1d36c4173b67.txt", "004_d57a7682b0dab6b2.txt"]) {
        await cp(join(fixtures, seed), join(pages, seed));
      }
      await writeFile(join(pages, "notes.html"), "<p>saved by mistake</p>");
      const { code, stdout, stderr } = await generate(dir);
      expect(code).toBe(0);
      expect(stderr).toContain(
        "spec/pages/004_d57a7682b0dab6b2.txt: no OpenAPI block, skipped (the rendered web page of POST /accounts/{user_id}/outbox, which another file defines)",
      );
      expect(stderr).toContain(
        "spec/pages/notes.html: not read (pages are .md, .txt, .markdown files)",
      );
      expect(stdout).toContain("API surface: no change since the committed generated/openapi.yaml");
      expect(await output(dir, "generated/openapi.yaml")).toBe(
        await committed("generated/openapi.yaml"),
      );
    },
    TIMEOUT,
  );

  it(
    "the rendered page saved over sendFax.md stops the build with what happened, not a stale correction",
    async () => {
      const dir = await project();
      await cp(join(fixtures, "004_d57a7682b0dab6b2.txt"), join(dir, "spec/pages/sendFax.md"));
      const { code, stderr } = await generate(dir);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "spec error: spec/pages/sendFax.md has no OpenAPI block: it is the rendered web page of POST /accounts/{user_id}/outbox, and no page or fragment defines that operation now.",
      );
      expect(stderr).not.toMatch(/correction|selects nothing/);
      expect(await output(dir, "generated/openapi.yaml")).toBe(
        await committed("generated/openapi.yaml"),
      );
    },
    TIMEOUT,
  );

  it(
    "an OpenAPI 3.1 page is refused by name before anything is merged or linted",
    async () => {
      const dir = await project();
      await cp(join(fixtures, "getFax-openapi-3.1.md"), join(dir, "spec/pages/getFax.md"));
      const { code, stderr } = await generate(dir);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "spec error: spec/pages/getFax.md: OpenAPI 3.1.0; the build reads OpenAPI 3.0.x only",
      );
      expect(stderr).not.toMatch(/Redocly|nullable/);
    },
    TIMEOUT,
  );

  it(
    "a page that tightens a limit and adds a field: the report marks the limit BREAKING and the rules follow",
    async () => {
      const dir = await project();
      await cp(
        join(fixtures, "bulkUpdateFaxes-50-ids.md"),
        join(dir, "spec/pages/bulkUpdateFaxes.md"),
      );
      const { code, stdout } = await generate(dir);
      expect(code).toBe(0);
      const scope = "bulkUpdateFaxes (PUT /accounts/{user_id}/faxes)";
      expect(stdout).toContain(
        "API surface: 2 change(s) since the committed generated/openapi.yaml, 1 BREAKING",
      );
      expect(stdout).toContain(`BREAKING ${scope} body.ids: maxItems \`100\` → \`50\` (tightened)`);
      expect(stdout).toContain(`${scope} body.is_spam: field added (\`boolean\`, optional)`);
      const changes = await output(dir, "generated/CHANGES.md");
      expect(changes).toContain("**1 breaking change(s)**");
      expect(changes).toContain("- **BREAKING** `body.ids`: maxItems `100` → `50` (tightened)");
      const request = (await openapi(dir)).components.schemas.BulkFaxUpdateRequest;
      expect(request.properties.ids.maxItems).toBe(50);
      expect(request.properties.is_spam).toMatchObject({ type: "boolean" });
      expect(await output(dir, "generated/rules.ts")).not.toBe(
        await committed("generated/rules.ts"),
      );
    },
    TIMEOUT,
  );

  it(
    "a Send a fax page with a new, linear number pattern regenerates: the vendor's pattern is used, and the report names the rewrite to delete",
    async () => {
      const dir = await project();
      const vendorOld = "^[+][0-9]{8,}([*]{0,10}[0-9]+)?$";
      const vendorNew = "^[+][1-9][0-9]{7,14}$"; // E.164, linear
      await savePage(dir, "sendFax.md", `pattern: ${vendorOld}\n`, `pattern: ${vendorNew}\n`);
      const { code, stdout, stderr } = await generate(dir);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const label = await correctionLabel(vendorOld);
      expect(stdout).toContain(`Correction no longer needed (delete it): ${label}`);
      expect(stdout).toContain(
        `${label} is no longer needed: the vendor changed the pattern it rewrites, and every pattern is now linear`,
      );
      const to = (await openapi(dir)).components.schemas.PayloadOutbox.properties.to;
      expect(to.items.pattern).toBe(vendorNew);
      expect(await output(dir, "generated/rules.ts")).toContain(JSON.stringify(vendorNew));
      // The other rewrites still apply: the sender list keeps our linear pattern.
      expect(stdout).not.toMatch(/no longer needed.*no_number/);
      expect(stdout).toContain(
        "REVIEW sendFax (POST /accounts/{user_id}/outbox) body.to[]: pattern",
      );
    },
    TIMEOUT,
  );

  it(
    "a page with a new super-linear pattern still stops, naming the pattern and the rewrite that no longer fits",
    async () => {
      const dir = await project();
      const vendorOld = "^[+][0-9]{8,}([*]{0,10}[0-9]+)?$";
      await savePage(dir, "sendFax.md", `pattern: ${vendorOld}\n`, "pattern: ^[+]([0-9]+)+$\n");
      const { code, stderr } = await generate(dir);
      expect(code).toBe(1);
      expect(stderr).toContain("pattern(s) can stall a backtracking regex engine (ReDoS)");
      expect(stderr).toContain(
        'components.schemas.PayloadOutbox.properties.to.items: "^[+]([0-9]+)+$" is',
      );
      expect(stderr).toContain(
        `${await correctionLabel(vendorOld)} no longer found the vendor's old pattern`,
      );
      expect(await output(dir, "generated/openapi.yaml")).toBe(
        await committed("generated/openapi.yaml"),
      );
    },
    TIMEOUT,
  );

  it(
    "two vendor pages that disagree fail, naming both pages and the field",
    async () => {
      const dir = await project();
      await cp(
        join(fixtures, "bulkUpdateFaxes-50-ids.md"),
        join(dir, "spec/pages/bulkUpdateFaxes-new.md"),
      );
      const { code, stderr } = await generate(dir);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "spec error: spec/pages/bulkUpdateFaxes-new.md and spec/pages/bulkUpdateFaxes.md define PUT /accounts/{user_id}/faxes differently: description is",
      );
    },
    TIMEOUT,
  );
});

describe("generated/CHANGES.md and the drift check", () => {
  const git = (dir: string, ...args: string[]) =>
    run("git", [
      "-C",
      dir,
      "-c",
      "user.name=test",
      "-c",
      "user.email=test@example.invalid",
      ...args,
    ]);

  it(
    "reports against the commit until the next commit, then stays stable",
    async () => {
      const dir = await project();
      await git(dir, "init", "-q");
      await git(dir, "add", "-A");
      await git(dir, "commit", "-q", "-m", "baseline");
      await cp(
        join(fixtures, "bulkUpdateFaxes-50-ids.md"),
        join(dir, "spec/pages/bulkUpdateFaxes.md"),
      );

      const first = await generate(dir);
      const report = await output(dir, "generated/CHANGES.md");
      expect(first.stdout).toContain("1 BREAKING");
      // A second run before committing still compares with the commit, not with its own output.
      const second = await generate(dir);
      expect(second.stdout).toContain("1 BREAKING");
      expect(await output(dir, "generated/CHANGES.md")).toBe(report);
      expect((await generate(dir, "--check")).stdout).toContain("generated/ matches spec/");

      await git(dir, "add", "-A");
      await git(dir, "commit", "-q", "-m", "bulkUpdateFaxes: 50 IDs");
      const check = await generate(dir, "--check");
      expect(check.code).toBe(0);
      const third = await generate(dir);
      expect(third.stdout).toContain(
        "API surface: no change since the committed generated/openapi.yaml",
      );
      // The committed report of the change stays; the work tree stays clean.
      expect(await output(dir, "generated/CHANGES.md")).toBe(report);
      expect((await git(dir, "status", "--porcelain")).stdout).toBe("");

      // A hand edit of generated/ is still caught.
      await writeFile(join(dir, "generated/CHANGES.md"), "edited\n");
      expect((await generate(dir, "--check")).code).toBe(1);
    },
    TIMEOUT * 2,
  );
});

describe("failures leave generated/ untouched", () => {
  it(
    "broken YAML names the page and line; the command exits 1 and writes nothing",
    async () => {
      const dir = await project();
      await cp(join(fixtures, "d-broken.md"), join(dir, "spec/pages/d-broken.md"));
      const before = await readdir(join(dir, "generated"));
      // The command itself, as `npm run generate` runs it.
      const { code, stderr } = await run(process.execPath, [script, "--root", dir]).then(
        (result) => ({ ...result, code: 0 }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/spec\/pages\/d-broken\.md: broken YAML at line \d+/);
      expect(await readdir(join(dir, "generated"))).toEqual(before);
      expect(await output(dir, "generated/openapi.yaml")).toBe(
        await committed("generated/openapi.yaml"),
      );
    },
    TIMEOUT,
  );

  it(
    "a correction whose target the vendor changed is reported with the old and the new value",
    async () => {
      const dir = await project();
      // The vendor fixes the send_time pattern themselves, in their own way.
      const file = join(dir, "spec/pages/sendFax.md");
      const text = await readFile(file, "utf8");
      const vendorOld = "[+|-][0-9]{4}\n";
      expect(text).toContain(vendorOld);
      await writeFile(file, text.replace(vendorOld, "[+-][0-9]{4}\n"));
      const { code, stderr } = await generate(dir);
      expect(code).toBe(1);
      expect(stderr).toContain(
        'the vendor changed /components/schemas/PayloadOutbox/properties/send_time/pattern from "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+|-][0-9]{4}" to "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}"',
      );
    },
    TIMEOUT,
  );
});

// The installed `faxplus` process (not piped to a terminal) against the embedded mock, whose
// recorded requests show what the command sent, or that it sent nothing.
import { spawn } from "node:child_process";
import { chmod, lstat, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { FaxPlus } from "../../src/index.js";
import { pdfDocument, seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { startServer } from "../support/server.js";
import { installCli, type Cli, type Result, type RunOptions } from "./harness.js";

const TOKEN = "cli-test-token-7f3a9c";
const FROM = seeds.number;

let cli: Cli;
let mock: MockServer;

beforeAll(async () => {
  cli = await installCli();
  await writeFile(join(cli.dir, "first.pdf"), pdfDocument("first page"));
  await writeFile(join(cli.dir, "second.pdf"), pdfDocument("second page"));
}, 120_000);
afterAll(() => cli?.remove());

beforeEach(async () => {
  mock = await startMockServer({ token: TOKEN });
});
afterEach(() => mock.close());

/** Runs faxplus against the mock with the right token unless `env` says otherwise. */
function faxplus(args: string[], options: RunOptions = {}): Promise<Result> {
  const env = { FAXPLUS_TOKEN: TOKEN, FAXPLUS_BASE_URL: mock.baseUrl, ...options.env };
  return cli.run(args, { ...options, env });
}

const operations = () => mock.requests.map((r) => r.operationId);
const lines = (text: string) => text.split("\n").filter((line) => line !== "");

describe("send", () => {
  it("uploads the files in order, sends them and prints destination -> fax ID", async () => {
    const to = ["+14155550123", "+14155550124"];
    const result = await faxplus([
      "send",
      "--from",
      FROM,
      "--to",
      to[0]!,
      "--to",
      to[1]!,
      "first.pdf",
      "second.pdf",
      "--comment",
      "contract",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(operations()).toEqual(["uploadFile", "uploadFile", "sendFax"]);

    const uploaded = [...mock.state.files.values()];
    expect(uploaded.map((f) => f.fileName)).toEqual(["first.pdf", "second.pdf"]);
    expect(Buffer.from(uploaded[0]!.bytes)).toEqual(await readFile(join(cli.dir, "first.pdf")));
    const body = mock.requests.at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      from: FROM,
      to,
      files: uploaded.map((f) => f.path),
      comment: { text: "contract" },
    });

    // One tab-separated line per destination, with the ID the API returned.
    const job = [...mock.state.outbox.values()].find((j) => j.record.files?.length === 2)!;
    expect(lines(result.stdout)).toEqual(to.map((number) => `${number}\t${job.faxIds[number]}`));
  });

  it("combines an uploaded file with --from-fax, and sends --from-fax alone; --json prints the ID map", async () => {
    const combined = await faxplus([
      "send",
      "--from",
      FROM,
      "--to",
      "+14155550123",
      "--from-fax",
      seeds.sentFaxId,
      "first.pdf",
      "--json",
    ]);
    expect(combined.code).toBe(0);
    const { key, ids } = JSON.parse(combined.stdout) as {
      key: string;
      ids: Record<string, string>;
    };
    expect(Object.keys(ids)).toEqual(["+14155550123"]);
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    const sent = mock.requests.filter((r) => r.operationId === "sendFax");
    expect(sent[0]!.body).toMatchObject({
      from_fax: { fax_id: seeds.sentFaxId },
      files: [expect.stringMatching(/^\/transient-/)],
    });

    const alone = await faxplus(
      ["send", "--from", FROM, "--to", "+14155550125"].concat(["--from-fax", seeds.sentFaxId]),
    );
    expect(alone.code).toBe(0);
    expect(operations().filter((op) => op === "uploadFile")).toHaveLength(1);
    const jobs = [...mock.state.outbox.values()].map((j) => j.record);
    const job = jobs.find((j) => j.to?.includes("+14155550125"))!;
    // The referenced fax's document is the job's only file.
    expect(job.files).toHaveLength(1);
  });

  it("--wait follows every fax to delivery and prints destination, ID and final status", async () => {
    const to = ["+14155550123", "+14155550124"];
    const result = await faxplus(
      ["send", "--from", FROM, "--to", to[0]!, "--to", to[1]!, "first.pdf", "--wait"],
      {},
    );
    // The IDs are on stderr the moment they are known, before waiting.
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^faxplus: queued \+14155550123 as [0-9a-f]{32} \(key /),
      expect.stringMatching(/^faxplus: queued \+14155550124 as [0-9a-f]{32} \(key /),
    ]);
    expect(result.code).toBe(0);
    const rows = lines(result.stdout).map((line) => line.split("\t"));
    expect(rows.map(([number, , status]) => [number, status])).toEqual([
      [to[0], "success"],
      [to[1], "success"],
    ]);
    for (const [, id] of rows) expect(mock.state.faxes.get(id!)?.status).toBe("success");
  });

  it("refuses a bad number with exit code 2 before any request", async () => {
    const result = await faxplus(["send", "--from", FROM, "--to", "555-0100", "first.pdf"]);
    expect(result.code).toBe(2);
    expect(mock.requests).toHaveLength(0);
    expect(result.stdout).toBe("");
    // The number as read (separators removed), then the refusal in words, never a regex.
    const [note, error] = lines(result.stderr);
    expect(note).toBe('faxplus: --to "555-0100" read as 5550100');
    expect(error).toMatch(
      /^faxplus: send: refused before sending: to\[0\]: must be a fax number: \+ then the country code and number, .*e\.g\. \+\d+/,
    );
    expect(error?.split("to[0]: ")[1]).not.toMatch(/[[\]{}^$]/);
    expect(lines(result.stderr)).toHaveLength(2);
  });

  it("accepts numbers written with spaces, dashes, dots, parentheses or 00, and says what it sent", async () => {
    const result = await faxplus([
      "send",
      "--from",
      FROM.replace(/^\+(\d)(\d{3})(\d{3})/, "+$1 ($2) $3-"),
      "--to",
      "+1 415.555.0123",
      "--to",
      "0044 20 7946 0018",
      "first.pdf",
    ]);
    expect(result.code).toBe(0);
    const sent = mock.requests.find((r) => r.operationId === "sendFax")?.body as {
      from: string;
      to: string[];
    };
    expect(sent).toMatchObject({ from: FROM, to: ["+14155550123", "+442079460018"] });
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^faxplus: --from ".*" read as \+\d+$/),
      'faxplus: --to "+1 415.555.0123" read as +14155550123',
      'faxplus: --to "0044 20 7946 0018" read as +442079460018',
    ]);
  });

  it("refuses a missing file with exit code 2 before any request", async () => {
    const result = await faxplus(["send", "--from", FROM, "--to", "+14155550123", "nope.pdf"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("faxplus: send: cannot read nope.pdf: no such file\n");
    expect(mock.requests).toHaveLength(0);
  });

  it("after a 5xx, finds out that nothing was queued before sending again, once", async () => {
    mock.failNext(1, 503);
    const args = ["send", "--from", FROM, "--to", "+14155550123", "--from-fax", seeds.sentFaxId];
    const result = await faxplus([...args, "--visibility", "0"]);
    expect(result.code).toBe(0);
    expect(operations()).toEqual(["sendFax", "listOutboxFaxes", "listFaxes", "sendFax"]);
    const jobs = [...mock.state.outbox.values()].filter((j) =>
      j.record.to?.includes("+14155550123"),
    );
    expect(jobs).toHaveLength(1);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^\+14155550123\t[0-9a-f]{32}$/)]);
  });

  it("says no fax was queued when an upload failed", async () => {
    mock.failNext(1, 503);
    const result = await faxplus(["send", "--from", FROM, "--to", "+14155550123", "first.pdf"]);
    expect(result.code).toBe(1);
    expect(operations()).toEqual(["uploadFile"]);
    expect(result.stderr).toMatch(
      /503 .*\(POST \/accounts\/\{user_id\}\/files\)\. No fax was queued\.$/m,
    );
  });

  it("resend and forward send the document of an existing fax", async () => {
    const resent = await faxplus(["resend", seeds.failedFaxId]);
    expect(resent.code).toBe(0);
    const original = mock.state.faxes.get(seeds.failedFaxId)!;
    expect(resent.stdout).toMatch(new RegExp(`^\\${original.to}\\t\\w+\\n$`));
    const forwarded = await faxplus([
      "forward",
      seeds.inboxFaxId(0),
      "--from",
      FROM,
      "--to",
      "+14155550199",
    ]);
    expect(forwarded.code).toBe(0);
    const bodies = mock.requests.filter((r) => r.operationId === "sendFax").map((r) => r.body);
    expect(bodies).toEqual([
      expect.objectContaining({ from_fax: { fax_id: seeds.failedFaxId }, to: [original.to] }),
      expect.objectContaining({ from_fax: { fax_id: seeds.inboxFaxId(0) }, to: ["+14155550199"] }),
    ]);
  });
});

describe("--dry-run", () => {
  it("send: validates, prints the uploads and the send request, and sends nothing", async () => {
    const args = ["send", "--from", FROM, "--to", "+14155550123", "first.pdf"];
    const result = await faxplus([...args, "--from-fax", seeds.sentFaxId, "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(mock.requests).toHaveLength(0);
    const size = (await readFile(join(cli.dir, "first.pdf"))).length;
    expect(JSON.parse(result.stdout)).toEqual({
      dryRun: true,
      requests: [
        {
          method: "POST",
          url: `${mock.baseUrl}/accounts/self/files`,
          sent: false,
          body: { fax_file: { name: "first.pdf", type: "application/pdf", size } },
        },
        {
          method: "POST",
          url: `${mock.baseUrl}/accounts/self/outbox`,
          sent: false,
          body: {
            from: FROM,
            to: ["+14155550123"],
            files: ["<upload of first.pdf>"],
            from_fax: { fax_id: seeds.sentFaxId },
            comment: { tags: [expect.stringMatching(/^fxkey:[A-Za-z0-9_-]{8,}$/)] },
            return_ids: true,
          },
        },
      ],
    });
  });

  it("send: the same validation as a real run (exit code 2, nothing sent)", async () => {
    const result = await faxplus(["send", "--from", FROM, "--to", "555", "first.pdf", "--dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refused before sending: to\[0\]/);
    expect(mock.requests).toHaveLength(0);
  });

  it("mark-read and cancel: print the requests, change nothing", async () => {
    const ids = [seeds.inboxFaxId(0), seeds.inboxFaxId(1)];
    const marked = await faxplus(["mark-read", ...ids, "--dry-run"]);
    expect(marked.code).toBe(0);
    expect(marked.stdout).toContain(`PUT ${mock.baseUrl}/accounts/self/faxes\n`);
    expect(marked.stdout).toContain(JSON.stringify({ is_read: true, ids }));
    const cancelled = await faxplus(["cancel", seeds.scheduledJobId, "--dry-run"]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(
      `DELETE ${mock.baseUrl}/accounts/self/outbox/${seeds.scheduledJobId}`,
    );
    expect(mock.requests).toHaveLength(0);
    expect(mock.state.faxes.get(ids[0]!)?.is_read).toBe(false);
    expect(mock.state.outbox.has(seeds.scheduledJobId)).toBe(true);
  });

  it("resend: reads the original fax (a GET) but does not send it", async () => {
    const result = await faxplus(["resend", seeds.failedFaxId, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(mock.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(result.stdout).toMatch(/POST .*\/accounts\/self\/outbox\n/);
  });
});

describe("list, get, outbox, cancel", () => {
  it("list --json prints the records; piped text is one tab-separated line per record", async () => {
    const json = await faxplus(["list", "--category", "inbox", "--limit", "5", "--json"]);
    expect(json.code).toBe(0);
    const records = JSON.parse(json.stdout) as { id: string; from: string; status: string }[];
    const expected = await new FaxPlus({ token: TOKEN, baseUrl: mock.baseUrl }).listFaxPage({
      category: "inbox",
      limit: 5,
    });
    expect(records).toEqual(expected.records);

    const text = await faxplus(["list", "--category", "inbox", "--limit", "5"]);
    const rows = lines(text.stdout).map((line) => line.split("\t"));
    expect(rows.map((row) => row[0])).toEqual(records.map((r) => r.id));
    // id, date, from, to, pages, status, read: no header, no padding, no colour.
    expect(rows[0]).toHaveLength(7);
    expect(rows[0]![2]).toBe(records[0]!.from);
    expect(text.stdout).not.toContain("\x1b[");
  });

  it("list --all follows every page", async () => {
    const result = await faxplus(["list", "--category", "sent", "--limit", "1", "--all", "--json"]);
    expect(result.code).toBe(0);
    const sent = [...mock.state.faxes.values()].filter(
      (f) => f.direction === "outgoing" && f.owner_id === seeds.selfUid,
    );
    expect((JSON.parse(result.stdout) as unknown[]).length).toBe(sent.length);
  });

  it("refuses a category the spec does not have (exit code 2, nothing sent)", async () => {
    const result = await faxplus(["list", "--category", "archive"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/query\.category: must be one of/);
    expect(mock.requests).toHaveLength(0);
  });

  it("get prints the record's fields; outbox lists jobs; cancel removes one", async () => {
    const got = await faxplus(["get", seeds.failedFaxId]);
    expect(got.code).toBe(0);
    expect(lines(got.stdout)).toContain("status\tfailed_user_busy");

    const outbox = await faxplus(["outbox"]);
    expect(lines(outbox.stdout).map((line) => line.split("\t")[0])).toEqual([seeds.scheduledJobId]);
    const cancelled = await faxplus(["cancel", seeds.scheduledJobId]);
    expect(cancelled.code).toBe(0);
    expect(mock.state.outbox.has(seeds.scheduledJobId)).toBe(false);
    const missing = await faxplus(["get", "0123456789abcdef0123456789abcdef"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^faxplus: get: the API answered 404 /);
  });

  it("wait exits 1 for a fax that failed, and prints its status", async () => {
    const result = await faxplus(["wait", seeds.failedFaxId]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${seeds.failedFaxId}\tfailed_user_busy\n`);
    expect(result.stderr).toMatch(/the fax failed: .*failed_user_busy/);
  });
});

describe("download", () => {
  it("saves the document and the report; the bytes are the API's", async () => {
    const sdk = new FaxPlus({ token: TOKEN, baseUrl: mock.baseUrl });
    const expected = Buffer.from(await (await sdk.download(seeds.sentFaxId)).arrayBuffer());
    const result = await faxplus(["download", seeds.sentFaxId, "-o", "fax.pdf"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("fax.pdf\n");
    expect(await readFile(join(cli.dir, "fax.pdf"))).toEqual(expected);

    const report = await faxplus(["download", seeds.sentFaxId, "--report"]);
    expect(report.stdout).toBe(`${seeds.sentFaxId}-report.pdf\n`);
    const reportBytes = Buffer.from(
      await (await sdk.downloadReport(seeds.sentFaxId)).arrayBuffer(),
    );
    expect(await readFile(join(cli.dir, `${seeds.sentFaxId}-report.pdf`))).toEqual(reportBytes);

    const piped = await faxplus(["download", seeds.sentFaxId, "-o", "-"]);
    expect(piped.bytes).toEqual(expected);
  });

  /** The document as the API has it. */
  async function documentBytes(): Promise<Buffer> {
    const sdk = new FaxPlus({ token: TOKEN, baseUrl: mock.baseUrl });
    return Buffer.from(await (await sdk.download(seeds.sentFaxId)).arrayBuffer());
  }
  /** Files left in `dir` whose name says they are partial downloads. */
  const partials = async (dir = cli.dir) =>
    (await readdir(dir)).filter((name) => name.endsWith(".part"));

  it("-o: a new file is created private (0600); an existing file is replaced atomically, keeping its mode", async () => {
    const expected = await documentBytes();
    const fresh = join(cli.dir, "private.pdf");
    await rm(fresh, { force: true });
    expect((await faxplus(["download", seeds.sentFaxId, "-o", "private.pdf"])).code).toBe(0);
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);

    const kept = join(cli.dir, "shared.pdf");
    await writeFile(kept, "old");
    await chmod(kept, 0o640);
    const before = (await stat(kept)).ino;
    expect((await faxplus(["download", seeds.sentFaxId, "-o", "shared.pdf"])).code).toBe(0);
    const after = await stat(kept);
    expect(after.mode & 0o777).toBe(0o640);
    expect(after.ino).not.toBe(before); // a new file renamed over the old one: never half written
    expect(await readFile(kept)).toEqual(expected);
    expect(await partials()).toEqual([]);
  });

  it("-o: a symlink is written through; /dev/stdout and a FIFO are written to directly", async () => {
    const expected = await documentBytes();
    await writeFile(join(cli.dir, "real.pdf"), "old");
    await rm(join(cli.dir, "link.pdf"), { force: true });
    await symlink("real.pdf", join(cli.dir, "link.pdf"));
    expect((await faxplus(["download", seeds.sentFaxId, "-o", "link.pdf"])).code).toBe(0);
    expect((await lstat(join(cli.dir, "link.pdf"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(cli.dir, "real.pdf"))).toEqual(expected);

    const stdout = await faxplus(["download", seeds.sentFaxId, "-o", "/dev/stdout"]);
    expect(stdout.code).toBe(0);
    expect(stdout.bytes).toEqual(expected); // the document only: no file name after it
    const device = await faxplus(["download", seeds.sentFaxId, "-o", "/dev/null"]);
    expect([device.code, device.stdout, device.stderr]).toEqual([0, "", ""]);

    const fifo = join(cli.dir, "fax.fifo");
    await rm(fifo, { force: true });
    await new Promise((resolve, reject) =>
      spawn("mkfifo", [fifo]).once("close", resolve).once("error", reject),
    );
    const reader = new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const cat = spawn("cat", [fifo]);
      cat.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
      cat.once("error", reject);
      cat.once("close", () => resolve(Buffer.concat(chunks)));
    });
    expect((await faxplus(["download", seeds.sentFaxId, "-o", "fax.fifo"])).code).toBe(0);
    expect(await reader).toEqual(expected);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("-o into a missing folder: exit 2, the path given named, nothing requested or left", async () => {
    const result = await faxplus(["download", seeds.sentFaxId, "-o", "missing/fax.pdf"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("faxplus: download: cannot write missing/fax.pdf: no such folder\n");
    expect(mock.requests).toHaveLength(0);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during a download removes the partial file (exit %i)", async (signal, code) => {
    // A server that sends the start of a document and then nothing more.
    const stalled = await startServer((_request, res) => {
      res.writeHead(200, { "content-type": "application/pdf", "content-length": "1000000" });
      res.write(Buffer.alloc(4096, 1));
    });
    try {
      const child = cli.start(["download", "f1", "-o", "stalled.pdf"], {
        env: { FAXPLUS_TOKEN: TOKEN, FAXPLUS_BASE_URL: stalled.baseUrl },
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      // Wait (without a clock) until the partial file has bytes in it.
      for (;;) {
        const [part] = await partials();
        if (part && (await stat(join(cli.dir, part)).catch(() => undefined))?.size) break;
        if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode})`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(await partials()).toEqual([]);
      await expect(stat(join(cli.dir, "stalled.pdf"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await stalled.close();
    }
  });
});

describe("numbers, account, webhooks", () => {
  it("numbers and account print what the API has, as a table or JSON", async () => {
    const fax = new FaxPlus({ token: TOKEN, baseUrl: mock.baseUrl });
    const { numbers } = await fax.listNumbers();
    const json = await faxplus(["numbers", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(numbers);
    const text = await faxplus(["numbers"]);
    expect(lines(text.stdout).map((line) => line.split("\t")[0])).toEqual(
      numbers.map((n) => n.number),
    );
    expect(text.stdout).toContain(seeds.number);

    const account = await faxplus(["account", "--json"]);
    expect(JSON.parse(account.stdout)).toEqual(await fax.getAccount());
    expect((await faxplus(["account"])).stdout).toMatch(/^uid\t/m);
  });

  it("webhooks create, list and delete; --dry-run sends nothing", { timeout: 90_000 }, async () => {
    const target = "https://example.com/hook";
    const planned = await faxplus([
      "webhooks",
      "create",
      "--event",
      "fax_sent",
      "--target",
      target,
      "--dry-run",
    ]);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/POST .*\/hooks/);
    expect(mock.state.webhooks.size).toBe(0);

    const created = await faxplus([
      "webhooks",
      "create",
      "--event",
      "fax_sent",
      "--target",
      target,
      "--json",
    ]);
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect([...mock.state.webhooks.keys()]).toEqual([id]);

    // Without --event: every event of the spec, one request each.
    const listed = await faxplus(["webhooks", "list", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([{ id, event: "fax_sent", target }]);
    expect(operations().filter((o) => o === "getWebhooks").length).toBeGreaterThan(1);
    const text = await faxplus(["webhooks", "list", "--event", "fax_sent"]);
    expect(lines(text.stdout)).toEqual([`${id}\tfax_sent\t${target}`]);

    const deleted = await faxplus(["webhooks", "delete", id, "--json"]);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: id });
    expect(mock.state.webhooks.size).toBe(0);
  });

  it("cancel --json", async () => {
    const result = await faxplus(["cancel", seeds.scheduledJobId, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ cancelled: seeds.scheduledJobId });
    expect(mock.state.outbox.has(seeds.scheduledJobId)).toBe(false);
  });

  it("every command takes --json (as the completion script, written from the table, shows)", async () => {
    const help = await cli.run(["--help"]);
    const names = [...help.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(["numbers", "account", "webhooks", "completion"]));
    const bash = (await cli.run(["completion", "bash"])).stdout;
    const optionLines = [...bash.matchAll(/^ +([a-z-]+)\) opts="([^"]*)"/gm)];
    expect(optionLines.map((m) => m[1])).toEqual(
      expect.arrayContaining([
        ...names.filter((n) => n !== "webhooks"),
        "list",
        "create",
        "delete",
      ]),
    );
    for (const [, name, options] of optionLines) expect(options, name).toContain("--json");
  });
});

describe("completion", () => {
  it("bash completes commands, subcommands and options from the command table", async () => {
    const script = await faxplus(["completion", "bash"]);
    expect(script.code).toBe(0);
    await writeFile(join(cli.dir, "completion.bash"), script.stdout);
    const complete = (...words: string[]) =>
      new Promise<string>((resolve, reject) => {
        const line =
          `source completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); ` +
          `COMP_CWORD=${words.length - 1}; _faxplus; echo "\${COMPREPLY[*]}"`;
        const child = spawn("bash", ["-c", line], { cwd: cli.dir });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.once("error", reject);
        child.once("close", () => resolve(out.trim()));
      });
    expect(await complete("faxplus", "li")).toBe("list");
    expect(await complete("faxplus", "list", "--l")).toBe("--limit");
    expect(await complete("faxplus", "webhooks", "cr")).toBe("create");
    expect(await complete("faxplus", "webhooks", "create", "--t")).toBe("--target --token");
    expect(await complete("faxplus", "download", "x", "--")).toContain("--output");
  });

  it("zsh: a #compdef script naming every command; another shell is refused", async () => {
    const script = await faxplus(["completion", "zsh"]);
    expect(script.code).toBe(0);
    expect(script.stdout).toMatch(/^#compdef faxplus\n/);
    for (const name of ["send", "list", "numbers", "account", "webhooks", "completion", "mock"])
      expect(script.stdout).toContain(`'${name}:`);
    expect(script.stdout).toContain("'create:register a webhook'");
    const fish = await faxplus(["completion", "fish"]);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toMatch(/bash or zsh/);
  });
});

describe("mark-read", () => {
  it("marks 250 IDs read from standard input, in batches of the API's maximum", async () => {
    const unread = [...mock.state.faxes.values()]
      .filter((f) => f.owner_id === seeds.selfUid && f.direction === "incoming" && !f.is_read)
      .map((f) => f.id)
      .slice(0, 250);
    expect(unread).toHaveLength(250);
    const result = await faxplus(["mark-read"], { stdin: `${unread.join("\n")}\n` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("250 marked read\n");
    const batchSize = rules.bulkUpdateFaxes.body.properties.ids.maxItems;
    const batches = mock.requests.map((r) => (r.body as { ids: string[] }).ids);
    expect(batches).toHaveLength(Math.ceil(250 / batchSize));
    expect(batches.flat().sort()).toEqual([...unread].sort());
    expect(unread.every((id) => mock.state.faxes.get(id)?.is_read === true)).toBe(true);
  });

  it("refuses an ID the spec does not allow before the first batch (exit code 2)", async () => {
    const tooLong = "f".repeat(rules.bulkUpdateFaxes.body.properties.ids.items.maxLength + 1);
    const ids = [...Array.from({ length: 150 }, (_, i) => seeds.inboxFaxId(i)), tooLong];
    const result = await faxplus(["mark-read", "-"], { stdin: ids.join(" ") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^faxplus: mark-read: refused before sending: ids\[150\]: /);
    expect(mock.requests).toHaveLength(0);
  });

  it("exits 1 and names the IDs that were not updated", async () => {
    const unknown = "0123456789abcdef0123456789abcdef";
    const result = await faxplus(["mark-read", seeds.inboxFaxId(0), unknown, seeds.memberFaxId]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("1 marked read\n");
    expect(result.stderr).toBe(
      `faxplus: mark-read: 2 of 3 faxes not updated (not found: ${unknown}; forbidden: ${seeds.memberFaxId})\n`,
    );
  });
});

describe("errors and configuration", () => {
  const WRONG = "wrong-token-d41d8cd98f00b204";

  it("a wrong token exits 1 with one line that shows no token, even with --verbose", async () => {
    for (const args of [["list"], ["list", "--verbose"], ["mark-read", seeds.inboxFaxId(0)]]) {
      const result = await faxplus(args, { env: { FAXPLUS_TOKEN: WRONG } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^faxplus: [\w-]+: the API answered 401 .*Check the token/m);
      if (!args.includes("--verbose")) expect(lines(result.stderr)).toHaveLength(1);
      for (const output of [result.stdout, result.stderr]) {
        expect(output).not.toContain(WRONG);
        expect(output).not.toContain(TOKEN);
      }
    }
    // The requests did carry the wrong token (so the check above could have found it).
    expect(mock.requests[0]!.headers.authorization).toBe(`Bearer ${WRONG}`);
  });

  it("--token wins over FAXPLUS_TOKEN and is hidden from --verbose output too", async () => {
    const args = ["send", "--from", FROM, "--to", "+14155550123", "first.pdf", "--verbose"];
    const result = await faxplus([...args, "--token", WRONG]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/> POST .*\/files/); // --verbose shows the requests
    expect(result.stderr).toMatch(/No fax was queued\.$/m);
    expect(result.stderr + result.stdout).not.toContain(WRONG);
  });

  it("bad usage exits 2 with one line pointing to --help", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["send", "--to", "+14155550123", "first.pdf"],
        /send: --from is required \(see faxplus send --help\)/,
      ],
      [["list", "--colour"], /list: Unknown option '--colour' \(see faxplus list --help\)/],
      [["get"], /get: missing ID/],
      [["list", "--limit", "ten"], /--limit must be a number/],
      [["frobnicate"], /unknown command frobnicate \(see faxplus --help\)/],
      // Did you mean: a mistyped command, subcommand or option.
      [["lst"], /unknown command lst; did you mean faxplus list\? \(see faxplus --help\)/],
      [["list", "--limt", "5"], /list: Unknown option '--limt'; did you mean --limit\?/],
      [["webhooks", "lsit"], /unknown webhooks command lsit; did you mean faxplus webhooks list\?/],
      [["send", "--form", FROM], /Unknown option '--form'; did you mean --from\?/],
      [["webhooks"], /Usage: faxplus webhooks <command>/],
    ];
    for (const [args, message] of cases) {
      const result = await faxplus(args);
      expect(result.code, args.join(" ")).toBe(2);
      if (args.length > 1 || args[0] !== "webhooks") expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(mock.requests).toHaveLength(0);
  });

  it("without a token or with an http base URL for another host, exits 2 and sends nothing", async () => {
    const noToken = await cli.run(["list"], { env: { FAXPLUS_BASE_URL: mock.baseUrl } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/no API token: set FAXPLUS_TOKEN/);
    const insecure = await faxplus(["list"], {
      env: { FAXPLUS_BASE_URL: "http://example.com/v3" },
    });
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toMatch(/^faxplus: list: FAXPLUS_BASE_URL must use https/);
    expect(mock.requests).toHaveLength(0);
  });

  it("the API unreachable: exit 1, says so", async () => {
    await mock.close();
    const result = await faxplus(["outbox"], { env: { FAXPLUS_BASE_URL: mock.baseUrl } });
    mock = await startMockServer();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not reach the API: GET .*ECONNREFUSED/);
  });

  it("--help and --version", async () => {
    const help = await cli.run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: faxplus <command>/);
    for (const name of ["send", "list", "mark-read", "mock"])
      expect(help.stdout).toContain(`  ${name} `);
    const sendHelp = await cli.run(["send", "--help"]);
    expect(sendHelp.stdout).toMatch(/--dry-run/);
    const version = await cli.run(["--version"]);
    const manifest = JSON.parse(
      await readFile(new URL("../../package.json", import.meta.url), "utf8"),
    );
    expect(version.stdout).toBe(`${(manifest as { version: string }).version}\n`);
  });
});

// The installed `faxplus` against a mock that loses answers: a send finds its fax by its key, a
// broadcast killed with SIGKILL again and again and rerun with the same command ends with exactly
// one fax per recipient, and two broadcasts on one ledger never both send.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pdfDocument, seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { baseEnv, installCli, type Cli, type Result } from "./harness.js";

const TOKEN = "exactly-once-token-1";
let cli: Cli;
let mock: MockServer | undefined;

beforeAll(async () => {
  cli = await installCli();
  await writeFile(join(cli.dir, "doc.pdf"), pdfDocument("one page"));
}, 120_000);
afterAll(() => cli?.remove());
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** A mock whose jobs stay in the outbox (an hour to deliver): the count below sees every fax. */
async function lossyMock(loseAnswers: number, randomSeed = 1): Promise<MockServer> {
  mock = await startMockServer({
    token: TOKEN,
    seed: false,
    deliveryMs: 3_600_000,
    loseAnswers,
    randomSeed,
  });
  return mock;
}

const env = () => ({ FAXPLUS_TOKEN: TOKEN, FAXPLUS_BASE_URL: mock!.baseUrl });

/** Faxes per destination, in the outbox and the sent records together. */
function faxesPerNumber(server: MockServer): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (to: string) => counts.set(to, (counts.get(to) ?? 0) + 1);
  for (const job of server.state.outbox.values()) for (const to of job.record.to ?? []) add(to);
  for (const fax of server.state.faxes.values()) {
    if (fax.direction === "outgoing" && fax.to !== undefined) add(fax.to);
  }
  return counts;
}

function numbers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1415${String(5_000_000 + i).padStart(7, "0")}`);
}

function start(args: string[]): ChildProcess {
  return spawn(cli.bin, args, { cwd: cli.dir, env: { ...baseEnv(), ...env() }, stdio: "pipe" });
}

function finish(child: ChildProcess): Promise<Result> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) => {
    child.once("close", (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code, stdout: bytes.toString(), stderr: Buffer.concat(err).toString(), bytes });
    });
  });
}

async function lineCount(path: string): Promise<number> {
  try {
    if ((await stat(path)).size === 0) return 0;
    return (await readFile(path, "utf8")).split("\n").length - 1;
  } catch {
    return 0;
  }
}

describe("send after a lost answer", () => {
  it("exits 0 and prints the fax's ID, and exactly one fax went to the number (--lose-answers 1)", async () => {
    const server = await lossyMock(1);
    const result = await finish(
      start(["send", "--from", seeds.number, "--to", "+14155550123", "doc.pdf", "--json"]),
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { key: string; jobs: { id: string }[] };
    const [job] = server.state.outbox.values();
    expect(printed.jobs.map((j) => j.id)).toEqual([job!.record.id]);
    expect(job!.record.comment.tags).toEqual([`fxkey:${printed.key}`]);
    expect(faxesPerNumber(server).get("+14155550123")).toBe(1);
    expect(server.faultInjection.lost).toBe(1);
  });
});

describe("a command that sent something is never killed before printing its IDs", () => {
  it("send --wait stopped by SIGTERM: the IDs came before waiting; it stops like Ctrl-C", async () => {
    const server = await lossyMock(0);
    const child = start([
      "send",
      "--from",
      seeds.number,
      "--to",
      "+14155550124",
      "doc.pdf",
      "--wait",
    ]);
    const done = finish(child);
    let stderr = "";
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("queued")) resolve();
      });
    });
    child.kill("SIGTERM");
    const result = await done;
    const [job] = server.state.outbox.values();
    expect(stderr).toMatch(new RegExp(`queued \\+14155550124 as ${job!.faxIds["+14155550124"]}`));
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/stopped waiting; the fax stays queued/);
  });

  it("send --verbose with its stderr reader gone: exit 0, the ID on stdout, one fax", async () => {
    const server = await lossyMock(0);
    const child = start([
      "send",
      "--from",
      seeds.number,
      "--to",
      "+14155550125",
      "doc.pdf",
      "--verbose",
    ]);
    child.stderr?.destroy(); // the reader of stderr is gone: writes to it fail with EPIPE
    const result = await finish(child);
    expect(result.code).toBe(0);
    const [job] = server.state.outbox.values();
    expect(result.stdout).toBe(`+14155550125\t${job!.faxIds["+14155550125"]}\n`);
    expect(faxesPerNumber(server).get("+14155550125")).toBe(1);
  });
});

describe("broadcast", () => {
  it("killed with SIGKILL at seeded moments and rerun, sends exactly one fax per recipient (1,000, 10 % lost answers)", async () => {
    const server = await lossyMock(0.1, 42);
    const recipients = numbers(1000);
    await writeFile(
      join(cli.dir, "many.csv"),
      `number,name\n# a comment\n\n${recipients.map((n, i) => `${n},Person ${i}`).join("\n")}\n`,
    );
    const ledger = join(cli.dir, "many.ledger");
    const args = [
      "broadcast",
      "--from",
      seeds.number,
      "--recipients",
      "many.csv",
      "--ledger",
      "many.ledger",
      "--concurrency",
      "8",
      "--visibility",
      "300",
      "--json",
      "doc.pdf",
    ];
    // Kill after a seeded number of further ledger lines, five times, then let it finish.
    const steps = fc.sample(fc.integer({ min: 40, max: 400 }), { seed: 2026, numRuns: 5 });
    let kills = 0;
    for (const step of steps) {
      const target = (await lineCount(ledger)) + step;
      const child = start(args);
      const done = finish(child);
      for (;;) {
        if (child.exitCode !== null) break;
        if ((await lineCount(ledger)) >= target) {
          child.kill("SIGKILL");
          kills++;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await done;
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    const last = await finish(start(args));
    expect(last.stderr).toBe("");
    expect(last.code).toBe(0);
    const reports = last.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { to: string; state: string });
    expect(reports).toHaveLength(recipients.length);
    expect(reports.every((r) => r.state === "sent")).toBe(true);
    const counts = faxesPerNumber(server);
    expect(recipients.filter((n) => counts.get(n) !== 1)).toEqual([]);
    expect(server.faultInjection.lost).toBeGreaterThan(50);
    // The document was uploaded at most once per run, not once per recipient.
    expect(server.state.files.size).toBeLessThanOrEqual(kills + 1);
  }, 120_000);

  it("two runs started at once on one ledger: one works, the other sends nothing", async () => {
    const server = await lossyMock(0.1, 7);
    const recipients = numbers(60);
    await writeFile(join(cli.dir, "few.txt"), recipients.join("\n"));
    const args = [
      "broadcast",
      "--from",
      seeds.number,
      "--recipients",
      "few.txt",
      "--ledger",
      "few.ledger",
      "--visibility",
      "300",
      "doc.pdf",
    ];
    const [a, b] = await Promise.all([finish(start(args)), finish(start(args))]);
    const codes = [a.code, b.code].sort();
    // Either the second waited its turn (and found everything sent) or it refused.
    expect(codes[0]).toBe(0);
    for (const run of [a, b]) {
      if (run.code !== 0) expect(run.stderr).toMatch(/in use by .*nothing was sent/);
    }
    const counts = faxesPerNumber(server);
    expect(recipients.filter((n) => counts.get(n) !== 1)).toEqual([]);
  }, 60_000);

  it("lists every bad number with its line before sending anything", async () => {
    const server = await lossyMock(0);
    await writeFile(
      join(cli.dir, "bad.txt"),
      "+14155550100\n555-0101\n\n# ok\n+1415\n+14155550102\n",
    );
    const result = await finish(
      start([
        "broadcast",
        "--from",
        seeds.number,
        "--recipients",
        "bad.txt",
        "--ledger",
        "bad.ledger",
        "doc.pdf",
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/2 bad number\(s\), nothing was sent/);
    expect(result.stderr).toMatch(/line 2: "555-0101"/);
    expect(result.stderr).toMatch(/line 5: "\+1415"/);
    expect(server.requests).toHaveLength(0);
  });

  it("--dry-run prints the count of faxes and pages and sends nothing", async () => {
    const server = await lossyMock(0);
    await writeFile(join(cli.dir, "three.txt"), numbers(3).join("\n"));
    const result = await finish(
      start([
        "broadcast",
        "--from",
        seeds.number,
        "--recipients",
        "three.txt",
        "--ledger",
        "dry.ledger",
        "--dry-run",
        "--json",
        "doc.pdf",
      ]),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dryRun: true,
      faxes: 3,
      pagesPerFax: 1,
      pages: 3,
    });
    expect(server.requests).toHaveLength(0);
  });
});

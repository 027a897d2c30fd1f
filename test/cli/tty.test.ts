// faxplus on a terminal: run inside a pseudo-terminal made by util-linux `script`, so that stdout
// and stderr are TTYs as in an interactive shell. Tables, colours, live status lines and progress
// bars appear there, and NO_COLOR removes the colours.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { FaxPlus } from "../../src/index.js";
import { pdfDocument, seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { baseEnv, installCli, type Cli } from "./harness.js";

let cli: Cli;
let mock: MockServer;

beforeAll(async () => {
  cli = await installCli();
  await writeFile(join(cli.dir, "note.pdf"), pdfDocument("a note"));
}, 120_000);
afterAll(() => cli?.remove());
beforeEach(async () => {
  mock = await startMockServer();
});
afterEach(() => mock.close());

/** Runs a shell command line in a pseudo-terminal (120 columns); resolves to what it showed. */
function terminal(command: string, env: Record<string, string> = {}, columns = 120) {
  return new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const child = spawn(
      "script",
      ["-qec", `stty cols ${columns} rows 40; ${command}`, "/dev/null"],
      {
        cwd: cli.dir,
        env: {
          ...baseEnv(),
          PATH: `${join(cli.dir, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`,
          TERM: "xterm-256color",
          FAXPLUS_TOKEN: "tty-token",
          FAXPLUS_BASE_URL: mock.baseUrl,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let screen = "";
    child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (screen += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, screen }));
  });
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

it("list: an aligned table with a header and coloured statuses", async () => {
  const { code, screen } = await terminal("faxplus list --category inbox --limit 3");
  expect(code).toBe(0);
  const rows = plain(screen).split("\n").filter(Boolean);
  expect(rows[0]).toMatch(/^ID {32}DATE {17}FROM {10}TO {12}PAGES {2}STATUS {3}READ$/);
  expect(rows).toHaveLength(4);
  expect(rows[1]).toMatch(new RegExp(`^${seeds.inboxFaxId(0)}  2024-06-01 12:00:00  `));
  expect(screen).toContain("\x1b[32msuccess\x1b[39m");
  expect(screen).not.toContain("\t");
});

it.each([80, 100])(
  "list and outbox at %i columns: every column shown; IDs, statuses and read flags whole",
  async (columns) => {
    const fax = new FaxPlus({ token: "tty-token", baseUrl: mock.baseUrl });
    const { records } = await fax.listFaxPage({ category: "inbox", limit: 5 });
    const list = await terminal("faxplus list --category inbox --limit 5", {}, columns);
    expect(list.code).toBe(0);
    const rows = plain(list.screen).split("\n").filter(Boolean);
    expect(rows[0]).toMatch(/^ID +DATE +FROM +TO +PAGES +STATUS +READ$/);
    expect(rows).toHaveLength(records.length + 1);
    rows.forEach((row) => expect(row.length).toBeLessThanOrEqual(columns));
    rows.slice(1).forEach((row, i) => {
      const record = records[i]!;
      expect(row.startsWith(`${record.id} `)).toBe(true);
      expect(row).toMatch(new RegExp(` ${record.status} +${record.is_read ? "yes" : "no"}$`));
    });

    const { records: jobs } = await fax.listOutbox();
    const outbox = await terminal("faxplus outbox", {}, columns);
    const lines = plain(outbox.screen).split("\n").filter(Boolean);
    // Free-text headers may be cut (SEND TIME as SEN…), the others never.
    expect(lines[0]).toMatch(/^ID +STATUS +FR\S* +TO +PAGES +SE(ND TIME|\S*) +CO\S*$/);
    lines.forEach((line) => expect(line.length).toBeLessThanOrEqual(columns));
    lines.slice(1).forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^${jobs[i]!.id} +${jobs[i]!.status} `));
    });
  },
);

it("list: NO_COLOR keeps the table and drops every colour", async () => {
  const { code, screen } = await terminal("faxplus list --limit 3", { NO_COLOR: "1" });
  expect(code).toBe(0);
  expect(screen).toMatch(/^ID {32}DATE/m);
  expect(screen).not.toContain("\x1b[");
});

it("send --wait: one live status line per destination, redrawn in place until success", async () => {
  const { code, screen } = await terminal(
    `faxplus send --from ${seeds.number} --to +14155550123 --to +14155550124 note.pdf --wait`,
  );
  expect(code).toBe(0);
  expect(screen).toContain("\x1b[2A"); // back up over the two lines to redraw them
  const final = plain(screen.slice(screen.lastIndexOf("\x1b[2A")))
    .split("\n")
    .filter(Boolean);
  expect(final).toHaveLength(2);
  expect(final[0]).toMatch(/^\+14155550123 {2}[0-9a-f]{32} {2}success +\d+ s$/);
  expect(final[1]).toMatch(/^\+14155550124 {2}[0-9a-f]{32} {2}success +\d+ s$/);
});

it("mark-read and download: progress bars on the terminal", async () => {
  const ids = Array.from({ length: 250 }, (_, i) => seeds.inboxFaxId(i)).join("\n");
  await writeFile(join(cli.dir, "ids.txt"), ids);
  const marked = await terminal("faxplus mark-read - < ids.txt");
  expect(marked.code).toBe(0);
  expect(plain(marked.screen)).toMatch(
    /Marking read {2}\[#{24}\] 100% {2}250\/250\n250 marked read/,
  );

  const downloaded = await terminal(`faxplus download ${seeds.sentFaxId} -o fax.pdf`);
  expect(downloaded.code).toBe(0);
  const size = /(\d+) B\/\1 B/.exec(plain(downloaded.screen));
  expect(plain(downloaded.screen)).toMatch(/Downloading fax \w+ {2}\[#{24}\] 100% {2}\d+ B\/\d+ B/);
  expect(plain(downloaded.screen)).toContain(`Saved fax.pdf (${size?.[1]} B, application/pdf)`);
});

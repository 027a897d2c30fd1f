// Start-up of the `faxplus` command line: wall time of `node dist/src/cli/main.js --help` and
// `send --help` (no SDK code loaded), of a command that loads the SDK and stops before any request
// (`list --category x`: refused, exit code 2), and of an empty `node -e 0` (process start-up).
// Median and minimum of N runs per contender, in rounds with a rotating order, after one untimed
// warm-up run each; net costs are medians of the per-round differences to `node -e 0`.
//
// Usage: node bench/cli-startup.js [runs=30]   (prints one JSON line; needs dist/: `npm run compile`)
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));
const runs = Number(process.argv[2] ?? 30);
if (!existsSync(main)) throw new Error("dist/src/cli/main.js is missing: run `npm run compile`");

// No request is made: the refused query stops `list` before it is sent.
const env = {
  ...process.env,
  FAXPLUS_TOKEN: "bench-token",
  FAXPLUS_BASE_URL: "http://127.0.0.1:9/v3",
};
const contenders = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "faxplus --help", args: [main, "--help"] },
  { name: "faxplus send --help", args: [main, "send", "--help"] },
  { name: "faxplus list --category x (loads the SDK)", args: [main, "list", "--category", "x"] },
];

const runOnce = (args) => {
  try {
    execFileSync(process.execPath, args, { stdio: "ignore", env });
  } catch (error) {
    if (error.status !== 2) throw error; // the refused list exits 2
  }
};
const times = contenders.map(() => []);
for (const c of contenders) runOnce(c.args);
for (let r = 0; r < runs; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const index = (r + k) % contenders.length;
    const start = performance.now();
    runOnce(contenders[index].args);
    times[index].push(performance.now() - start);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value) => Math.round(value * 10) / 10;
console.log(
  JSON.stringify({
    bench: "cli-startup",
    runs,
    medianMs: Object.fromEntries(contenders.map((c, i) => [c.name, round(median(times[i]))])),
    minMs: Object.fromEntries(contenders.map((c, i) => [c.name, round(Math.min(...times[i]))])),
    netMs: Object.fromEntries(
      contenders
        .slice(1)
        .map((c, i) => [c.name, round(median(times[0].map((node, r) => times[i + 1][r] - node)))]),
    ),
  }),
);

// Import cost: wall time of `node -e "import('<specifier>')"` for the built package (resolved by
// name through package.json "exports", i.e. dist/src/index.js), for openapi-fetch alone, and for
// an empty `node -e` (process start-up, subtracted to get the net import cost). Median of N runs
// per contender, in rounds with a rotating order, after one untimed warm-up run each; net costs
// and the ratio are medians of the per-round differences and ratios.
//
// Usage: node bench/import.js [runs=10]   (prints one JSON line; needs dist/: `npm run compile`)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.argv[2] ?? 10);
const name = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).name;
if (!existsSync(new URL("../dist/src/index.js", import.meta.url))) {
  throw new Error("dist/src/index.js is missing: run `npm run compile` first");
}

const importing = (specifier) =>
  `import(${JSON.stringify(specifier)}).catch((e) => { console.error(e); process.exit(1); })`;
const contenders = [
  { name: "node", code: "" },
  { name: "openapi-fetch", code: importing("openapi-fetch") },
  { name, code: importing(name) },
];

const times = contenders.map(() => []);
for (const c of contenders) execFileSync(process.execPath, ["-e", c.code], { cwd: repo });
for (let r = 0; r < runs; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const index = (r + k) % contenders.length;
    const start = performance.now();
    execFileSync(process.execPath, ["-e", contenders[index].code], { cwd: repo, stdio: "ignore" });
    times[index].push(performance.now() - start);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medians = times.map(median);
// Net costs and the ratio from the runs of the same round (paired), which cancels slow drift in
// the machine's load better than subtracting medians.
const perRound = (f) => median(times[0].map((_, r) => f(times[0][r], times[1][r], times[2][r])));
console.log(
  JSON.stringify({
    bench: "import",
    runs,
    package: name,
    medianMs: Object.fromEntries(contenders.map((c, i) => [c.name, round(medians[i])])),
    // The fastest run: less sensitive to other processes on a busy machine.
    minMs: Object.fromEntries(contenders.map((c, i) => [c.name, round(Math.min(...times[i]))])),
    netMs: {
      "openapi-fetch": round(perRound((node, of) => of - node)),
      [name]: round(perRound((node, of, ours) => ours - node)),
    },
    ratio: round(
      perRound((node, of, ours) => ours / of),
      2,
    ),
    // What issue 11 compares: the package's net import time over openapi-fetch's net import time.
    netRatio: round(
      perRound((node, of, ours) => (ours - node) / (of - node)),
      2,
    ),
    target: { netRatio: 1.5 },
  }),
);

function round(value, digits = 1) {
  return Number(value.toFixed(digits));
}

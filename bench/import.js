// Import cost: how long `await import('<specifier>')` takes in a fresh Node process, for the built
// package (resolved by name through package.json "exports", i.e. dist/src/index.js) and for
// openapi-fetch alone. The child (bench/import-child.js) first imports an empty data: module, so
// that the ESM loader's own start-up is paid before the timer starts, then times the one import.
// Timing inside the child leaves out process start-up (60-90 ms here, and noisy), which a
// difference of two process timings would have to subtract. Median of N runs per contender, in
// rounds with a rotating order, after one untimed warm-up run each.
//
// Usage: node bench/import.js [runs=15]   (prints one JSON line; needs dist/: `npm run compile`)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.argv[2] ?? 15);
const name = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).name;
if (!existsSync(new URL("../dist/src/index.js", import.meta.url))) {
  throw new Error("dist/src/index.js is missing: run `npm run compile` first");
}

const child = fileURLToPath(new URL("import-child.js", import.meta.url));
const contenders = ["openapi-fetch", name];
const importMs = (specifier) =>
  Number(execFileSync(process.execPath, [child, specifier], { cwd: repo, encoding: "utf8" }));

const times = contenders.map(() => []);
for (const c of contenders) importMs(c);
for (let r = 0; r < runs; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const index = (r + k) % contenders.length;
    times[index].push(importMs(contenders[index]));
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medians = times.map(median);
console.log(
  JSON.stringify({
    bench: "import",
    runs,
    package: name,
    medianMs: Object.fromEntries(contenders.map((c, i) => [c, round(medians[i])])),
    // The fastest run: less sensitive to other processes on a busy machine.
    minMs: Object.fromEntries(contenders.map((c, i) => [c, round(Math.min(...times[i]))])),
    // What issue 11 compares: the package's import time over openapi-fetch's (which it includes).
    ratio: round(medians[1] / medians[0], 2),
    target: { ratio: 1.5 },
  }),
);

function round(value, digits = 1) {
  return Number(value.toFixed(digits));
}

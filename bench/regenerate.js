// Wall time of a full `npm run generate` (extract, merge, corrections, ReDoS check, lint, types,
// rules, change report, format): median of N runs.
// Prints one JSON line; bench/run.js puts it in the table. Usage: node bench/regenerate.js [runs]
import { execFileSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 5);
const script = new URL("../scripts/generate.js", import.meta.url).pathname;
const times = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  execFileSync(process.execPath, [script], { stdio: "ignore" });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  JSON.stringify({
    bench: "regenerate",
    runs,
    medianMs: Math.round(median),
    minMs: Math.round(times[0]),
  }),
);

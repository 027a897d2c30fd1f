// npm run bench: compiles dist/ (what users run), runs every benchmark in its own process, one
// after the other, prints ONE table (Markdown) on stdout and writes bench/results.json (the
// numbers, the machine and the same table, for the README). Progress goes to stderr.
//
// Usage: node bench/run.js [--only size,overhead,throughput,bulk,regenerate,import,cli,upload-memory,download-memory]
// Every comparison is a ratio within this run; absolute numbers depend on the machine's load.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const started = performance.now();
const onlyFlag = process.argv.indexOf("--only");
const only = onlyFlag === -1 ? undefined : (process.argv[onlyFlag + 1] ?? "").split(",");

const BENCHES = [
  { name: "size", args: ["bench/size.js"] },
  { name: "overhead", args: ["bench/overhead.js"], needsDist: true },
  { name: "throughput", args: ["bench/throughput.js"], needsDist: true },
  { name: "bulk", args: ["bench/bulk.js"], needsDist: true },
  { name: "regenerate", args: ["bench/regenerate.js", "5"] },
  { name: "import", args: ["bench/import.js", "15"], needsDist: true },
  { name: "cli", args: ["bench/cli-startup.js"], needsDist: true },
  { name: "download-memory", args: ["bench/download-memory.js"], needsDist: true },
  {
    name: "upload-memory",
    args: ["--expose-gc", "bench/upload-memory.js"],
    optional: "bench/upload-memory.js",
  },
].filter((b) => !only || only.includes(b.name));

const loadBefore = loadavg().map((x) => Number(x.toFixed(2)));
let compileMs;
if (BENCHES.some((b) => b.needsDist)) {
  progress("npm run compile");
  const t0 = performance.now();
  const compile = spawnSync("npm", ["run", "--silent", "compile"], { cwd: repo, encoding: "utf8" });
  compileMs = Math.round(performance.now() - t0);
  if (compile.status !== 0) {
    progress(`npm run compile failed (exit ${compile.status}); using whatever dist/ holds:`);
    progress(`${compile.stdout}${compile.stderr}`.trim().split("\n").slice(0, 10).join("\n"));
  }
}
const haveDist = existsSync(new URL("../dist/src/index.js", import.meta.url));

const results = {};
const timings = {};
for (const bench of BENCHES) {
  if (bench.optional && !existsSync(new URL(`../${bench.optional}`, import.meta.url))) {
    results[bench.name] = { skipped: `${bench.optional} does not exist` };
    continue;
  }
  if (bench.needsDist && !haveDist) {
    results[bench.name] = { error: "dist/src/index.js is missing (npm run compile failed)" };
    continue;
  }
  progress(`${bench.name}: node ${bench.args.join(" ")}`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, bench.args, {
    cwd: repo,
    encoding: "utf8",
    timeout: 150_000,
    maxBuffer: 16 * 2 ** 20,
  });
  timings[bench.name] = Math.round(performance.now() - t0);
  const line = run.stdout
    ?.split("\n")
    .reverse()
    .find((l) => l.startsWith('{"bench"'));
  if (run.status === 0 && line) {
    results[bench.name] = JSON.parse(line);
  } else {
    const why = run.error?.message ?? `exit ${run.status ?? run.signal}`;
    const detail = `${run.stderr ?? ""}`.trim().split("\n").slice(-5).join(" | ");
    results[bench.name] = { error: `${why}${detail ? `: ${detail}` : ""}` };
    progress(`${bench.name} failed: ${results[bench.name].error}`);
  }
}

const table = render(results);
const totalMs = Math.round(performance.now() - started);
console.log(table);

const cpu = cpus();
const report = {
  date: new Date().toISOString(),
  machine: {
    cores: cpu.length,
    cpu: cpu[0]?.model.trim(),
    memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg().map((x) => Number(x.toFixed(2))),
  },
  totalMs,
  compileMs,
  benchMs: timings,
  results,
  table,
};
if (only) {
  progress("--only: bench/results.json left as it was");
} else {
  const file = fileURLToPath(new URL("results.json", import.meta.url));
  writeFileSync(file, await formatJson(file, report));
  progress("wrote bench/results.json");
}
progress(`npm run bench took ${(totalMs / 1000).toFixed(1)} s`);

/** JSON formatted like the rest of the repo (prettier), so that `npm run lint` stays clean. */
async function formatJson(file, value) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}

function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function render(all) {
  const rows = [["Benchmark", "Case", "Result", "Comparison (same run)"]];
  const failed = (name, value) => rows.push([name, "", value.skipped ?? `failed: ${value.error}`]);

  const size = all.size;
  if (size?.rows) {
    const by = Object.fromEntries(size.rows.map((r) => [r.key, r]));
    for (const row of size.rows) {
      if (row.subject !== "ours") continue;
      const target = size.targets?.[row.app];
      const peers = ["heyValibot", "hey", "vendor", "bare"]
        .map((subject) => by[`${subject}.${row.app}`])
        .filter((peer) => peer && !peer.skipped)
        .map((peer) => `${peer.subject} ${kB(peer.gzip)}`);
      const parts = Object.entries(by[`src.${row.app}`]?.shares ?? {})
        .filter(([part]) => part !== "other")
        .map(([part, share]) => `${part} ~${kB(share.gzipEstimate)}`);
      let comparison = parts.length ? `from src: ${parts.join(", ")}` : "";
      if (target !== undefined) {
        comparison += `; target <= ${kB(target)}: ${row.gzip <= target ? "ok" : "MISSED"}`;
      }
      if (peers.length) comparison += `; peers (gzip): ${peers.join(", ")}`;
      if (row.nodeImports.length) comparison += `; node: imports ${row.nodeImports.join(", ")}`;
      rows.push([
        "Bundle size (installed, browser, min)",
        row.label,
        `${kB(row.raw)} raw, ${kB(row.gzip)} gzip, ${kB(row.brotli)} br`,
        comparison,
      ]);
    }
  } else if (size) failed("Bundle size", size);

  const overhead = all.overhead;
  if (overhead?.stats) {
    const { stats, ratios } = overhead;
    const name = "Per-call overhead (loopback GET)";
    const cell = (s) =>
      `median ${Math.round(s.medianUs)} µs, p99 ${Math.round(s.p99Us)} µs, CPU ${Math.round(s.cpuUsPerCall)} µs`;
    rows.push([name, "fetch", cell(stats.fetch), ""]);
    const of = ratios.openapiFetchVsFetch;
    rows.push([
      name,
      "openapi-fetch",
      cell(stats["openapi-fetch"]),
      `${x2(of.median)} fetch (p99 ${x2(of.p99)}, CPU ${x2(of.cpu)})`,
    ]);
    const ours = ratios.oursVsOpenapiFetch;
    const target = overhead.target.oursVsOpenapiFetch;
    rows.push([
      name,
      `FaxPlus fax.api (${overhead.client})`,
      cell(stats.faxplus),
      `${x2(ours.median)} openapi-fetch (p99 ${x2(ours.p99)}, CPU ${x2(ours.cpu)}), ` +
        `${signed(Math.round(overhead.addedUs.oursOverOpenapiFetch))} µs; ` +
        `target <= ${target}x: ${ours.median <= target ? "ok" : "MISSED"}`,
    ]);
    if (stats.getFax) {
      const op = ratios.getFaxVsOpenapiFetch;
      rows.push([
        name,
        "getFax (standalone, dist)",
        cell(stats.getFax),
        `${x2(op.median)} openapi-fetch (CPU ${x2(op.cpu)})`,
      ]);
    }
  } else if (overhead) failed("Per-call overhead", overhead);

  const throughput = all.throughput;
  if (throughput?.callsPerSecond) {
    const name = `Throughput, ${throughput.inFlight} GETs in flight`;
    const rate = throughput.callsPerSecond;
    rows.push([name, "openapi-fetch", `${rate["openapi-fetch"]} calls/s`, ""]);
    const target = throughput.target["fax.api"];
    const ours = throughput.vsOpenapiFetch["fax.api"];
    rows.push([
      name,
      "FaxPlus fax.api",
      `${rate["fax.api"]} calls/s`,
      `${x2(ours)} openapi-fetch; target >= ${target}x: ${ours >= target ? "ok" : "MISSED"}`,
    ]);
    rows.push([
      name,
      "getFax (standalone)",
      `${rate.getFax} calls/s`,
      `${x2(throughput.vsOpenapiFetch.getFax)} openapi-fetch`,
    ]);
  } else if (throughput) failed("Throughput", throughput);

  const bulk = all.bulk;
  if (bulk?.results) {
    const name = `Bulk ${bulk.ids.toLocaleString("en-US")} IDs, ${bulk.latencyMs} ms latency`;
    for (const r of bulk.results) {
      rows.push([
        name,
        `concurrency ${r.concurrency}`,
        `${r.wallMs} ms, max ${r.maxInFlight} in flight`,
        `ideal ${r.idealMs} ms (${bulk.batches} batches): ${x2(r.vsIdeal)}`,
      ]);
    }
  } else if (bulk) failed("Bulk", bulk);
  if (bulk?.cpu) {
    rows.push([
      `Bulk ${bulk.cpu.ids.toLocaleString("en-US")} IDs, CPU (stub fetch)`,
      "updateFaxesInBatches vs a plain batched loop",
      `${bulk.cpu.sdkCpuMs} ms vs ${bulk.cpu.plainLoopCpuMs} ms`,
      `${x2(bulk.cpu.ratio)} (target <= ${x2(bulk.cpu.target)})`,
    ]);
  }

  const download = all["download-memory"];
  if (download?.chunked) {
    rows.push([
      "Download memory",
      `${download.megabytes} MB document, download() (child process)`,
      `peak RSS +${download.chunked.growthMB} MB (chunked), +${download.contentLength.growthMB} MB (Content-Length)`,
      `${download.chunked.ratio}x / ${download.contentLength.ratio}x the document (target <= ${download.target}x); endless body at maxBytes: ${download.endlessWithMaxBytes.error}`,
    ]);
  } else if (download) failed("Download memory", download);

  const regenerate = all.regenerate;
  if (regenerate?.medianMs !== undefined) {
    rows.push([
      "Regeneration",
      `npm run generate, median of ${regenerate.runs}`,
      `${regenerate.medianMs} ms`,
      `min ${regenerate.minMs} ms`,
    ]);
  } else if (regenerate) failed("Regeneration", regenerate);

  const imp = all.import;
  if (imp?.medianMs) {
    const name = `Import (in a fresh process, ${imp.runs} runs)`;
    const cell = (key) => `${imp.medianMs[key]} ms (min ${imp.minMs?.[key]} ms)`;
    rows.push([name, "import('openapi-fetch')", cell("openapi-fetch"), ""]);
    rows.push([
      name,
      `import('${imp.package}')`,
      cell(imp.package),
      `${x2(imp.ratio)} openapi-fetch's (which it loads); ` +
        `target <= ${imp.target.ratio}x: ${imp.ratio <= imp.target.ratio ? "ok" : "MISSED"}`,
    ]);
  } else if (imp) failed("Import", imp);

  const cli = all.cli;
  if (cli?.medianMs) {
    const name = `CLI start-up (${cli.runs} runs)`;
    for (const [key, ms] of Object.entries(cli.medianMs)) {
      const net = cli.netMs?.[key];
      rows.push([
        name,
        key,
        `${ms} ms (min ${cli.minMs?.[key]} ms)`,
        net === undefined ? "" : `${signed(net)} ms over node`,
      ]);
    }
  } else if (cli) failed("CLI start-up", cli);

  const upload = all["upload-memory"];
  if (upload?.fileMB !== undefined) {
    rows.push([
      "Upload memory",
      `${upload.fileMB} MB file, fromPath + upload`,
      `peak RSS +${upload.peakRssGrowthMB} MB`,
      `${upload.ratio}x the file (target < 2x)${upload.gcExposed ? "" : ", no --expose-gc"}`,
    ]);
  } else if (upload) failed("Upload memory", upload);

  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r) => `| ${r.map((c, i) => (c ?? "").padEnd(widths[i])).join(" | ")} |`;
  return [
    line(rows[0]),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

function kB(bytes) {
  return `${(bytes / 1000).toFixed(2)} kB`;
}

function ratio(a, b) {
  return x2(a / b);
}

function x2(value) {
  return `${value.toFixed(2)}x`;
}

function signed(value) {
  return value < 0 ? `${value}` : `+${value}`;
}

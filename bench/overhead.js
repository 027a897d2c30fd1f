// Per-call overhead on loopback: sequential calls to a local node:http server (a child process, so
// its work is not timed) that answers every request with the same fixed JSON body. GET (default):
// one small fax record; --post: a fax sent (POST /accounts/{user_id}/outbox, a JSON body, answered
// with its IDs). Contenders: raw fetch, bare openapi-fetch (createClient<paths>), our typed client
// `fax.api` (openapi-fetch over our transport) and our standalone operation (`getFax`, or
// `sendFax`, which checks the body against the spec first) with default options (retries on, not
// triggered; a token, so an Authorization header like the others). After a warm-up they run in
// rounds, in a rotating order, each call timed alone; the ratios compare medians of the same run.
//
// Usage: node bench/overhead.js [--post] [callsPerContender=5000]   (prints one JSON line)
// Our client comes from dist/src/index.js (run `npm run compile` first, as `npm run bench` does);
// without dist/ the TypeScript sources are bundled with esbuild.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { loadSdk } from "./sdk.js";

const ROUND = 50; // calls per contender per round
const WARMUP = 300; // calls per contender before measuring
const FAX_ID = "0123456789abcdef0123456789abcdef";
const POST = process.argv.includes("--post");
const PATH = POST ? "/accounts/{user_id}/outbox" : "/accounts/{user_id}/faxes/{fax_id}";
/** The fax the POST mode sends. */
const SENT = {
  from: "+16699990000",
  to: ["+16699991111"],
  files: ["/storage/2026-11-21/0123456789abcdef.pdf"],
  return_ids: true,
};
const BODY = POST
  ? JSON.stringify({ ids: { "+16699991111": FAX_ID } })
  : JSON.stringify({
      id: FAX_ID,
      from: "+16699990000",
      to: "+16699991111",
      pages: 2,
      status: "success",
      direction: "incoming",
      owner_id: "fedcba9876543210fedcba9876543210",
      start_time: "2026-11-21 10:00:00",
      cost: 2,
      is_read: false,
      comment: "",
    });

if (process.argv[2] === "--server") {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(BODY),
      });
      res.end(BODY);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
  process.on("disconnect", () => process.exit(0));
} else {
  const calls = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5000);
  console.log(JSON.stringify({ bench: "overhead", ...(await measureOverhead(calls)) }));
}

async function measureOverhead(calls) {
  const server = fork(fileURLToPath(import.meta.url), ["--server", ...(POST ? ["--post"] : [])]);
  try {
    const port = await new Promise((resolve) => server.once("message", resolve));
    const baseUrl = `http://127.0.0.1:${port}/v3`;
    const { module: sdk, from } = await loadSdk();
    const headers = { authorization: "Bearer token" };
    const fax = new sdk.FaxPlus({ token: "token", baseUrl });
    const bare = createClient({ baseUrl, headers });
    const contenders = POST
      ? postContenders(baseUrl, headers, bare, fax, sdk)
      : getContenders(baseUrl, headers, bare, fax, sdk);

    for (let i = 0; i < WARMUP; i++) for (const c of contenders) await c.call();

    const samples = contenders.map(() => []);
    // CPU time of this process (user + system) per contender: unlike wall time it does not count
    // waiting for the server or for a core, so it is steadier on a busy machine.
    const cpuUs = contenders.map(() => 0);
    const roundRatios = {
      oursVsFetch: [],
      operationVsFetch: [],
      oursVsOpenapiFetch: [],
      openapiFetchVsFetch: [],
      operationVsOpenapiFetch: [],
    };
    const rounds = Math.ceil(calls / ROUND);
    const started = performance.now();
    for (let r = 0; r < rounds; r++) {
      const roundMedians = [];
      for (let k = 0; k < contenders.length; k++) {
        const index = (r + k) % contenders.length; // rotate who goes first
        const times = [];
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < ROUND; i++) {
          const t0 = performance.now();
          await contenders[index].call();
          times.push(performance.now() - t0);
        }
        const cpu = process.cpuUsage(cpu0);
        cpuUs[index] += cpu.user + cpu.system;
        samples[index].push(...times);
        roundMedians[index] = quantile(times, 0.5);
      }
      roundRatios.oursVsFetch.push(roundMedians[2] / roundMedians[0]);
      roundRatios.operationVsFetch.push(roundMedians[3] / roundMedians[0]);
      roundRatios.oursVsOpenapiFetch.push(roundMedians[2] / roundMedians[1]);
      roundRatios.operationVsOpenapiFetch.push(roundMedians[3] / roundMedians[1]);
      roundRatios.openapiFetchVsFetch.push(roundMedians[1] / roundMedians[0]);
    }

    const stats = Object.fromEntries(
      contenders.map((c, i) => [
        c.name,
        {
          calls: samples[i].length,
          medianUs: round(quantile(samples[i], 0.5) * 1000, 1),
          p99Us: round(quantile(samples[i], 0.99) * 1000, 1),
          meanUs: round((samples[i].reduce((a, b) => a + b, 0) / samples[i].length) * 1000, 1),
          cpuUsPerCall: round(cpuUs[i] / samples[i].length, 1),
        },
      ]),
    );
    const ours = stats.faxplus;
    const of = stats["openapi-fetch"];
    const op = stats[contenders[3].name];
    return {
      operation: `${POST ? "POST" : "GET"} ${PATH} (${Buffer.byteLength(BODY)}-byte JSON answer)`,
      client: from,
      callsPerContender: rounds * ROUND,
      wallMs: Math.round(performance.now() - started),
      stats,
      ratios: {
        // What the issue compares: each client's median call against raw fetch's.
        oursVsFetch: {
          median: round(ours.medianUs / stats.fetch.medianUs, 3),
          medianOfRounds: round(quantile(roundRatios.oursVsFetch, 0.5), 3),
          cpu: round(ours.cpuUsPerCall / stats.fetch.cpuUsPerCall, 3),
        },
        operationVsFetch: {
          median: round(op.medianUs / stats.fetch.medianUs, 3),
          medianOfRounds: round(quantile(roundRatios.operationVsFetch, 0.5), 3),
          cpu: round(op.cpuUsPerCall / stats.fetch.cpuUsPerCall, 3),
        },
        oursVsOpenapiFetch: {
          median: round(ours.medianUs / of.medianUs, 3),
          p99: round(ours.p99Us / of.p99Us, 3),
          medianOfRounds: round(quantile(roundRatios.oursVsOpenapiFetch, 0.5), 3),
          cpu: round(ours.cpuUsPerCall / of.cpuUsPerCall, 3),
        },
        operationVsOpenapiFetch: {
          median: round(op.medianUs / of.medianUs, 3),
          medianOfRounds: round(quantile(roundRatios.operationVsOpenapiFetch, 0.5), 3),
          cpu: round(op.cpuUsPerCall / of.cpuUsPerCall, 3),
        },
        openapiFetchVsFetch: {
          median: round(of.medianUs / stats.fetch.medianUs, 3),
          p99: round(of.p99Us / stats.fetch.p99Us, 3),
          medianOfRounds: round(quantile(roundRatios.openapiFetchVsFetch, 0.5), 3),
          cpu: round(of.cpuUsPerCall / stats.fetch.cpuUsPerCall, 3),
        },
      },
      addedUs: { oursOverOpenapiFetch: round(ours.medianUs - of.medianUs, 1) },
      target: { oursVsOpenapiFetch: 1.03 },
    };
  } finally {
    server.disconnect();
    server.kill();
  }
}

function getContenders(baseUrl, headers, bare, fax, sdk) {
  const params = { path: { user_id: "self", fax_id: FAX_ID } };
  const url = `${baseUrl}/accounts/self/faxes/${FAX_ID}`;
  const check = (name, data) => {
    if (data?.id !== FAX_ID) throw new Error(`${name}: bad answer`);
  };
  return [
    {
      name: "fetch",
      call: async () => {
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error("fetch: bad answer");
        check("fetch", await response.json());
      },
    },
    {
      name: "openapi-fetch",
      call: async () => check("openapi-fetch", (await bare.GET(PATH, { params })).data),
    },
    {
      name: "faxplus",
      call: async () => check("faxplus", (await fax.api.GET(PATH, { params })).data),
    },
    {
      name: "getFax",
      call: async () => check("getFax", await sdk.getFax(fax, { fax_id: FAX_ID })),
    },
  ];
}

function postContenders(baseUrl, headers, bare, fax, sdk) {
  const params = { path: { user_id: "self" } };
  const url = `${baseUrl}/accounts/self/outbox`;
  const check = (name, data) => {
    if (data?.ids?.["+16699991111"] !== FAX_ID) throw new Error(`${name}: bad answer`);
  };
  return [
    {
      name: "fetch",
      call: async () => {
        const response = await fetch(url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(SENT),
        });
        if (!response.ok) throw new Error("fetch: bad answer");
        check("fetch", await response.json());
      },
    },
    {
      name: "openapi-fetch",
      call: async () =>
        check("openapi-fetch", (await bare.POST(PATH, { params, body: SENT })).data),
    },
    {
      name: "faxplus",
      call: async () => check("faxplus", (await fax.api.POST(PATH, { params, body: SENT })).data),
    },
    { name: "sendFax", call: async () => check("sendFax", await sdk.sendFax(fax, SENT)) },
  ];
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}

// Throughput with many requests in flight: 64 GETs of one small JSON fax record at a time against
// a local node:http server (bench/overhead.js in --server mode, another process), until N calls
// are done, for bare openapi-fetch, our typed client (`fax.api`, default options: retries on, not
// triggered) and our standalone `getFax`. Rounds alternate the order; the ratios compare calls per
// second within each round, then take the median.
//
// Usage: node bench/throughput.js [callsPerRound=3000] [rounds=6]   (prints one JSON line; needs
// dist/: `npm run compile`)
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import createClient from "openapi-fetch";

const repo = fileURLToPath(new URL("..", import.meta.url));
const IN_FLIGHT = 64;
const FAX_ID = "0123456789abcdef0123456789abcdef";
const PATH = "/accounts/{user_id}/faxes/{fax_id}";

const calls = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 6);
const dist = new URL("../dist/src/index.js", import.meta.url);
if (!existsSync(dist)) throw new Error("dist/src/index.js is missing: run `npm run compile` first");

const server = fork(fileURLToPath(new URL("./overhead.js", import.meta.url)), ["--server"]);
try {
  const port = await new Promise((resolve) => server.once("message", resolve));
  const baseUrl = `http://127.0.0.1:${port}/v3`;
  const sdk = await import(pathToFileURL(fileURLToPath(dist)).href);
  const bare = createClient({ baseUrl, headers: { authorization: "Bearer token" } });
  const fax = new sdk.FaxPlus({ token: "token", baseUrl });
  const params = { path: { user_id: "self", fax_id: FAX_ID } };
  const contenders = {
    "openapi-fetch": async () => {
      const { data } = await bare.GET(PATH, { params });
      if (data?.id !== FAX_ID) throw new Error("openapi-fetch: bad answer");
    },
    "fax.api": async () => {
      const { data } = await fax.api.GET(PATH, { params });
      if (data?.id !== FAX_ID) throw new Error("fax.api: bad answer");
    },
    getFax: async () => {
      const data = await sdk.getFax(fax, { fax_id: FAX_ID });
      if (data?.id !== FAX_ID) throw new Error("getFax: bad answer");
    },
  };

  /** Calls per second with IN_FLIGHT workers until `n` calls are done. */
  async function run(call, n) {
    let left = n;
    const started = performance.now();
    const worker = async () => {
      while (left-- > 0) await call();
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return (n / (performance.now() - started)) * 1000;
  }

  for (const call of Object.values(contenders)) await run(call, 1000); // warm-up
  const names = Object.keys(contenders);
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    const round = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      round[name] = await run(contenders[name], calls);
    }
    perRound.push(round);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rate = Object.fromEntries(
    names.map((n) => [n, Math.round(median(perRound.map((r) => r[n])))]),
  );
  const ratio = (name) =>
    Number(median(perRound.map((r) => r[name] / r["openapi-fetch"])).toFixed(3));
  console.log(
    JSON.stringify({
      bench: "throughput",
      inFlight: IN_FLIGHT,
      callsPerRound: calls,
      rounds,
      callsPerSecond: rate,
      vsOpenapiFetch: { "fax.api": ratio("fax.api"), getFax: ratio("getFax") },
      target: { "fax.api": 0.95 },
    }),
  );
} finally {
  server.disconnect();
  server.kill();
}

// Webhook callback round trip on the embedded mock: from the event (a fax made to arrive with
// `server.receiveFax()`, or a fax sent with `fax.send()` on a mock whose faxes are delivered at
// once, `deliveryMs: 0`) to the app's handler called by a `webhookHandler` receiver served with
// Node's http through `toNodeHandler`. Both in this process, on 127.0.0.1; trust by the URL's
// secret, or by the URL's secret and the fax re-fetched through the API (one more request).
// Each case runs `runs` times in sequence; the median and the 95th percentile are reported.
//
// Usage: node bench/webhook-roundtrip.js [runs=200]   (prints one JSON line; needs dist/:
// `npm run compile` first)
import { createServer } from "node:http";
import { pathToFileURL, fileURLToPath } from "node:url";
import { join } from "node:path";

const repo = fileURLToPath(new URL("..", import.meta.url));
const sdk = await import(pathToFileURL(join(repo, "dist/src/node.js")).href);
const { startMockServer, seeds, pdfDocument } = await import(
  pathToFileURL(join(repo, "dist/src/mock/index.js")).href
);

const runs = Number(process.argv[2] ?? 200);
console.log(JSON.stringify({ bench: "webhook-roundtrip", runs, ...(await measure(runs)) }));

async function measure(runs) {
  const mock = await startMockServer({ token: "t", deliveryMs: 0 });
  const fax = new sdk.FaxPlus({ baseUrl: mock.baseUrl, token: "t" });
  const results = {};
  for (const [name, trust] of [
    ["secret", (secret) => ({ urlSecret: secret })],
    ["secret+refetch", (secret) => ({ urlSecret: secret, refetch: fax })],
  ]) {
    const secret = sdk.newWebhookSecret();
    let arrived;
    const handler = sdk.webhookHandler({
      trust: trust(secret),
      on: {
        fax_sent: (delivery) => arrived?.(delivery),
        fax_received: (delivery) => arrived?.(delivery),
      },
    });
    const server = createServer(sdk.toNodeHandler(handler));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const target = `http://127.0.0.1:${server.address().port}/hooks/${secret}`;
    const hooks = [
      (await fax.createWebhook({ target, event: "fax_received" })).id,
      (await fax.createWebhook({ target, event: "fax_sent" })).id,
    ];
    const next = () => new Promise((resolve) => (arrived = resolve));
    const file = new File([pdfDocument("bench")], "bench.pdf", { type: "application/pdf" });
    const path = await fax.upload(file);

    const received = [];
    const sent = [];
    for (let i = 0; i < runs + 10; i++) {
      let got = next();
      let start = performance.now();
      mock.receiveFax({ pages: 1 });
      await got;
      if (i >= 10) received.push(performance.now() - start); // the first 10 warm up
      got = next();
      start = performance.now();
      await fax.send({ from: seeds.number, to: ["+14155550123"], files: [path] });
      await got;
      if (i >= 10) sent.push(performance.now() - start);
    }
    results[name] = { fax_received: stats(received), fax_sent: stats(sent) };
    for (const id of hooks) await fax.deleteWebhook(id);
    await new Promise((resolve) => server.close(resolve));
  }
  await mock.close();
  return results;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)) };
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}

// The mock server of bench/mock-soak.js, in its own process so that its RSS is the mock's alone.
// Usage (by mock-soak.js): node bench/mock-soak-server.js [distDir]; answers "rss" messages with
// its resident set size and CPU time used so far, and sends its base URL once listening.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const dist = resolve(process.argv[2] ?? new URL("../dist", import.meta.url).pathname);
const { startMockServer } = await import(pathToFileURL(`${dist}/src/mock/index.js`).href);
const server = await startMockServer();
process.send?.({ baseUrl: server.baseUrl });
process.on("message", (message) => {
  if (message === "rss") {
    const { user, system } = process.cpuUsage();
    process.send?.({ rss: process.memoryUsage.rss(), cpuMicros: user + system });
  }
  if (message === "stop") void server.close().then(() => process.exit(0));
});

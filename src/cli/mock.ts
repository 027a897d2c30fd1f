// mock: the embedded mock API as a standalone server on 127.0.0.1, until SIGINT or SIGTERM.
import { startMockServer } from "../mock/index.js";
import { UsageError } from "./args.js";
import type { Runner } from "./commands.js";

export const mock: Runner = async (ctx) => {
  const { args, out } = ctx;
  const port = args.number("port") ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError("--port must be an integer from 0 to 65535");
  }
  const latencyMs = args.number("latency") ?? 0;
  if (latencyMs < 0) throw new UsageError("--latency must be 0 or more");
  const token = args.string("token");
  const loseAnswers = args.number("lose-answers") ?? 0;
  if (!(loseAnswers >= 0 && loseAnswers <= 1)) {
    throw new UsageError("--lose-answers must be a number from 0 to 1");
  }
  const randomSeed = args.number("seed") ?? 1;
  if (!Number.isInteger(randomSeed)) throw new UsageError("--seed must be an integer");
  const listingDelayMs = args.number("listing-delay") ?? 0;
  if (listingDelayMs < 0) throw new UsageError("--listing-delay must be 0 or more");

  const server = await startMockServer({
    port,
    latencyMs,
    loseAnswers,
    randomSeed,
    listingDelayMs,
    ...(token ? { token } : {}),
  });
  out.print(server.baseUrl);
  if (out.errTty) {
    const accepts = token ? "the token given by --token" : "any token";
    out.note(`mock Fax.Plus API on ${server.baseUrl} (in memory; accepts ${accepts}).`);
    out.note(`try: FAXPLUS_BASE_URL=${server.baseUrl} FAXPLUS_TOKEN=... faxplus list`);
    out.note("Ctrl-C stops it.");
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await server.close();
};

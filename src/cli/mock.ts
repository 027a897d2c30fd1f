// mock: the embedded mock API as a standalone server on 127.0.0.1, until SIGINT or SIGTERM.
import { ValidationError, createFaxPlus } from "../index.js";
import { startMockServer } from "../mock/index.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";

export const mock: Runner = async (ctx) => {
  const { args, out } = ctx;
  const port = args.number("port") ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError("--port must be an integer from 0 to 65535");
  }
  if (refusedByFetch(port)) {
    throw new UsageError(
      `--port ${port} is a port fetch refuses to connect to (a "bad port" of the Fetch standard): no client could reach the mock there; choose another`,
    );
  }
  const latencyMs = args.number("latency") ?? 0;
  if (latencyMs < 0) throw new UsageError("--latency must be 0 or more");
  const token = args.string("token");
  const faxListShape = args.string("fax-list-shape") ?? "data";
  if (faxListShape !== "data" && faxListShape !== "paged") {
    throw new UsageError(
      `--fax-list-shape must be data or paged (got ${JSON.stringify(faxListShape)})`,
    );
  }
  const receiveEveryMs = args.number("receive-every");
  if (receiveEveryMs !== undefined && !(receiveEveryMs > 0)) {
    throw new UsageError("--receive-every must be more than 0");
  }
  const loseAnswers = args.number("lose-answers") ?? 0;
  if (!(loseAnswers >= 0 && loseAnswers <= 1)) {
    throw new UsageError("--lose-answers must be a number from 0 to 1");
  }
  const randomSeed = args.number("seed") ?? 1;
  if (!Number.isInteger(randomSeed)) throw new UsageError("--seed must be an integer");
  const listingDelayMs = args.number("listing-delay") ?? 0;
  if (listingDelayMs < 0) throw new UsageError("--listing-delay must be 0 or more");

  // No request log: nothing outside this process could read it, and it would only use memory.
  const server = await startMockServer({
    port,
    latencyMs,
    faxListShape,
    maxRecordedRequests: 0,
    loseAnswers,
    randomSeed,
    listingDelayMs,
    ...(token ? { token } : {}),
    ...(receiveEveryMs !== undefined ? { receiveEveryMs } : {}),
  });
  if (ctx.json) out.json({ baseUrl: server.baseUrl });
  else out.print(server.baseUrl);
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

/** Whether a client refuses this port as its `baseUrl`'s (the list is in core/url.ts). */
function refusedByFetch(port: number): boolean {
  try {
    createFaxPlus({ baseUrl: `http://127.0.0.1:${port}/v3`, token: "mock" });
    return false;
  } catch (error) {
    return error instanceof ValidationError && error.field === "baseUrl";
  }
}

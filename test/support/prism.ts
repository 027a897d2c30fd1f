// Starts Stoplight Prism (node_modules/.bin/prism) on generated/openapi.yaml for contract tests:
// `mock` answers from the spec's examples, `proxy` forwards to an upstream (the embedded mock) and,
// with --errors, turns any request or response the spec does not allow into an error answer.
//
// Base paths: Prism serves the spec's paths at its root (`/accounts/...`) and ignores the `/v3` of
// `servers`; a request to `/v3/accounts/...` gets 404 NO_PATH_MATCHED. In proxy mode it appends the
// request path to the upstream URL, so an upstream of `http://127.0.0.1:<port>/v3` receives
// `/v3/accounts/...`. So the SDK-facing `baseUrl` of Prism has no `/v3`, while the mock's does.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PRISM = `${root}node_modules/.bin/prism`;
const SPEC = `${root}generated/openapi.yaml`;

export interface PrismOptions {
  /** The upstream base URL, for `proxy` (e.g. the mock's `baseUrl`, ending in `/v3`). */
  upstream?: string;
  /** The OpenAPI document (default generated/openapi.yaml). */
  spec?: string;
  /** How long to wait for Prism to listen (default 30 s). */
  startTimeoutMs?: number;
}

export interface PrismServer {
  /** `http://127.0.0.1:<port>`: the SDK-facing base URL (no `/v3`, see above). */
  baseUrl: string;
  /** Everything Prism printed so far (stdout and stderr, without colours). */
  output(): string;
  /** Kills Prism and waits for it to exit. */
  close(): Promise<void>;
}

/** Starts Prism with `--errors` on a free port and resolves once it listens. */
export async function startPrism(
  mode: "mock" | "proxy",
  options: PrismOptions = {},
): Promise<PrismServer> {
  if (mode === "proxy" && !options.upstream) throw new Error("startPrism: proxy needs an upstream");
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(mode, options, await freePort());
    } catch (error) {
      // Another process may take the free port before Prism binds it: try another one.
      if (attempt === 3 || !String(error).includes("EADDRINUSE")) throw error;
    }
  }
}

async function launch(
  mode: "mock" | "proxy",
  options: PrismOptions,
  port: number,
): Promise<PrismServer> {
  const args =
    mode === "mock"
      ? ["mock", options.spec ?? SPEC]
      : ["proxy", options.spec ?? SPEC, options.upstream ?? ""];
  const child = spawn(PRISM, [...args, "--errors", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += stripAnsi(chunk.toString("utf8"));
      if (output.includes("Prism is listening on")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`Prism exited (code ${code}):\n${output}`)));
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Prism did not listen within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (error) {
    await stop(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    close: () => stop(child),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free a moment ago (Prism has no "port 0"). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

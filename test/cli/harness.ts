// The `faxplus` command as a user gets it: the packed tarball installed into a project outside the
// repository, run through that project's node_modules/.bin/faxplus in a child process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { npmInstall, packTarball } from "../support/pack.js";

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes (downloads to `-o -`). */
  bytes: Buffer;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Written to standard input, which is then closed (always closed, empty by default). */
  stdin?: string;
}

export interface Cli {
  /** The temporary project. */
  dir: string;
  /** Absolute path of node_modules/.bin/faxplus. */
  bin: string;
  run(args: string[], options?: RunOptions): Promise<Result>;
  /** Starts faxplus without waiting for it (for `faxplus mock`). */
  start(args: string[], options?: RunOptions): ChildProcess;
  remove(): Promise<void>;
}

/** The environment of every run: no FAXPLUS_* or colour settings leak in from the test runner. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Packs the package, installs it into a fresh project and returns a runner for its bin. */
export async function installCli(): Promise<Cli> {
  const { tarball } = await packTarball();
  const dir = await mkdtemp(join(tmpdir(), "faxplus-cli-"));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "faxplus-cli-user", private: true, type: "module" }),
  );
  await npmInstall(dir, tarball);
  const bin = join(dir, "node_modules", ".bin", "faxplus");

  const start = (args: string[], options: RunOptions = {}) => {
    const child = spawn(bin, args, {
      cwd: dir,
      env: { ...baseEnv(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin?.end(options.stdin ?? "");
    return child;
  };
  const run = (args: string[], options: RunOptions = {}) =>
    new Promise<Result>((resolve, reject) => {
      const child = start(args, options);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
      child.once("error", reject);
      child.once("close", (code) => {
        const bytes = Buffer.concat(out);
        resolve({
          code,
          stdout: bytes.toString("utf8"),
          stderr: Buffer.concat(err).toString(),
          bytes,
        });
      });
    });
  return { dir, bin, run, start, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The first line a child prints on stdout (e.g. the mock's base URL). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const end = text.indexOf("\n");
      if (end !== -1) {
        child.stdout?.off("data", onData);
        resolve(text.slice(0, end));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited (${code}) before printing a line`)));
  });
}

/** Sends `signal` and resolves to the exit code. */
export function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

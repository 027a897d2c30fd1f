// Importing the package must not touch the fetch globals: on Node, the first read of `Response`,
// `Request`, `Headers`, `FormData` or `fetch` loads undici (about 25 ms), a cost every app would
// pay at start-up even if it never sends a request (a class that `extends Response` at the top of
// a module did exactly that). Checked by behaviour, not by timing: a child process traps reads of
// those globals, then imports each built entry point.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { ROOT } from "./support/pack.js";

const run = promisify(execFile);
const GLOBALS = ["Response", "Request", "Headers", "FormData", "fetch"];
const ENTRIES = ["dist/src/index.js", "dist/src/node.js"];

const child = (entry: string, globals: string[]) => `
  const read = [];
  for (const name of ${JSON.stringify(globals)}) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() { read.push(name); return descriptor.get ? descriptor.get.call(globalThis) : descriptor.value; },
    });
  }
  await import(${JSON.stringify(pathToFileURL(`${ROOT}/${entry}`).href)});
  console.log(JSON.stringify(read));
`;

async function globalsRead(entry: string, globals = GLOBALS): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ["--input-type=module", "-e", child(entry, globals)],
    {
      cwd: ROOT,
    },
  );
  return JSON.parse(stdout) as string[];
}

it.each(ENTRIES)(
  "importing %s reads no fetch global (Node would load undici)",
  async (entry) => {
    expect(await globalsRead(entry)).toEqual([]);
  },
  60_000,
);

it("the trap sees a read (so the check above can fail)", async () => {
  // The package's own code reads Response when fax.api hands an answer over; here a module that
  // reads it at import stands in for a regression.
  const { stdout } = await run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      child("dist/src/index.js", GLOBALS).replace(
        "await import(",
        "globalThis.Response; await import(",
      ),
    ],
    { cwd: ROOT },
  );
  expect(JSON.parse(stdout)).toEqual(["Response"]);
}, 60_000);

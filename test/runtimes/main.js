// Node, Bun and Deno: `<runtime> main.js <mock as JSON>` prints the session's report as JSON, with
// the runtime that ran it.
import { session } from "./session.js";

/* global Bun, Deno */
const runtime =
  typeof Bun !== "undefined"
    ? `bun ${Bun.version}`
    : typeof Deno !== "undefined"
      ? `deno ${Deno.version.deno}`
      : `node ${process.versions.node}`;
const report = await session(JSON.parse(process.argv[2] ?? "{}"));
console.log(JSON.stringify({ runtime, ...report }));

// download: streams a fax document or its confirmation report to a file (or stdout) through the
// raw client `fax.api`, whose response gives the Content-Length for the progress bar. Where and
// how the file is written (atomic replace, modes, devices, links, cleanup): destination.ts.
import { unwrap } from "../index.js";
import { openDestination, type Destination } from "./destination.js";
import { formatBytes, ProgressBar } from "./live.js";
import type { Runner } from "./types.js";

const DOCUMENT = "/accounts/{user_id}/files/{fax_id}";
const REPORT = "/accounts/{user_id}/report/{fax_id}";
const STDOUT = new Set(["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]);

export const download: Runner = async (ctx) => {
  const { args, out } = ctx;
  const id = args.positionals[0] ?? "";
  const report = args.flag("report");
  const fax = await ctx.client();
  // The ID becomes a file name: keep it to one plain name in the current directory.
  const name = `${id.replace(/[^\w.-]/g, "_")}${report ? "-report" : ""}`;
  const given = args.string("output");

  // The destination is opened first: a folder that cannot be written costs no download.
  let destination: Destination | undefined;
  // Standard output by any of its names (it may be a socket, which cannot be opened by path).
  const toStdout = given !== undefined && STDOUT.has(given);
  if (given !== undefined && !toStdout) destination = await openDestination(given);
  const abandon = () => destination?.abandon();
  const interrupted = (signal: NodeJS.Signals) => {
    abandon();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", abandon);
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const params = { path: { user_id: fax.userId, fax_id: id } };
    const init = { params, parseAs: "stream" as const };
    const result = report ? await fax.api.GET(REPORT, init) : await fax.api.GET(DOCUMENT, init);
    const body = unwrap(result, "GET", report ? REPORT : DOCUMENT) ?? new Blob([]).stream();
    const headers = result.response.headers;
    const length = Number(headers.get("content-length"));
    const total = Number.isInteger(length) && length > 0 ? length : undefined;
    const type = headers.get("content-type") ?? "";
    const target = given ?? `${name}.${type.includes("tiff") ? "tiff" : "pdf"}`;
    if (given === undefined) destination = await openDestination(target);

    const bar = new ProgressBar(out, `Downloading ${report ? "report" : "fax"} ${id}`, formatBytes);
    let bytes = 0;
    const reader = body.getReader();
    bar.update(0, total);
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (destination) await destination.write(read.value);
      else if (!out.stdout.write(read.value)) await drain();
      bytes += read.value.byteLength;
      bar.update(bytes, total);
    }
    bar.finish();
    await destination?.commit();

    // Written to stdout, a device or a FIFO: the data is the output.
    if (toStdout || destination?.file === false) return;
    if (ctx.json) out.json({ id, file: target, bytes, type });
    else if (out.tty) out.print(`Saved ${target} (${formatBytes(bytes)}, ${type || "no type"})`);
    else out.print(target);
  } finally {
    abandon();
    process.off("exit", abandon);
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
};

/** Resolves once stdout can take more (back-pressure when writing to a pipe). */
function drain(): Promise<void> {
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

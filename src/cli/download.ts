// download: streams a fax document or its confirmation report to a file (or stdout) through the
// raw client `fax.api`, whose response gives the Content-Length for the progress bar.
import { open, rename, rm } from "node:fs/promises";
import { unwrap } from "../index.js";
import type { Runner } from "./commands.js";
import { formatBytes, ProgressBar } from "./live.js";

const DOCUMENT = "/accounts/{user_id}/files/{fax_id}";
const REPORT = "/accounts/{user_id}/report/{fax_id}";

export const download: Runner = async (ctx) => {
  const { args, out } = ctx;
  const id = args.positionals[0] ?? "";
  const report = args.flag("report");
  const fax = await ctx.client();
  const params = { path: { user_id: fax.userId, fax_id: id } };
  const init = { params, parseAs: "stream" as const };
  const result = report ? await fax.api.GET(REPORT, init) : await fax.api.GET(DOCUMENT, init);
  const body = unwrap(result, "GET", report ? REPORT : DOCUMENT) ?? new Blob([]).stream();
  const headers = result.response.headers;
  const length = Number(headers.get("content-length"));
  const total = Number.isInteger(length) && length > 0 ? length : undefined;
  const type = headers.get("content-type") ?? "";

  // The ID becomes a file name: keep it to one plain name in the current directory.
  const name = `${id.replace(/[^\w.-]/g, "_")}${report ? "-report" : ""}`;
  const target = args.string("output") ?? `${name}.${type.includes("tiff") ? "tiff" : "pdf"}`;
  const bar = new ProgressBar(out, `Downloading ${report ? "report" : "fax"} ${id}`, formatBytes);
  let bytes = 0;
  const copy = async (write: (chunk: Uint8Array) => Promise<unknown>) => {
    const reader = body.getReader();
    bar.update(0, total);
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      await write(read.value);
      bytes += read.value.byteLength;
      bar.update(bytes, total);
    }
    bar.finish();
  };

  if (target === "-") {
    await copy(async (chunk) => {
      if (!out.stdout.write(chunk)) await drain();
    });
    return;
  }
  // Written next to the target and renamed at the end: no half file under the target's name.
  const partial = `${target}.part`;
  const file = await open(partial, "w");
  try {
    await copy((chunk) => file.write(chunk));
    await file.close();
    await rename(partial, target);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  if (ctx.json) out.json({ id, file: target, bytes, type });
  else if (out.tty) out.print(`Saved ${target} (${formatBytes(bytes)}, ${type || "no type"})`);
  else out.print(target);
};

/** Resolves once stdout can take more (back-pressure when writing to a pipe). */
function drain(): Promise<void> {
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

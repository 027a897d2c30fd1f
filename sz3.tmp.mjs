import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
const src = process.argv[2];
const r = await esbuild.build({
  stdin: { contents: src, resolveDir: process.cwd(), loader: "ts" },
  bundle: true,
  platform: "browser",
  format: "esm",
  minify: true,
  write: false,
  metafile: true,
  logLevel: "silent",
});
const code = r.outputFiles[0].contents;
const out = Object.values(r.metafile.outputs)[0];
console.log("total", code.length, gzipSync(code, { level: 9 }).length);
for (const [f, i] of Object.entries(out.inputs).sort(
  (a, b) => b[1].bytesInOutput - a[1].bytesInOutput,
))
  console.log(String(i.bytesInOutput).padStart(6), f.replace(/.*node_modules\//, ""));

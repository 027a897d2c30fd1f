import * as esbuild from "esbuild";
const src = process.argv[2];
const r = await esbuild.build({
  stdin: { contents: src, resolveDir: process.cwd(), loader: "ts" },
  bundle: true,
  platform: "browser",
  format: "esm",
  minifySyntax: true,
  treeShaking: true,
  write: false,
  logLevel: "silent",
});
process.stdout.write(r.outputFiles[0].text);

// npm run generate: spec/ -> generated/ (and README.md's operations table), printing what the
// build noticed and the change report. npm run check:generated (--check): fails when generated/
// differs from what spec/ produces. The work is scripts/generator.js (`generate()` around
// `build()`); this command only reads its arguments and prints.
import { generate } from "./generator.js";

const rootFlag = process.argv.indexOf("--root"); // a throwaway project elsewhere
const root = rootFlag === -1 ? undefined : process.argv[rootFlag + 1];
process.exitCode = await generate({
  ...(root ? { root } : {}),
  check: process.argv.includes("--check"),
  log: { info: (line) => console.log(line), warn: (line) => console.error(line) },
});

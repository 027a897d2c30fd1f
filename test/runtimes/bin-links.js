// Run by `npm install` / `npm ci` in this repository (the root's "prepare" script; never in a
// project that installs the package). The runtime matrix installs Node 20, 22, 24 and 26 and
// TypeScript 7 as aliased devDependencies, and each of them claims a command name that npm links
// into node_modules/.bin: `node` (all four Nodes) and `tsc` (both TypeScripts). npm picks one of
// the claimants at random, and npm scripts put node_modules/.bin first on PATH, so the project
// would build with whichever Node or TypeScript won. This puts the names back: `node` is the
// machine's own, `tsc` and `tsserver` are TypeScript 5 (`typescript`). The matrix calls each
// runtime by its path under node_modules, never through .bin.
import { lstat, mkdir, rm, symlink } from "node:fs/promises";

const BIN = "node_modules/.bin";

await rm(`${BIN}/node`, { force: true });
await mkdir(BIN, { recursive: true });
for (const name of ["tsc", "tsserver"]) {
  const stat = await lstat(`node_modules/typescript/bin/${name}`).catch(() => undefined);
  if (!stat) continue; // installed without devDependencies: nothing claims the name
  await rm(`${BIN}/${name}`, { force: true });
  await symlink(`../typescript/bin/${name}`, `${BIN}/${name}`);
}

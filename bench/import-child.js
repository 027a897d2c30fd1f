// Child of bench/import.js: warms the ESM loader with an empty data: module, then prints how many
// ms importing the specifier given as its argument takes. A file (not `node -e`), as in an app:
// `node -e` pays about 3 ms more for its first bare specifier.
await import("data:text/javascript,export default 1");
const start = performance.now();
await import(process.argv[2]);
console.log(performance.now() - start);

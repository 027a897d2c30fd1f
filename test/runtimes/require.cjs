// CommonJS: require() of the ESM-only package (require(esm)), on every Node that engines admits.
const { FaxPlus } = require("faxplus-unofficial");

console.log(JSON.stringify({ required: typeof FaxPlus }));

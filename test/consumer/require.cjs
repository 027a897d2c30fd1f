// A CommonJS application (a plain .cjs file, no build step) that loads the package with require(),
// as older Node apps do. The package is ESM-only: this works where Node has require(esm) on by
// default (20.19+, 22.12+); test/consumer/consumer.test.ts runs it against the installed tarball,
// and once more with require(esm) turned off, where Node throws ERR_REQUIRE_ESM.
"use strict";
const { FaxPlus, ValidationError } = require("faxplus-unofficial");
const { seeds, startMockServer } = require("faxplus-unofficial/mock");
const { fromPath } = require("faxplus-unofficial/node");

const TOKEN = "cjs-token";

async function main() {
  const mock = await startMockServer({ token: TOKEN });
  try {
    const fax = new FaxPlus({ baseUrl: mock.baseUrl, token: TOKEN });
    const { records } = await fax.listFaxPage({ category: "inbox", limit: 2 });
    let validation = "";
    try {
      await fax.send({ from: seeds.number, to: ["555-1234"], from_fax: { fax_id: "x" } });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      validation = `${error.field}: ${error.rule}`;
    }
    const file = await fromPath(__filename);
    console.log(JSON.stringify({ listed: records.length, validation, fileName: file.name }));
  } finally {
    await mock.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

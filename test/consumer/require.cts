// A TypeScript CommonJS module (.cts, `module: nodenext`) that loads the package with require().
// TypeScript 5.8+ type-checks require() of an ES module under nodenext, for Node's require(esm);
// test/consumer/consumer.test.ts type-checks this file, runs its output, and checks that the same
// file is refused under `module: node16`, which does not model require(esm).
import sdk = require("faxplus-unofficial");
import mockApi = require("faxplus-unofficial/mock");
import nodeFiles = require("faxplus-unofficial/node");
import type { FaxPage, SendFaxIds } from "faxplus-unofficial";

const TOKEN = "cts-token";
const TO = "+14155550123";

async function main(): Promise<void> {
  const mock: mockApi.MockServer = await mockApi.startMockServer({ token: TOKEN });
  try {
    const fax = new sdk.FaxPlus({ baseUrl: mock.baseUrl, token: TOKEN });
    const page: FaxPage = await fax.listFaxPage({ category: "inbox", limit: 2 });
    const { ids: sent }: { ids: SendFaxIds } = await fax.send({
      from: mockApi.seeds.number,
      to: [TO],
      from_fax: { fax_id: page.records[0]?.id ?? "" },
    });
    let status = 0;
    try {
      await new sdk.FaxPlus({ baseUrl: mock.baseUrl, token: "wrong" }).send({
        from: mockApi.seeds.number,
        to: [TO],
        from_fax: { fax_id: mockApi.seeds.inboxFaxId(0) },
      });
    } catch (error) {
      if (!(error instanceof sdk.ApiError)) throw error;
      status = error.status;
    }
    const file: File = await nodeFiles.fromPath(__filename);
    console.log(JSON.stringify({ listed: page.records.length, sent, status, fileName: file.name }));
  } finally {
    await mock.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

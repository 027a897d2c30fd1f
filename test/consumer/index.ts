// A consumer of the published package: it imports only the public entry points, by package name,
// exactly as an application would. test/consumer/consumer.test.ts installs the packed tarball next
// to a copy of this file, type-checks it under both module resolutions, then runs it.
import {
  ApiError,
  AuthenticationError,
  FaxPlus,
  ValidationError,
  type FaxPage,
  type FaxPlusOptions,
  type SendFaxIds,
} from "faxplus-unofficial";
import { seeds, startMockServer, type MockServer } from "faxplus-unofficial/mock";
import { fromPath } from "faxplus-unofficial/node";

const TOKEN = "consumer-token";
const TO = "+14155550123";

const mock: MockServer = await startMockServer({ token: TOKEN });
try {
  const options: FaxPlusOptions = { baseUrl: mock.baseUrl, token: async () => TOKEN };
  const fax = new FaxPlus(options);
  const { records }: FaxPage = await fax.listFaxPage({ category: "inbox", limit: 2 });
  const uploaded = await fax.upload(new Blob(["Hello"], { type: "text/plain" }));
  const { ids: sent }: { ids: SendFaxIds } = await fax.send({
    from: seeds.number,
    to: [TO],
    files: [uploaded],
    from_fax: { fax_id: records[0]?.id ?? "" },
  });

  let validation = "";
  try {
    await fax.send({ from: seeds.number, to: ["555-1234"], from_fax: { fax_id: "x" } });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    validation = `${error.field}: ${error.rule}`;
  }

  let apiStatus = 0;
  let isAuthError = false;
  try {
    await new FaxPlus({ ...options, token: "wrong-token" }).send({
      from: seeds.number,
      to: [TO],
      from_fax: { fax_id: seeds.inboxFaxId(0) },
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    apiStatus = error.status;
    isAuthError = error instanceof AuthenticationError;
  }

  const file: File = await fromPath("package.json");
  const listed = records.length;
  const report = {
    listed,
    uploaded,
    sent,
    validation,
    apiStatus,
    isAuthError,
    fileName: file.name,
  };
  console.log(JSON.stringify(report));
} finally {
  await mock.close();
}

// `fax.throwingApi` / `throwingApiClient`: every failure is thrown as the SDK's error, also when
// openapi-react-query's query and mutation functions call it and TanStack Query keeps the error
// (what a React component then receives as `query.error`). React itself is not needed for this:
// `queryOptions` and a QueryClient run the same functions the hooks run.
import { QueryClient } from "@tanstack/react-query";
import createQueryClient from "openapi-react-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequestError,
  ConnectionError,
  FaxPlus,
  FaxPlusError,
  NotFoundError,
  UnexpectedResponseError,
  throwingApiClient,
  createFaxPlus,
} from "../../src/index.js";
import { seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { closedPort, failure, startServer } from "../support/server.js";

const FAX = "/accounts/{user_id}/faxes/{fax_id}";
const MISSING = "0123456789abcdef0123456789abcdef"; // an ID no fax of the mock has

let mock: MockServer;
let fax: FaxPlus;
beforeAll(async () => {
  mock = await startMockServer({ token: "t", inboxSize: 3 });
  fax = new FaxPlus({ token: "t", baseUrl: mock.baseUrl });
});
afterAll(() => mock.close());

/** A QueryClient that fails a query at its first error (the SDK has retried what is safe). */
function queries(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

describe("fax.throwingApi", () => {
  it("resolves with the data of a 2xx answer", async () => {
    const id = seeds.inboxFaxId(0);
    const { data } = await fax.throwingApi.GET(FAX, {
      params: { path: { user_id: fax.userId, fax_id: id } },
    });
    expect(data?.id).toBe(id);
  });

  it("throws NotFoundError for a 404, with the status and the API's error and description", async () => {
    const error = await failure(
      fax.throwingApi.GET(FAX, { params: { path: { user_id: fax.userId, fax_id: MISSING } } }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      error: "fax_not_found",
      description: `no fax ${MISSING}`,
      method: "GET",
      path: FAX,
    });
  });

  it("throws the ApiError subclass of the status (BadRequestError for a body the API refuses)", async () => {
    const error = await failure(
      throwingApiClient(createFaxPlus({ token: "t", baseUrl: mock.baseUrl })).PUT(FAX, {
        params: { path: { user_id: "self", fax_id: seeds.inboxFaxId(0) } },
        body: {} as never, // what the API refuses; the SDK checks bodies only in its helpers
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, method: "PUT", path: FAX });
  });

  it("throws ConnectionError when nothing listens", async () => {
    const port = await closedPort();
    const offline = new FaxPlus({
      token: "t",
      baseUrl: `http://127.0.0.1:${port}/v3`,
      maxRetries: 0,
    });
    const error = await failure(
      offline.throwingApi.GET(FAX, { params: { path: { user_id: "self", fax_id: MISSING } } }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it("throws UnexpectedResponseError for a 2xx answer that is not JSON (e.g. a proxy's HTML page)", async () => {
    const html = "<!doctype html><title>app</title>";
    const server = await startServer((_request, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end(html);
    });
    try {
      const client = new FaxPlus({ token: "t", baseUrl: server.baseUrl });
      const error = await failure(
        client.throwingApi.GET(FAX, { params: { path: { user_id: "self", fax_id: MISSING } } }),
      );
      expect(error).toBeInstanceOf(UnexpectedResponseError);
      expect(error).toMatchObject({ status: 200, method: "GET", path: FAX });
      // A JSON answer still parses after the check (the check does not consume the body).
      const { data } = await fax.throwingApi.GET(FAX, {
        params: { path: { user_id: "self", fax_id: seeds.inboxFaxId(1) } },
        parseAs: "text",
      });
      expect(JSON.parse(String(data))).toMatchObject({ id: seeds.inboxFaxId(1) });
    } finally {
      await server.close();
    }
  });
});

describe("openapi-react-query over fax.throwingApi", () => {
  const $api = () => createQueryClient(fax.throwingApi);

  it("a query's data is the API's answer", async () => {
    const client = queries();
    const options = $api().queryOptions("get", "/accounts/{user_id}/faxes", {
      params: { path: { user_id: fax.userId }, query: { category: "inbox", limit: 2 } },
    });
    const list = await client.fetchQuery(options);
    expect(list.data?.records?.map((record) => record.id)).toEqual([
      seeds.inboxFaxId(0),
      seeds.inboxFaxId(1),
    ]);
  });

  it("a failed query keeps the SDK's NotFoundError as its error", async () => {
    const client = queries();
    const options = $api().queryOptions("get", FAX, {
      params: { path: { user_id: fax.userId, fax_id: MISSING } },
    });
    const error = await failure(client.fetchQuery(options));
    expect(error).toBeInstanceOf(NotFoundError);
    const state = client.getQueryState(options.queryKey);
    expect(state?.status).toBe("error");
    expect(state?.error).toBe(error);
    expect(state?.error).toMatchObject({ status: 404, description: `no fax ${MISSING}` });
  });
});

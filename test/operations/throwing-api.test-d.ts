// What a React component receives from openapi-react-query over `fax.throwingApi`: `query.error`
// is the SDK's FaxPlusError (its shape: openapi-fetch's types copy it member by member), narrowed
// by `instanceof` to the SDK's classes. Over `fax.api` it would be the spec's error body.
import createQueryClient from "openapi-react-query";
import { describe, expectTypeOf, it } from "vitest";
import {
  ConnectionError,
  FaxPlus,
  NotFoundError,
  type ErrorBody,
  type Fax,
  type FaxPlusError,
} from "../../src/index.js";

declare const fax: FaxPlus;
const path = { user_id: "self", fax_id: "f" };

describe("openapi-react-query over fax.throwingApi", () => {
  it("types query.error as FaxPlusError and query.data as the spec's Fax", () => {
    const $api = createQueryClient(fax.throwingApi);
    const query = () =>
      $api.useQuery("get", "/accounts/{user_id}/faxes/{fax_id}", { params: { path } });
    type Query = ReturnType<typeof query>;
    expectTypeOf<Query["error"]>().toEqualTypeOf<FaxPlusError | null>();
    expectTypeOf<Query["data"]>().toEqualTypeOf<Fax | undefined>();
    // Both ways assignable, so `const e: FaxPlusError | null = query.error` compiles.
    expectTypeOf<Query["error"]>().toExtend<FaxPlusError | null>();
    expectTypeOf<FaxPlusError | null>().toExtend<Query["error"]>();
  });

  it("narrows query.error with instanceof to the SDK's classes", () => {
    const $api = createQueryClient(fax.throwingApi);
    const query = () =>
      $api.useQuery("get", "/accounts/{user_id}/faxes/{fax_id}", { params: { path } });
    const error = {} as ReturnType<typeof query>["error"];
    if (error instanceof NotFoundError) {
      expectTypeOf(error.status).toEqualTypeOf<number>();
      expectTypeOf(error.description).toEqualTypeOf<string | undefined>();
    }
    if (error instanceof ConnectionError)
      expectTypeOf(error.code).toEqualTypeOf<string | undefined>();
  });

  it("types mutation errors as FaxPlusError too", () => {
    const $api = createQueryClient(fax.throwingApi);
    const mutation = () => $api.useMutation("post", "/accounts/{user_id}/outbox");
    expectTypeOf<ReturnType<typeof mutation>["error"]>().toEqualTypeOf<FaxPlusError | null>();
  });

  it("over fax.api the error is the spec's body, not an SDK error (why throwingApi exists)", () => {
    const $api = createQueryClient(fax.api);
    const query = () =>
      $api.useQuery("get", "/accounts/{user_id}/faxes/{fax_id}", { params: { path } });
    expectTypeOf<ReturnType<typeof query>["error"]>().toEqualTypeOf<ErrorBody | null>();
    expectTypeOf<ReturnType<typeof query>["error"]>().not.toExtend<FaxPlusError | null>();
  });
});

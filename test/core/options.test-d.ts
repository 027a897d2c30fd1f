import type { Client } from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import type { paths } from "../../generated/schema.js";
import {
  ApiError,
  FaxPlus,
  ValidationError,
  unwrap,
  type FaxPlusOptions,
  type OAuthTokens,
  type RequestOptions,
  oauthRefresh,
} from "../../src/index.js";

declare const fax: FaxPlus;

describe("FaxPlusOptions", () => {
  it("accepts a token string or a (possibly async) function", () => {
    new FaxPlus({ token: "pat" });
    new FaxPlus({ token: () => "pat" });
    new FaxPlus({ token: async () => "pat" });
    new FaxPlus({
      clientId: "c",
      refresh: oauthRefresh({
        clientSecret: "s",
        refreshToken: "r",
        onTokens: (tokens) => {
          expectTypeOf(tokens).toEqualTypeOf<OAuthTokens>();
        },
      }),
    });
  });

  it("rejects typos and wrong types", () => {
    // @ts-expect-error `tokn` is not an option
    new FaxPlus({ tokn: "pat" });
    // @ts-expect-error a token is a string, not a number
    new FaxPlus({ token: 123 });
    // @ts-expect-error a token function returns a string
    new FaxPlus({ token: async () => 123 });
    // @ts-expect-error `maxRetries` is a number
    new FaxPlus({ maxRetries: "2" });
    // @ts-expect-error `timeout` is spelled out
    new FaxPlus({ timout: 1000 });
    // @ts-expect-error `baseURL` is spelled `baseUrl`
    new FaxPlus({ baseURL: "https://restapi.fax.plus/v3" });
  });

  it("RequestOptions rejects typos", () => {
    fax.fetchWith({ timeout: 1000, maxRetries: 0, signal: new AbortController().signal });
    // @ts-expect-error `timout` is not a request option
    fax.fetchWith({ timout: 1000 });
    expectTypeOf<RequestOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
  });

  it("FaxPlusOptions has no index signature", () => {
    expectTypeOf<FaxPlusOptions>().not.toHaveProperty("anything");
  });
});

describe("FaxPlus", () => {
  it("exposes the typed openapi-fetch client and a readonly userId", () => {
    expectTypeOf(fax.api).toEqualTypeOf<Client<paths>>();
    expectTypeOf(fax.userId).toEqualTypeOf<string>();
    // @ts-expect-error userId is readonly
    fax.userId = "other";
  });

  it("fetchWith returns a fetch for the openapi-fetch init", () => {
    void fax.api.GET("/accounts/{user_id}/outbox", {
      params: { path: { user_id: fax.userId } },
      fetch: fax.fetchWith({ timeout: 5000 }),
    });
  });
});

describe("unwrap", () => {
  it("returns the success data of the operation", async () => {
    const sent = unwrap(
      await fax.api.POST("/accounts/{user_id}/outbox", {
        params: { path: { user_id: "self" } },
        body: { from: "+1", to: ["+2"] },
      }),
      "POST",
      "/accounts/{user_id}/outbox",
    );
    expectTypeOf(sent).toEqualTypeOf<
      paths["/accounts/{user_id}/outbox"]["post"]["responses"][201]["content"]["application/json"]
    >();

    const updated = unwrap(
      await fax.api.PUT("/accounts/{user_id}/outbox/{outbox_fax_id}", {
        params: { path: { user_id: "self", outbox_fax_id: "f" } },
        body: { comment: "c" },
      }),
      "PUT",
      "/accounts/{user_id}/outbox/{outbox_fax_id}",
    );
    expectTypeOf(updated).toEqualTypeOf<undefined>();
  });

  it("raw calls reject wrong paths and missing path params", () => {
    // @ts-expect-error no such path
    void fax.api.GET("/accounts/{user_id}/outbx", { params: { path: { user_id: "self" } } });
    void fax.api.GET("/accounts/{user_id}/outbox/{outbox_fax_id}", {
      // @ts-expect-error outbox_fax_id is required
      params: { path: { user_id: "self" } },
    });
  });
});

describe("errors", () => {
  it("have typed fields", () => {
    expectTypeOf<ApiError["status"]>().toEqualTypeOf<number>();
    expectTypeOf<ApiError["error"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ApiError["headers"]>().toEqualTypeOf<Headers>();
    expectTypeOf<ApiError["mayHaveBeenProcessed"]>().toEqualTypeOf<boolean>();
    expectTypeOf<ValidationError["field"]>().toEqualTypeOf<string>();
    expectTypeOf<ValidationError["rule"]>().toEqualTypeOf<string>();
  });
});

// On Node, the token and the OAuth2 client ID come from FAXPLUS_TOKEN and FAXPLUS_CLIENT_ID when
// no option gives them; never in a browser page (a bundler may define `process` there too).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FaxPlus, ValidationError, createFaxPlus, getUser, oauthRefresh } from "../../src/index.js";
import { startServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeEach(async () => {
  server = await startServer(() => ({ json: { uid: "u1" } }));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await server.close();
});

const headers = () =>
  server.requests.map((r) => [r.headers.authorization, r.headers["x-fax-clientid"]]);

describe("the environment", () => {
  it("gives the token and client ID when no option does", async () => {
    vi.stubEnv("FAXPLUS_TOKEN", "env-token");
    vi.stubEnv("FAXPLUS_CLIENT_ID", "env-client");
    await new FaxPlus({ baseUrl: server.baseUrl }).getAccount();
    await getUser(createFaxPlus({ baseUrl: server.baseUrl }));
    expect(headers()).toEqual([
      ["Bearer env-token", "env-client"],
      ["Bearer env-token", "env-client"],
    ]);
  });

  it("does not override options", async () => {
    vi.stubEnv("FAXPLUS_TOKEN", "env-token");
    vi.stubEnv("FAXPLUS_CLIENT_ID", "env-client");
    await new FaxPlus({
      baseUrl: server.baseUrl,
      token: "option-token",
      clientId: "cid",
    }).getAccount();
    expect(headers()).toEqual([["Bearer option-token", "cid"]]);
  });

  it("is ignored when empty", async () => {
    vi.stubEnv("FAXPLUS_TOKEN", "");
    await new FaxPlus({ baseUrl: server.baseUrl }).getAccount();
    expect(headers()).toEqual([[undefined, undefined]]);
  });

  it("is never read in a browser page", async () => {
    vi.stubEnv("FAXPLUS_TOKEN", "env-token");
    vi.stubGlobal("document", {});
    await new FaxPlus({ baseUrl: server.baseUrl }).getAccount();
    expect(headers()).toEqual([[undefined, undefined]]);
  });

  it("is checked like the option, without echoing it", () => {
    vi.stubEnv("FAXPLUS_TOKEN", "secret-token\r\nx-evil: 1");
    const error = (() => {
      try {
        new FaxPlus();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: "token" });
    expect(String(error)).not.toContain("secret-token");
  });
});

describe("a client without credentials", () => {
  const refusal = (options?: object) => {
    try {
      new FaxPlus(options as never);
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it("is refused when it is made for the real API, naming token and FAXPLUS_TOKEN", () => {
    for (const options of [undefined, {}, { baseUrl: "https://restapi.fax.plus/v3/" }]) {
      const error = refusal(options);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: "token" });
      expect(String(error)).toMatch(/FAXPLUS_TOKEN/);
    }
    expect(() => createFaxPlus({})).toThrow(/token.*FAXPLUS_TOKEN/);
    // In a browser page the environment is not read: the same refusal.
    vi.stubEnv("FAXPLUS_TOKEN", "env-token");
    vi.stubGlobal("document", {});
    expect(refusal({})).toMatchObject({ field: "token" });
  });

  it("is accepted with a token from the environment, a token function or a refresh token", () => {
    expect(refusal({ token: async () => "t" })).toBeUndefined();
    expect(
      refusal({ clientId: "c", refresh: oauthRefresh({ refreshToken: "r", clientSecret: "s" }) }),
    ).toBeUndefined();
    vi.stubEnv("FAXPLUS_TOKEN", "env-token");
    expect(refusal({})).toBeUndefined();
  });

  it("is accepted for a proxy, a mock or a test server, and sends no Authorization", async () => {
    expect(refusal({ baseUrl: "/api/faxplus" })).toBeUndefined();
    expect(refusal({ baseUrl: "https://fax-proxy.example.com/v3" })).toBeUndefined();
    await new FaxPlus({ baseUrl: server.baseUrl }).getAccount();
    expect(headers()).toEqual([[undefined, undefined]]);
  });
});

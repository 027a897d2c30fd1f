import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  FaxPlus,
  ValidationError,
  unwrap,
  type FaxPlusOptions,
  oauthRefresh,
} from "../../src/index.js";
import { closedPort, failure, reply, startServer, type TestServer } from "../support/server.js";

const TOKEN = "sk-live-SECRET-4f9a";
const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const params = { path: { user_id: "self", outbox_fax_id: "f1" } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every way an error gets printed or serialized. */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [e.message, String(e), e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 5 })];
}

describe("the token never leaks", () => {
  it("not from API, connection, timeout or validation errors, nor the logger", async () => {
    const lines: string[] = [];
    server = await startServer((received, res) => {
      if (received.url.endsWith("/hang")) return;
      if (received.url.endsWith("/drop")) return void res.socket?.destroy();
      reply(res, 500, { error: "internal_server_error", description: "boom" });
    });
    const options: FaxPlusOptions = {
      token: TOKEN,
      baseUrl: server.baseUrl,
      maxRetries: 1,
      timeout: 150,
      logger: (event) => lines.push(JSON.stringify(event)),
    };
    const fax = new FaxPlus(options);
    const get = (id: string) =>
      fax.api.GET(OUTBOX_FAX, { params: { path: { user_id: "self", outbox_fax_id: id } } });

    const errors = [
      await failure(get("f1").then((r) => unwrap(r, "GET", OUTBOX_FAX))),
      await failure(get("drop")),
      await failure(get("hang")),
      await failure(get("")),
      await failure(
        new FaxPlus({ token: async () => `${TOKEN}\r\nX-Injected: 1` }).api.GET(OUTBOX_FAX, {
          params,
        }),
      ),
      await failure(
        new FaxPlus({ ...options, baseUrl: `http://127.0.0.1:${await closedPort()}` }).api.GET(
          OUTBOX_FAX,
          { params },
        ),
      ),
    ];
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "InternalServerError",
      "ConnectionError",
      "TimeoutError",
      "ValidationError",
      "ValidationError",
      "ConnectionError",
    ]);
    for (const error of errors) {
      for (const text of renderings(error)) expect(text).not.toContain(TOKEN);
    }
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.join("\n")).not.toContain(TOKEN);
    expect(lines.join("\n")).toContain('"authorization":"[redacted]"');
    expect(JSON.stringify(fax)).not.toContain(TOKEN);
    expect(inspect(fax, { depth: 5 })).not.toContain(TOKEN);
  });

  it("a token with CR/LF is refused before sending, without echoing it", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const error = await failure(
      Promise.resolve().then(() => new FaxPlus({ token: `${TOKEN}\n`, baseUrl: server!.baseUrl })),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: "token" });
    for (const text of renderings(error)) expect(text).not.toContain(TOKEN);

    const fromFunction = await failure(
      new FaxPlus({ token: () => `${TOKEN}\r\n`, baseUrl: server.baseUrl }).api.GET(OUTBOX_FAX, {
        params,
      }),
    );
    expect(fromFunction).toMatchObject({ name: "ValidationError", field: "token" });
    expect(server.requests).toHaveLength(0);
  });

  it("a client ID with CR/LF is refused", () => {
    expect(() => new FaxPlus({ clientId: "abc\r\nx-evil: 1" })).toThrow(
      expect.objectContaining({ field: "header x-fax-clientid" }),
    );
  });
});

describe("path parameters are checked before sending", () => {
  const bad: [string, Record<string, unknown>][] = [
    ["empty", { user_id: "self", outbox_fax_id: "" }],
    ["dot", { user_id: "self", outbox_fax_id: "." }],
    ["dot-dot", { user_id: "self", outbox_fax_id: ".." }],
    ["missing", { user_id: "self" }],
    ["undefined", { user_id: "self", outbox_fax_id: undefined }],
    ["null", { user_id: "self", outbox_fax_id: null }],
  ];
  for (const [label, path] of bad) {
    it(`${label} outbox_fax_id is a ValidationError and nothing is sent`, async () => {
      server = await startServer((_, res) => reply(res, 200, {}));
      const fax = new FaxPlus({ token: TOKEN, baseUrl: server.baseUrl });
      // Casts stand for what JavaScript callers can pass.
      const error = await failure(
        fax.api.GET(OUTBOX_FAX, { params: { path: path as typeof params.path } }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: "path.outbox_fax_id" });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("missing params altogether is a ValidationError and nothing is sent", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const fax = new FaxPlus({ token: TOKEN, baseUrl: server.baseUrl });
    const raw = fax.api.GET as (path: string) => Promise<unknown>;
    const error = await failure(raw(OUTBOX_FAX));
    expect(error).toMatchObject({ name: "ValidationError", field: "path.user_id" });
    expect(server.requests).toHaveLength(0);
  });

  it("values are percent-encoded", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const fax = new FaxPlus({ token: TOKEN, baseUrl: server.baseUrl });
    await fax.api.GET(OUTBOX_FAX, {
      params: { path: { user_id: "self", outbox_fax_id: "../x?y" } },
    });
    expect(server.requests[0]?.url).toBe("/v3/accounts/self/outbox/..%2Fx%3Fy");
  });

  it("userId is checked too", () => {
    expect(() => new FaxPlus({ token: "t", userId: ".." })).toThrow(ValidationError);
    expect(new FaxPlus({ token: "t", userId: "u123" }).userId).toBe("u123");
    expect(new FaxPlus({ token: "t" }).userId).toBe("self");
  });
});

describe("baseUrl", () => {
  const accepted = [
    "https://restapi.fax.plus/v3",
    "http://127.0.0.1:8080/v3",
    "http://127.9.9.9/v3",
    "http://localhost:3000",
    "http://[::1]:3000/v3",
    "/api/faxplus",
  ];
  for (const baseUrl of accepted) {
    it(`accepts ${baseUrl}`, () => {
      expect(() => new FaxPlus({ token: "t", baseUrl })).not.toThrow();
    });
  }

  const refused = [
    "http://restapi.fax.plus/v3",
    "http://127.0.0.1.evil.com/v3",
    "ftp://restapi.fax.plus",
    "//evil.example/v3",
    "/\\evil.example/v3",
    "https://user:pass@restapi.fax.plus/v3",
    "restapi.fax.plus/v3",
    // Browsers strip tabs and line breaks from URLs: these would go to evil.example.
    "/\t/evil.example/v3",
    "/\n/evil.example/v3",
    "/\r/evil.example/v3",
    "/ /evil.example/v3",
    "https://restapi.fax.plus/v3\n",
  ];
  for (const baseUrl of refused) {
    it(`refuses ${baseUrl}`, () => {
      expect(() => new FaxPlus({ baseUrl })).toThrow(
        expect.objectContaining({ name: "ValidationError", field: "baseUrl" }),
      );
    });
  }

  it("accepts plain http elsewhere with allowInsecureHttp", () => {
    expect(
      () => new FaxPlus({ baseUrl: "http://faxplus.internal/v3", allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it("refuses a per-request baseUrl over plain http before sending the token", async () => {
    let sent = 0;
    const fax = new FaxPlus({
      token: TOKEN,
      fetch: async () => (sent++, new Response(null, { status: 204 })),
    });
    const error = await failure(
      fax.api.GET(OUTBOX_FAX, { params, baseUrl: "http://restapi.fax.plus/v3" }),
    );
    expect(error).toMatchObject({ name: "ValidationError", field: "baseUrl" });
    expect(sent).toBe(0);
    // https and loopback overrides still go through.
    await fax.api.GET(OUTBOX_FAX, { params, baseUrl: "https://eu.restapi.fax.plus/v3" });
    await fax.api.GET(OUTBOX_FAX, { params, baseUrl: "http://127.0.0.1:8/v3" });
    expect(sent).toBe(2);
  });

  it("applies the same rule to tokenUrl", () => {
    const refresh = oauthRefresh({
      tokenUrl: "http://accounts.fax.plus/token",
      clientSecret: "s",
      refreshToken: "r",
    });
    expect(() => new FaxPlus({ clientId: "c", refresh })).toThrow(
      expect.objectContaining({ field: "tokenUrl" }),
    );
  });
});

describe("numeric options", () => {
  it("refuses a negative maxRetries and out-of-range timeouts", () => {
    expect(() => new FaxPlus({ maxRetries: -1 })).toThrow(ValidationError);
    expect(() => new FaxPlus({ maxRetries: 1.5 })).toThrow(ValidationError);
    expect(() => new FaxPlus({ timeout: 0 })).toThrow(ValidationError);
    expect(() => new FaxPlus({ timeout: 2 ** 31 })).toThrow(ValidationError);
    expect(() => new FaxPlus({ token: "t" }).fetchWith({ timeout: Number.NaN })).toThrow(
      ValidationError,
    );
  });
});

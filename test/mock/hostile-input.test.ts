// The mock as a server people point their tests at, tried with hostile and careless input: body
// size limits (413) with authentication checked before a body is read, JSON nested too deep,
// malformed requests of every kind, and the empty values and impossible dates the API refuses.
// None of it may crash the mock or get a 5xx answer; only injected faults and the mock's own bugs
// may. (test/mock/properties.test.ts tries the same with generated requests.)
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { ApiError, FaxPlus } from "../../src/index.js";
import { defaultBodyLimits, MockServer, seeds } from "../../src/mock/index.js";
import { MAX_NESTING } from "../../src/mock/request-body.js";
import { parseTime } from "../../src/mock/state.js";
import { openRaw, rawRequest } from "./raw-http.js";
import { mockServers } from "../support/mock-servers.js";

const TOKEN = "hostile-token";
const start = mockServers({ token: TOKEN });

const portOf = (server: MockServer) => Number(new URL(server.baseUrl).port);
const auth = { authorization: `Bearer ${TOKEN}` };

function api(server: MockServer, method: string, path: string, init: RequestInit = {}) {
  return fetch(`${server.baseUrl}${path}`, {
    method,
    ...init,
    headers: { ...auth, ...(init.headers as Record<string, string>) },
  });
}

function putJson(server: MockServer, path: string, body: string) {
  return api(server, "PUT", path, { body, headers: { "content-type": "application/json" } });
}

/** The raw head of a request to the mock, with `Content-Length` or chunked. */
function head(method: string, path: string, headers: string[]): string {
  return [`${method} /v3${path} HTTP/1.1`, "Host: 127.0.0.1", ...headers, "", ""].join("\r\n");
}

const faxPath = `/accounts/self/faxes/${seeds.inboxFaxId(0)}`;

describe("request body limits", () => {
  it("answers 413 {error, description} to a JSON body one byte over maxBodyBytes, and reads one at the limit", async () => {
    const server = await start();
    const limit = server.maxBodyBytes;
    expect(limit).toBe(defaultBodyLimits.maxBodyBytes);
    const frame = JSON.stringify({ comment: "", is_read: true }).length;
    const body = (size: number) =>
      JSON.stringify({ comment: "x".repeat(size - frame), is_read: true });
    const over = await putJson(server, faxPath, body(limit + 1));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({
      error: "payload_too_large",
      description: `the body is larger than ${limit} bytes`,
    });
    expect(server.requests.at(-1)?.body).toBeUndefined();
    const at = await putJson(server, faxPath, body(limit));
    expect(at.status).toBe(204);
    expect(server.state.faxes.get(seeds.inboxFaxId(0))?.comment).toHaveLength(limit - frame);
  });

  it("refuses a Content-Length over the limit before the body is sent, then closes", async () => {
    const server = await start({ maxBodyBytes: 1_000 });
    const request = openRaw(
      portOf(server),
      head("PUT", faxPath, [
        `Authorization: Bearer ${TOKEN}`,
        "Content-Type: application/json",
        "Content-Length: 1001",
      ]),
    );
    // Nothing of the body is sent: the answer can only come from the declared length.
    const answer = await request.answer;
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toMatchObject({ error: "payload_too_large" });
  });

  it("stops reading a chunked body at the limit: answers 413 while the body is still coming", async () => {
    const server = await start({ maxBodyBytes: 1_000 });
    const request = openRaw(
      portOf(server),
      head("PUT", faxPath, [
        `Authorization: Bearer ${TOKEN}`,
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
      ]),
    );
    // 1,001 bytes in chunks and no final chunk: a server reading to the end would never answer.
    for (let sent = 0; sent < 1_001; sent += 100)
      request.socket.write(`64\r\n${"[".repeat(100)}\r\n`);
    const answer = await request.answer;
    expect(answer.status).toBe(413);
    expect(server.requests.at(-1)).toMatchObject({ operationId: "updateFax", body: undefined });
  });

  it("answers 401 without reading the body of a request without a valid token", async () => {
    const server = await start();
    for (const authorization of [[], [`Authorization: Bearer not-${TOKEN}`]]) {
      // 50 MB announced, 1 KB sent: the 401 comes without the rest, and the connection closes.
      const request = openRaw(
        portOf(server),
        head("POST", "/accounts/self/files", [
          ...authorization,
          "Content-Type: multipart/form-data; boundary=x",
          `Content-Length: ${50 * 2 ** 20}`,
        ]),
        new Uint8Array(1_024),
      );
      const answer = await request.answer;
      expect(answer.status).toBe(401);
      expect(answer.headers.connection).toBe("close");
      expect(server.requests.at(-1)).toMatchObject({ operationId: "uploadFile", body: undefined });
    }
    // The same through fetch, which sends the whole body: it still gets the 401.
    const fetched = await fetch(`${server.baseUrl}/accounts/self/files`, {
      method: "POST",
      body: new Uint8Array(50 * 2 ** 20),
    });
    expect(fetched.status).toBe(401);
  });

  it("does not invite the body of `Expect: 100-continue` without a valid token", async () => {
    const server = await start();
    const request = openRaw(
      portOf(server),
      head("POST", "/accounts/self/files", ["Expect: 100-continue", "Content-Length: 52428800"]),
    );
    const answer = await request.answer;
    expect(answer.status).toBe(401);
  });

  it("takes a 30 MiB upload by default and answers 413 to one over maxUploadBytes, also through the SDK", async () => {
    const server = await start();
    expect(server.maxUploadBytes).toBe(defaultBodyLimits.maxUploadBytes);
    const form = new FormData();
    form.append("fax_file", new Blob([new Uint8Array(30 * 2 ** 20)]), "big.pdf");
    const accepted = await api(server, "POST", "/accounts/self/files", { body: form });
    expect(accepted.status).toBe(200);
    const { path } = (await accepted.json()) as { path: string };
    expect(server.state.files.get(path)?.bytes.byteLength).toBe(30 * 2 ** 20);
    const over = await openRaw(
      portOf(server),
      head("POST", "/accounts/self/files", [
        `Authorization: Bearer ${TOKEN}`,
        "Content-Type: multipart/form-data; boundary=x",
        `Content-Length: ${server.maxUploadBytes + 1}`,
      ]),
    ).answer;
    expect(over.status).toBe(413);

    const small = await start({ maxUploadBytes: 64 * 1024 });
    const fax = new FaxPlus({ baseUrl: small.baseUrl, token: TOKEN, maxRetries: 0 });
    // A PDF as far as the SDK's document check looks (its first bytes), 64 KiB in all.
    const document = new Blob(["%PDF-1.4\n", new Uint8Array(64 * 1024 - 9)]);
    const error = await fax.upload(document).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, error: "payload_too_large" });
    expect(small.state.files.size).toBe(0);
  });

  it("refuses limits that are not a number of bytes", () => {
    for (const maxBodyBytes of [-1, Number.NaN]) {
      expect(() => new MockServer({ maxBodyBytes })).toThrow(RangeError);
    }
    expect(() => new MockServer({ maxUploadBytes: -1 })).toThrow(/maxUploadBytes/);
  });
});

describe("JSON nested too deep", () => {
  it(`refuses more than ${MAX_NESTING} levels with 400 before parsing or storing the body`, async () => {
    const server = await start();
    const deep = `{"ids":${"[".repeat(100_000)}${"]".repeat(100_000)},"is_read":true}`;
    const response = await putJson(server, "/accounts/self/faxes", deep);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_json",
      description: `the body is nested deeper than ${MAX_NESTING} levels`,
    });
    // Kept as bytes, never parsed: the record can be serialised, and the next request is served.
    expect(server.requests.at(-1)?.body).toBeInstanceOf(Uint8Array);
    expect(() => JSON.stringify(server.requests)).not.toThrow();
    expect((await api(server, "GET", "/accounts/self")).status).toBe(200);
  });

  it("counts only brackets outside strings, escaped quotes included", async () => {
    const server = await start();
    const comment = `[{"\\"[[[${"[{".repeat(5_000)}\\\\`;
    const response = await putJson(server, faxPath, JSON.stringify({ comment, is_read: false }));
    expect(response.status).toBe(204);
    expect(server.state.faxes.get(seeds.inboxFaxId(0))?.comment).toBe(comment);
  });

  it(`leaves a body of ${MAX_NESTING} levels to the validator, and stores the deepest one it accepts`, async () => {
    const server = await start();
    // The body, settings and options are three levels; the rest nests inside options.
    let options: unknown = "leaf";
    for (let level = 3; level < MAX_NESTING; level++) options = { k: options };
    const deepest = await putJson(
      server,
      "/accounts/self",
      JSON.stringify({ settings: { options: { k: options } } }),
    );
    // The SDK's validator allows values MAX_DEPTH levels below the body: one short of MAX_NESTING
    // containers plus the leaf.
    expect(deepest.status).toBe(400);
    expect(((await deepest.json()) as { description: string }).description).toMatch(
      /must be nested at most/,
    );
    const body = JSON.stringify({ settings: { options } });
    expect((await putJson(server, "/accounts/self", body)).status).toBe(204);
    const account = (await (await api(server, "GET", "/accounts/self")).json()) as {
      settings: unknown;
    };
    expect(account.settings).toEqual({ options });
  });
});

describe("bad input never gets a 5xx", () => {
  const port = (server: MockServer) => portOf(server);
  const json = ["Content-Type", "application/json"] as [string, string];
  const bearer = ["Authorization", `Bearer ${TOKEN}`] as [string, string];
  const cases: [
    string,
    { method: string; target: string; headers?: [string, string][] },
    string,
  ][] = [
    ["malformed JSON", { method: "PUT", target: `/v3${faxPath}`, headers: [bearer, json] }, "{"],
    ["a JSON null body", { method: "POST", target: "/v3/hooks", headers: [bearer, json] }, "null"],
    ["a JSON array body", { method: "POST", target: "/v3/hooks", headers: [bearer, json] }, "[]"],
    [
      "an empty required body",
      { method: "POST", target: "/v3/accounts/self/outbox", headers: [bearer, json] },
      "",
    ],
    [
      "text/plain to a JSON operation",
      { method: "PUT", target: `/v3${faxPath}`, headers: [bearer, ["Content-Type", "text/plain"]] },
      '{"comment":"a","is_read":true}',
    ],
    [
      "JSON to the upload",
      { method: "POST", target: "/v3/accounts/self/files", headers: [bearer, json] },
      '{"fax_file":"x"}',
    ],
    [
      "a multipart body without boundary",
      {
        method: "POST",
        target: "/v3/accounts/self/files",
        headers: [bearer, ["Content-Type", "multipart/form-data"]],
      },
      "--x\r\n",
    ],
    [
      "a multipart body cut short",
      {
        method: "POST",
        target: "/v3/accounts/self/files",
        headers: [bearer, ["Content-Type", "multipart/form-data; boundary=x"]],
      },
      '--x\r\nContent-Disposition: form-data; name="fax_file"; filename="a"\r\n\r\nabc',
    ],
    [
      "multipart to a JSON operation",
      {
        method: "PUT",
        target: `/v3${faxPath}`,
        headers: [bearer, ["Content-Type", "multipart/form-data; boundary=x"]],
      },
      "--x--\r\n",
    ],
    [
      "wrong types",
      { method: "PUT", target: "/v3/accounts/self/faxes", headers: [bearer, json] },
      '{"ids":5,"is_read":"yes","comment":{}}',
    ],
    [
      "__proto__ and constructor keys",
      { method: "PUT", target: "/v3/accounts/self", headers: [bearer, json] },
      '{"__proto__":{"name":"x"},"constructor":{"prototype":{"polluted":1}}}',
    ],
    [
      "__proto__ in a free-form field",
      { method: "PUT", target: "/v3/accounts/self", headers: [bearer, json] },
      '{"settings":{"options":{"__proto__":{"polluted":1},"toString":1}}}',
    ],
    [
      "malformed percent-encoding in a path parameter",
      { method: "GET", target: "/v3/accounts/%E0%A4%A/faxes", headers: [bearer] },
      "",
    ],
    [
      "a lone surrogate, percent-encoded",
      { method: "GET", target: "/v3/accounts/self/faxes/%ED%A0%80", headers: [bearer] },
      "",
    ],
    ["a bare percent sign", { method: "GET", target: "/v3/hooks/%", headers: [bearer] }, ""],
    ["an empty path parameter", { method: "DELETE", target: "/v3/hooks/", headers: [bearer] }, ""],
    ["a request target that is not a URL", { method: "GET", target: "//", headers: [bearer] }, ""],
    ["an asterisk target", { method: "OPTIONS", target: "*", headers: [bearer] }, ""],
    [
      "an absolute-form target",
      { method: "GET", target: "http://evil.example/v3/accounts/self", headers: [bearer] },
      "",
    ],
    [
      "a huge integer",
      {
        method: "GET",
        target: `/v3/accounts/self/faxes?limit=${"9".repeat(10_000)}`,
        headers: [bearer],
      },
      "",
    ],
    [
      "a hostile query string",
      {
        method: "GET",
        target:
          "/v3/accounts/self/faxes?__proto__=1&constructor=x&limit=%zz&limit=2&offset=-1&category=%00",
        headers: [bearer],
      },
      "",
    ],
    [
      "an empty required query parameter",
      { method: "GET", target: "/v3/hooks?event=", headers: [bearer] },
      "",
    ],
    [
      "a query string past the header limit",
      { method: "GET", target: `/v3/accounts/self?q=${"a".repeat(20_000)}`, headers: [bearer] },
      "",
    ],
    [
      "a header value with a control character",
      {
        method: "GET",
        target: "/v3/accounts/self",
        headers: [bearer, ["X-Fax-ClientId", "a\u0001b"]],
      },
      "",
    ],
    [
      "a header value with non-ASCII bytes",
      {
        method: "GET",
        target: "/v3/accounts/self",
        headers: [
          ["Authorization", `Bearer ${TOKEN}\u00ff`],
          ["Accept", "\u00e9"],
        ],
      },
      "",
    ],
    [
      "two different Content-Lengths",
      {
        method: "PUT",
        target: `/v3${faxPath}`,
        headers: [bearer, json, ["Content-Length", "1"], ["Content-Length", "2"]],
      },
      "",
    ],
    ["an unknown method", { method: "BREW", target: "/v3/accounts/self", headers: [bearer] }, ""],
    [
      "a method the API does not have",
      { method: "PATCH", target: `/v3${faxPath}`, headers: [bearer, json] },
      "{}",
    ],
  ];

  it.each(cases)("%s", async (_name, request, body) => {
    const server = await start();
    const answer = await rawRequest(port(server), request, body);
    expect(answer.status).toBeDefined();
    expect(answer.status).toBeLessThan(500);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect((await api(server, "GET", "/accounts/self/outbox")).status).toBe(200);
    expect((await api(server, "GET", "/accounts/self")).status).toBe(200);
  });

  it("answers 500 to a failure of its own and keeps serving", async () => {
    const server = await start();
    const advance = server.state.advance.bind(server.state);
    server.state.advance = () => {
      throw new Error("boom");
    };
    const failed = await api(server, "GET", "/accounts/self/outbox");
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: "internal_server_error",
      description: "mock failure: boom",
    });
    server.state.advance = advance;
    server.corruptNextResponse(() => ({ n: 1n })); // JSON.stringify throws on a BigInt
    expect((await api(server, "GET", "/accounts/self")).status).toBe(500);
    expect((await api(server, "GET", "/accounts/self")).status).toBe(200);
  });
});

describe("empty values and impossible dates", () => {
  const send = (server: MockServer, payload: Record<string, unknown>) =>
    api(server, "POST", "/accounts/self/outbox", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: seeds.number, to: ["+14155550111"], ...payload }),
    });

  it("refuses files: [] without from_fax, and empty strings, and delivers nothing", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const server = await start({ now: () => clock });
    const faxes = server.state.faxes.size;
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ files: [] }, /^files or from_fax: at least one of them is required$/],
      [{ files: [], from_fax: undefined }, /^files or from_fax: at least one of them is required$/],
      [{ from_fax: { fax_id: "" } }, /^from_fax\.fax_id: must not be empty/],
      [{ files: [""] }, /^files\[0\]: no uploaded file/],
      [{ from: "", from_fax: { fax_id: seeds.sentFaxId } }, /^from: must be a fax number/],
      [{ to: [""], from_fax: { fax_id: seeds.sentFaxId } }, /^to\[0\]: must be a fax number/],
      [{ to: [], from_fax: { fax_id: seeds.sentFaxId } }, /^to: must have at least 1 item/],
    ];
    for (const [payload, description] of refused) {
      const response = await send(server, payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(((await response.json()) as { description: string }).description).toMatch(description);
    }
    clock += 24 * 3_600_000;
    expect((await api(server, "GET", "/accounts/self/outbox")).status).toBe(200);
    expect([...server.state.outbox.keys()]).toEqual([seeds.scheduledJobId]);
    expect(server.state.faxes.size).toBe(faxes);
    // An empty list beside a from_fax is fine: the fax has a document.
    const combined = await send(server, { files: [], from_fax: { fax_id: seeds.sentFaxId } });
    expect(combined.status).toBe(201);
  });

  it("refuses a send_time that matches the pattern but names no moment, and keeps serving", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const server = await start({ now: () => clock });
    const pattern = new RegExp(rules.sendFax.body.properties.send_time.pattern);
    for (const sendTime of [
      "2026-02-30 10:00:00 +0000",
      "2027-02-29 10:00:00 +0000",
      "2026-01-01 10:00:61 +0000",
      "2026-01-01 10:00:60 +0000",
      "2026-01-01 24:00:00 +0000",
      "2026-01-01 10:60:00 +0000",
      "2026-13-01 10:00:00 +0000",
      "2026-00-10 10:00:00 +0000",
      "2026-01-00 10:00:00 +0000",
      "2026-01-01 10:00:00 +9999",
      "2026-01-01 10:00:00 +0060",
      "2026-01-01 10:00:00 -1500",
    ]) {
      expect(sendTime).toMatch(pattern);
      const response = await send(server, {
        from_fax: { fax_id: seeds.sentFaxId },
        send_time: sendTime,
      });
      expect(response.status, sendTime).toBe(400);
      expect(await response.json()).toEqual({
        error: "invalid_request",
        description: `send_time: must be a real date and time (got ${JSON.stringify(sendTime)})`,
      });
    }
    expect([...server.state.outbox.keys()]).toEqual([seeds.scheduledJobId]);
    const leap = await send(server, {
      from_fax: { fax_id: seeds.sentFaxId },
      send_time: "2028-02-29 23:59:59 -1400",
    });
    expect(leap.status).toBe(201);
    clock = Date.parse("2028-03-02T00:00:00Z");
    expect((await api(server, "GET", "/accounts/self/outbox")).status).toBe(200);
    expect((await api(server, "GET", "/accounts/self/faxes?category=sent")).status).toBe(200);
  });

  it("keeps serving when a job stored directly has a send time that is no time: it waits", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const server = await start({ now: () => clock, deliveryMs: 0 });
    const sendAt = parseTime("2026-02-30 10:00:00 +0000");
    expect(sendAt).toBeNaN();
    const job = server.state.outbox.get(seeds.scheduledJobId)!;
    server.state.addJob({ ...job, record: { ...job.record, id: "f".repeat(32) }, sendAt });
    clock += 365 * 24 * 3_600_000;
    const outbox = await api(server, "GET", "/accounts/self/outbox");
    expect(outbox.status).toBe(200);
    expect(server.state.outbox.get("f".repeat(32))?.record.status).toBe("scheduled_for_sending");
  });
});

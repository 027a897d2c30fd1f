// The browser guard: a relative `baseUrl` (or `tokenUrl`) is refused when a browser would take it,
// or the request URLs built on it, to another origin. The oracle is the WHATWG URL parser (Node's
// URL, which strips tabs and newlines and reads `\` as `/` as browsers do), resolving against a
// page origin.
import fc from "fast-check";
import { removeTrailingSlash } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../../generated/rules.js";
import { FaxPlus, ValidationError, oauthRefresh } from "../../src/index.js";
import { runs } from "./generators.js";

const PAGE = "https://page.invalid";

/** The origin a browser on PAGE resolves `value` to, or undefined when it cannot resolve it. */
function originOf(value: string): string | undefined {
  try {
    return new URL(value, PAGE).origin;
  } catch {
    return undefined;
  }
}

/** Every request path of the spec, its parameters filled. */
const apiPaths = (Object.values(rules) as unknown[])
  .filter((value): value is OperationRules => typeof (value as OperationRules).path === "string")
  .map((operation) => operation.path.replace(/\{[^}]+\}/g, "p"));

/** Whether a browser would send the requests of a client on `baseUrl` to PAGE's origin. */
/** A client appends each path to the base without its trailing slash (openapi-fetch's rule). */
const requestsStayHome = (baseUrl: string) =>
  apiPaths.every((path) => originOf(removeTrailingSlash(baseUrl) + path) === PAGE);

/** Control characters and spaces: browsers strip or drop them, so they can hide a host. */
const CONTROL = /[\u0000-\u0020\u007f]/;

type Outcome = "accepted" | ValidationError | unknown;
function clientWith(field: "baseUrl" | "tokenUrl", value: string): Outcome {
  try {
    new FaxPlus(
      field === "baseUrl"
        ? { baseUrl: value }
        : {
            clientId: "c",
            refresh: oauthRefresh({ clientSecret: "s", refreshToken: "r", tokenUrl: value }),
          },
    );
    return "accepted";
  } catch (error) {
    return error;
  }
}

/** Pieces that confuse URL parsers: slashes both ways, controls, dots, hosts, escapes. */
const piece = fc.constantFrom(
  "/",
  "/",
  "//",
  "\\",
  "\t",
  "\n",
  "\r",
  " ",
  "\u0000",
  "\u001f",
  "\u00a0",
  ".",
  "..",
  "evil.example",
  "api",
  "v3",
  "%2F",
  "%5C",
  "%09",
  "@",
  ":",
  ":443",
  "?",
  "#",
);
const confusing = fc.oneof(
  fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => `/${parts.join("")}`),
  fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
);

/** Paths of the page's origin: `/` and non-empty segments of URL path characters. */
const segment = fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@%]{1,12}$/);
const ownPath = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([segments, slash]) => `/${segments.join("/")}${slash ? "/" : ""}`);

describe("a relative baseUrl or tokenUrl", () => {
  it("is refused when a browser would resolve it to another origin, or it holds controls", () => {
    fc.assert(
      fc.property(
        confusing,
        fc.constantFrom("baseUrl" as const, "tokenUrl" as const),
        (value, field) => {
          const outcome = clientWith(field, value);
          const leaves = originOf(value) !== PAGE;
          if (leaves || CONTROL.test(value)) expect(outcome).not.toBe("accepted");
          if (outcome === "accepted") expect(originOf(value)).toBe(PAGE);
        },
      ),
      runs(1000),
    );
  });

  // Found by this property: a value the URL parser cannot resolve ("//", "///", "/\\") once made
  // `new FaxPlus(...)` throw the parser's TypeError. src/core/url.ts now guards the parse.
  it("is refused with a ValidationError naming the option, never a TypeError", () => {
    fc.assert(
      fc.property(
        confusing,
        fc.constantFrom("baseUrl" as const, "tokenUrl" as const),
        (value, field) => {
          const outcome = clientWith(field, value);
          if (outcome === "accepted") return;
          expect(outcome).toBeInstanceOf(ValidationError);
          expect((outcome as ValidationError).field).toBe(field);
        },
      ),
      runs(1000),
    );
  });

  it("is accepted when it is a path of the page's own origin", () => {
    fc.assert(
      fc.property(
        ownPath,
        fc.constantFrom("baseUrl" as const, "tokenUrl" as const),
        (value, field) => {
          expect(originOf(value)).toBe(PAGE); // the oracle agrees
          expect(clientWith(field, value)).toBe("accepted");
        },
      ),
      runs(300),
    );
  });

  // Found by this property: the baseUrl "/" once built "//accounts/self/outbox", which a browser
  // resolves to another host (https://accounts/...), taking the token with it. Trailing slashes
  // are now stripped from baseUrl as openapi-fetch does, and checkRequestUrl refuses "//".
  it("once accepted, every request URL of the spec built on it stays on the page's origin", () => {
    fc.assert(
      fc.property(fc.oneof(ownPath, confusing, fc.constant("/")), (value) => {
        if (clientWith("baseUrl", value) !== "accepted") return;
        expect(requestsStayHome(value)).toBe(true);
      }),
      { ...runs<[string]>(1000), examples: [["/"]] },
    );
  });
});

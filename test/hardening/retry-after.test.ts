// `Retry-After` as RFC 9110 defines it: delta-seconds (digits only) or an HTTP-date; anything else
// falls back to the SDK's own backoff, never to an immediate retry; a date in the past too.
//
// Found by these properties (issue 20): `1.5`, `-1`, `+5` and `2, 5` were read by Date.parse as
// dates in 2001, so the retry fired after 2 ms: 21 requests in 42 ms against a rate-limited server.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/core/errors.js";
import { MAX_RETRY_AFTER_SECONDS, backoff, retryDelay } from "../../src/core/retry.js";
import { FaxPlus, RateLimitError, type LogEvent } from "../../src/index.js";
import { failure, startServer, type TestServer } from "../support/server.js";
import { runs } from "./generators.js";

/** The shortest and longest wait of the first backoff (its jitter bounds), in ms. */
const FLOOR = Math.min(...Array.from({ length: 200 }, () => backoff(0)));
const [BACKOFF_MIN, BACKOFF_MAX] = [500 * 0.75, 500];

const wait = (value: string) =>
  retryDelay(new Response(null, { status: 429, headers: { "retry-after": value } }), true, 0);

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");
/** An instant (whole seconds) from 1995 to 2060, in each of the three HTTP-date forms. */
const instant = fc.integer({ min: 800_000_000, max: 2_900_000_000 }).map((s) => new Date(s * 1000));
const time = (d: Date) =>
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const forms = {
  imf: (d: Date) => d.toUTCString(),
  rfc850: (d: Date) =>
    `${LONG_DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${time(d)} GMT`,
  asctime: (d: Date) =>
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${time(d)} ${d.getUTCFullYear()}`,
};

describe("parseRetryAfter", () => {
  it("reads delta-seconds: digits only", () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        expect(parseRetryAfter(String(n))).toBe(n);
      }),
      runs(200),
    );
  });

  it("reads an HTTP-date (IMF-fixdate)", () => {
    const now = Date.parse("2026-12-01T00:00:00Z");
    fc.assert(
      fc.property(instant, (date) => {
        const expected = Math.max(0, (date.getTime() - now) / 1000);
        expect(parseRetryAfter(forms.imf(date), now)).toBe(expected);
      }),
      runs(300),
    );
  });

  it("refuses the obsolete date forms (RFC 850, asctime): the SDK's backoff applies", () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(forms.rfc850, forms.asctime), (date, form) => {
        expect(parseRetryAfter(form(date))).toBeUndefined();
      }),
      runs(100),
    );
  });

  it("refuses everything else: fractions, signs, lists, garbage, impossible dates", () => {
    for (const value of ["1.5", "-1", "+5", "2, 5", "1e3", "0x10", "", " ", "soon", "5 s"]) {
      expect(parseRetryAfter(value), value).toBeUndefined();
    }
    for (const value of [
      "Wed, 31 Feb 2026 10:00:00 GMT", // no such day
      "Wed, 21 Oct 2015 25:00:00 GMT", // no such hour
      "Wed, 21 Oct 2015 07:28:00 UTC", // not GMT
      "2026-12-01T00:00:00Z", // ISO 8601 is no HTTP-date
      "21 Oct 2015 07:28:00 GMT",
    ]) {
      expect(parseRetryAfter(value), value).toBeUndefined();
    }
  });
});

describe("the wait before a retry", () => {
  it("any header that is not digits or an HTTP-date waits the SDK's backoff, never less", () => {
    // Near misses (digits, signs, separators, parts of dates) and any visible Latin-1 text.
    const nearMiss = fc.string({
      unit: fc.constantFrom(..."0123456789.-+, :\tGMTWedOctNov"),
      maxLength: 30,
    });
    const latin1 = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    });
    const header = fc.oneof(nearMiss, latin1).filter((s) => !/^[\t ]*\d+[\t ]*$/.test(s));
    fc.assert(
      fc.property(header, (value) => {
        const delay = wait(value);
        if (parseRetryAfter(value.trim()) === undefined) {
          expect(delay).toBeGreaterThanOrEqual(BACKOFF_MIN);
          expect(delay).toBeLessThanOrEqual(BACKOFF_MAX);
        }
      }),
      runs(1000),
    );
  });

  it("the malformed values of issue 20 wait the backoff", () => {
    for (const value of ["1.5", "-1", "+5", "2, 5"]) {
      expect(wait(value), value).toBeGreaterThanOrEqual(BACKOFF_MIN);
    }
    expect(FLOOR).toBeGreaterThanOrEqual(BACKOFF_MIN);
  });

  it("delta-seconds are waited as given, up to the cap; above it the answer is returned", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * MAX_RETRY_AFTER_SECONDS }), (n) => {
        const delay = wait(String(n));
        expect(delay).toBe(n <= MAX_RETRY_AFTER_SECONDS ? n * 1000 : undefined);
      }),
      runs(200),
    );
    expect(wait("0")).toBe(0); // the server asks for an immediate retry
  });

  it("a date in the past waits the backoff, not 0 ms", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 800_000_000, max: Math.floor(Date.now() / 1000) - 5 }),
        (seconds) => {
          const delay = wait(forms.imf(new Date(seconds * 1000)));
          expect(delay).toBeGreaterThanOrEqual(BACKOFF_MIN);
          expect(delay).toBeLessThanOrEqual(BACKOFF_MAX);
        },
      ),
      runs(200),
    );
  });
});

describe("against a rate-limited server", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const value of ["1.5", "-1", "+5", "2, 5", "Sun, 06 Nov 1994 08:49:37 GMT", "soon"]) {
    it(`Retry-After: ${value} → the SDK's backoff between requests`, async () => {
      server = await startServer(() => ({
        status: 429,
        json: {},
        headers: { "retry-after": value },
      }));
      const events: LogEvent[] = [];
      const fax = new FaxPlus({
        token: "t",
        baseUrl: server.baseUrl,
        maxRetries: 1,
        logger: (event) => events.push(event),
      });
      const error = await failure(fax.getFax({ fax_id: "f1" }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(server.requests).toHaveLength(2);
      const delays = events.filter((e) => e.event === "retry").map((e) => e.delayMs ?? 0);
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(BACKOFF_MIN);
    }, 20_000);
  }
});

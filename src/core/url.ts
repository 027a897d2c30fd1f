// Where a request may go: the URL policy of `baseUrl` and `tokenUrl` (checked once, when the
// client is created) and of every request whose URL a caller can set (`fax.api`'s, checked at its
// edge before anything is sent).
import { ValidationError } from "./errors.js";

/** Origin used to resolve a relative `baseUrl` the way a browser page would. */
const PAGE = "https://page.invalid";
const SAFE_URL = /^[\x21-\x7e]+$/; // visible ASCII: no spaces, tabs, CR/LF or other controls

/**
 * Checks an API root and returns it: an absolute `https:` URL; `http:` only for loopback hosts or
 * with `allowInsecureHttp`; or a path of the page's own origin (`/api/faxplus`, for apps that proxy
 * the API through their backend). Refuses credentials in the URL, control characters, and
 * relative URLs a browser would resolve to another origin (`//evil.example`, `/\t/evil.example`).
 */
export function checkBaseUrl(field: string, value: unknown, allowInsecureHttp: boolean): string {
  if (typeof value !== "string" || !SAFE_URL.test(value)) {
    throw new ValidationError(
      field,
      "must be an absolute https URL or a path starting with /, without spaces or control characters",
    );
  }
  if (value.startsWith("/")) {
    // Browsers read "//host" and "/\host" as another host: resolve it as they would.
    if (!samePage(value)) {
      throw new ValidationError(field, "must be a path of this origin (not //host or /\\host)");
    }
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, "must be an absolute https URL or a path starting with /");
  }
  if (url.username || url.password) {
    throw new ValidationError(field, "must not contain credentials");
  }
  if (isBadPort(url.port)) {
    throw new ValidationError(
      field,
      `must not use port ${url.port}, which fetch refuses to connect to (a "bad port" of the Fetch standard)`,
    );
  }
  if (url.protocol === "https:") return value;
  if (url.protocol === "http:" && (allowInsecureHttp || isLoopback(url.hostname))) return value;
  throw new ValidationError(
    field,
    "must use https (http only for loopback hosts, or with allowInsecureHttp: true)",
  );
}

/**
 * The ports fetch refuses to connect to (the Fetch standard's "bad ports": other protocols'
 * well-known ports), in every browser and runtime: a request to one fails before anything is sent.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

/** Whether fetch refuses to connect to `port` (a number, or a URL's `port`, "" for the default). */
export function isBadPort(port: number | string): boolean {
  return BAD_PORTS.has(Number(port)) && port !== "";
}

/** Whether a relative URL stays on the page's origin, resolved as a browser would. */
function samePage(value: string): boolean {
  try {
    return new URL(value, PAGE).origin === PAGE;
  } catch {
    return false; // the URL parser refuses it ("//")
  }
}

/** An API root without trailing slashes: paths are appended to it ("/" is the page's root). */
export function withoutTrailingSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

/** `localhost`, `127.x.x.x` or `[::1]`. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d+){3}$/.test(hostname);
}

/**
 * Throws unless `url` (a Request's absolute URL) may receive the client's credentials: under the
 * checked `baseUrl` (the fast path), or anywhere else the URL policy allows (a per-request
 * `baseUrl` of openapi-fetch, or the page's own origin for a relative `baseUrl`).
 */
export function checkRequestUrl(url: string, baseUrl: string, allowInsecureHttp: boolean): void {
  // Under the checked baseUrl; never "//host", which a browser reads as another host.
  if (url.startsWith(baseUrl) && url.charAt(baseUrl.length) === "/" && !url.startsWith("//")) {
    return;
  }
  // Any https URL may get the credentials, on a port fetch connects to.
  if (url.startsWith("https:") && !/^https:\/\/[^/?#]*:\d/.test(url)) return;
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (origin !== undefined && url.startsWith(`${origin}/`)) return;
  checkBaseUrl("baseUrl", url, allowInsecureHttp);
}

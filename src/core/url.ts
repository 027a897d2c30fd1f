// Where a request may go: the URL policy of `baseUrl` and `tokenUrl` (checked once, when the
// client is created) and of every request (checked by the transport before it sends anything).
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
  if (url.protocol === "https:") return value;
  if (url.protocol === "http:" && (allowInsecureHttp || isLoopback(url.hostname))) return value;
  throw new ValidationError(
    field,
    "must use https (http only for loopback hosts, or with allowInsecureHttp: true)",
  );
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
  if (url.startsWith("https:")) return;
  // Under the checked baseUrl; never "//host", which a browser reads as another host.
  if (url.startsWith(baseUrl) && url.charAt(baseUrl.length) === "/" && !url.startsWith("//")) {
    return;
  }
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (origin !== undefined && url.startsWith(`${origin}/`)) return;
  checkBaseUrl("baseUrl", url, allowInsecureHttp);
}

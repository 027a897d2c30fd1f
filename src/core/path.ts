// Path parameters: every value checked before it becomes part of a URL, then percent-encoded.
import { ValidationError } from "./errors.js";

/**
 * Fills `{name}` parameters with their percent-encoded values. Refuses, naming `path.<name>`,
 * values that are missing, not a string or finite number, empty, `.` or `..` (which the URL
 * parser would collapse into another resource), or not well-formed Unicode.
 */
export function serializePath(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    // Label, matrix or exploded parameters (`{.name}`, `{;name}`, `{name*}`): none in this API.
    if (!/^[\w-]+$/.test(name)) {
      throw new ValidationError("path", `${pathname} has a parameter style the SDK does not fill`);
    }
    return encodePathParam(name, params[name]);
  });
}

/** Checks one path parameter and returns it percent-encoded. */
export function encodePathParam(name: string, value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") throw new ValidationError(`path.${name}`, "is required");
  if (value === "" || value === "." || value === "..") {
    throw new ValidationError(`path.${name}`, 'must not be empty, "." or ".."');
  }
  try {
    return encodeURIComponent(value);
  } catch {
    throw new ValidationError(`path.${name}`, "must be well-formed Unicode (no lone surrogates)");
  }
}

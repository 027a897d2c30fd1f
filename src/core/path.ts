// Path parameters: every value checked before it becomes part of a URL, then percent-encoded.
// Templates are parsed once and cached: this runs on every request.
import { ValidationError } from "./errors.js";

/** A parsed template: the literal parts around the parameter names, or null for styled ones. */
type Template = { parts: string[]; names: string[] } | null;

const templates = new Map<string, Template>();
const MAX_TEMPLATES = 1000; // keys include the base URL, which a caller may vary per request

/**
 * Fills `{name}` parameters with their percent-encoded values. Refuses, naming `path.<name>`,
 * values that are missing, not a string or finite number, empty, `.` or `..` (which the URL
 * parser would collapse into another resource), or not well-formed Unicode.
 */
export function serializePath(pathname: string, params: Record<string, unknown>): string {
  let template = templates.get(pathname);
  if (template === undefined) {
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    template = parse(pathname);
    templates.set(pathname, template);
  }
  if (template === null) {
    // Label, matrix or exploded parameters (`{.name}`, `{;name}`, `{name*}`): none in this API.
    throw new ValidationError("path", `${pathname} has a parameter style the SDK does not fill`);
  }
  const { parts, names } = template;
  let url = parts[0] ?? "";
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    url += encodePathParam(name, params[name]) + (parts[i + 1] ?? "");
  }
  return url;
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

function parse(pathname: string): Template {
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of pathname.matchAll(/\{([^{}]+)\}/g)) {
    const name = match[1] ?? "";
    if (!/^[\w-]+$/.test(name)) return null;
    parts.push(pathname.slice(last, match.index));
    names.push(name);
    last = match.index + match[0].length;
  }
  parts.push(pathname.slice(last));
  return { parts, names };
}

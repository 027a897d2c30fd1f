// The debug hook: one structured event per request, response, retry and error, with credentials
// redacted. A logger that throws never breaks a request.

/** A structured debug event. Header values of `authorization` and `cookie` are redacted. */
export interface LogEvent {
  event: "request" | "response" | "retry" | "error";
  method: string;
  url: string;
  /** 1 for the first attempt, 2 for the next, ... (a re-send after a token refresh counts too). */
  attempt: number;
  /** On `request`: the request headers, redacted. */
  headers?: Record<string, string>;
  /** On `response`: the HTTP status. */
  status?: number;
  /** On `response`: time to the response headers. */
  durationMs?: number;
  /** On `retry`: why, e.g. `status 503`, `ECONNREFUSED`, `timeout`, `token refreshed`. */
  reason?: string;
  /** On `retry`: the wait before the next attempt. */
  delayMs?: number;
  /** On `error`: the error message (never contains the token). */
  message?: string;
}

/** Receives debug events; must not throw (exceptions are swallowed). */
export type Logger = (event: LogEvent) => void;

/** The fields of an event that vary per call of {@link eventLogger}'s result. */
export type LogFields = Omit<LogEvent, "method" | "url" | "attempt">;

/** A logger bound to one request. */
export function eventLogger(logger: Logger, request: { method: string; url: string }) {
  return (attempt: number, fields: LogFields): void => {
    try {
      logger({ ...fields, method: request.method, url: request.url, attempt });
    } catch {
      // A debug hook must not break requests.
    }
  };
}

const REDACTED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

/** The headers as a plain object, credentials replaced by `[redacted]`. */
export function redact(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : value;
  });
  return result;
}

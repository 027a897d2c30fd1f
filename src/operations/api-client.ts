// The typed openapi-fetch client of every path of the spec, sending through the client's
// transport (auth, retries, timeouts, guards): for raw calls, `{ data, error, response }` results,
// and the throwing variant for libraries that pass errors on (openapi-react-query).
import createClient, { defaultPathSerializer, type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { transportOf, type FaxPlusCore } from "../core/client.js";
import { ApiError, type FaxPlusError } from "../core/errors.js";
import { encodePathParam, serializePath } from "../core/path.js";
import { fetchFor, preparedRequestClass } from "../core/transport.js";
import { parseJson } from "../core/validate.js";
import { hasNoBody, successJson } from "./response.js";

/**
 * The typed openapi-fetch client of every operation: `{ data, error, response }` results, with
 * retries, timeouts and auth inside its fetch. Decide failure on `response.ok` (see `unwrap`).
 * @example const { data, response } = await apiClient(client).GET("/accounts/{user_id}", { params });
 */
export function apiClient(client: FaxPlusCore): Client<paths> {
  return create<paths>(client);
}

/** `paths` with every operation's error answers typed as the SDK's errors (see `throwingApiClient`). */
export type ThrowingPaths = {
  [P in keyof paths]: {
    [K in keyof paths[P]]: paths[P][K] extends { responses: infer R }
      ? Omit<paths[P][K], "responses"> & {
          responses: SuccessResponses<R> & {
            default: {
              headers: Record<string, unknown>;
              content: { "application/json": FaxPlusError };
            };
          };
        }
      : paths[P][K];
  };
};
type SuccessResponses<R> = {
  [S in keyof R as S extends 200 | 201 | 202 | 203 | 204 | 206 ? S : never]: R[S];
};

/**
 * The typed openapi-fetch client of every operation, throwing the SDK's errors instead of
 * returning `{ error }`: a non-2xx answer throws the matching `ApiError`, a failed connection a
 * `ConnectionError`, a 2xx body that is not JSON an `UnexpectedResponseError`. Its error types say
 * so, which makes it the client to give to libraries that pass errors on, such as
 * openapi-react-query: `createQueryClient(throwingApiClient(client))`. (openapi-fetch's types
 * copy the error type member by member, so editors show `query.error` as FaxPlusError's shape,
 * `{ name; message; stack?; cause? }`; narrow it with `instanceof NotFoundError` and the like.)
 */
export function throwingApiClient(client: FaxPlusCore): Client<ThrowingPaths> {
  const api = create<ThrowingPaths>(client);
  api.use(throwOnError);
  return api;
}

function create<Paths extends {}>(client: FaxPlusCore): Client<Paths> {
  const transport = transportOf(client);
  return createClient<Paths>({
    baseUrl: transport.settings.baseUrl,
    fetch: fetchFor(transport, transport.settings),
    pathSerializer,
    headers: transport.auth.headers,
    Request: preparedRequestClass(),
  });
}

/** The SDK's checked path serializer; openapi-fetch's own for label, matrix or exploded styles. */
function pathSerializer(pathname: string, params: Record<string, unknown>): string {
  if (!/\{[.;]|\*\}/.test(pathname)) return serializePath(pathname, params);
  for (const match of pathname.matchAll(/\{[.;]?([^{}*]+)\*?\}/g)) {
    const name = match[1] ?? "";
    encodePathParam(name, params[name]);
  }
  return defaultPathSerializer(pathname, params);
}

const throwOnError: Middleware = {
  async onResponse({ request, response, schemaPath, options }) {
    const method = request.method;
    if (!response.ok) {
      const text = await response.text();
      throw ApiError.from(response, parseJson(text) ?? text, method, schemaPath);
    }
    // openapi-fetch would throw a SyntaxError for a 2xx body that is not JSON (say the HTML page
    // of a misconfigured proxy). Read and parsed once here; openapi-fetch then gets both.
    if (options.parseAs !== "json" || hasNoBody(response) || method === "HEAD") return undefined;
    const text = await response.text();
    const data = successJson(response, text, { method, path: schemaPath });
    Object.assign(response, { text: async () => text, json: async () => data });
    return undefined;
  },
};

// The typed openapi-fetch client of every path of the spec, sending through the client's
// transport (auth, retries, timeouts, guards): for raw calls, `{ data, error, response }` results,
// and the throwing variant for libraries that pass errors on (openapi-react-query). Its `fetch` is
// the edge where openapi-fetch's Request becomes the transport's one shape of request, once.
import createClient, { defaultPathSerializer, type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { transportOf, type FaxPlusCore } from "../core/client.js";
import { ValidationError, hasSideEffects, type FaxPlusError } from "../core/errors.js";
import {
  callOptions,
  type CallOptions,
  type FetchLike,
  type RequestOptions,
} from "../core/options.js";
import { encodePathParam, serializePath } from "../core/path.js";
import { checkRequestUrl } from "../core/url.js";
import { handOn, withUrl } from "../core/relay.js";
import {
  execute,
  readingOf,
  type Outgoing,
  type Reader,
  type Transport,
} from "../core/transport.js";
import { hasNoBody, readAnswer } from "./response.js";

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
  api.use(throwOnError(transportOf(client).settings.maxResponseBytes));
  return api;
}

function create<Paths extends {}>(client: FaxPlusCore): Client<Paths> {
  const transport = transportOf(client);
  return createClient<Paths>({
    baseUrl: transport.settings.baseUrl,
    fetch: fetchFor(transport, transport.settings),
    pathSerializer,
    headers: transport.auth.headers,
  });
}

/**
 * A fetch applying per-call {@link RequestOptions}, for the `fetch` field of an openapi-fetch
 * call: `api.GET(path, { params, fetch: fetchWith(client, options) })`. `body`, when given, is
 * sent with every attempt instead of the request's own (an upload's FormData, so that every
 * attempt streams its files).
 */
export function fetchWith(
  client: FaxPlusCore,
  options?: RequestOptions,
  body?: string | FormData,
): FetchLike {
  const transport = transportOf(client);
  return fetchFor(transport, callOptions(transport.settings, options), body);
}

/** The fetch of openapi-fetch: its Request, read once into an Outgoing, through the transport. */
function fetchFor(transport: Transport, call: CallOptions, body?: string | FormData): FetchLike {
  return async (request) =>
    execute(transport, call, await outgoing(transport, request, body), handOver);
}

/**
 * What openapi-fetch gets: an answer it will read whole (JSON, text, an error; anything but a
 * document) is read here, bounded by `maxResponseBytes` within the attempt, and handed over as a
 * Response over its bytes; a document (a PDF or TIFF, which `parseAs: "stream"` or `"blob"` reads)
 * is handed on unread, its body under the call's deadline.
 */
const handOver: Reader<Response> = async (response, reading) => {
  if (response.body === null || (response.ok && isDocument(response))) {
    return handOn(response, reading);
  }
  const bytes = await reading.bytes();
  // The answer itself, its body served from the bytes read: a new Response (and a second reading
  // of its body by openapi-fetch) would cost a third of the call.
  (response as ReadAnswer)[BYTES] = bytes;
  return Object.setPrototypeOf(response, readAnswerPrototype()) as Response;
};

const BYTES = Symbol("bytes");
const USED = Symbol("used");
const COPY = Symbol("copy");

/** An answer whose body was read (bounded) within its attempt: its body methods serve those bytes. */
interface ReadAnswer extends Response {
  [BYTES]: Uint8Array;
  [USED]?: boolean | undefined;
  [COPY]?: Response | undefined;
}

let answerPrototype: object | undefined;

/**
 * The prototype `handOver` gives an answer (never constructed, so no private fields). Made on
 * first use: a class that extends `Response` at import would make Node load its fetch (undici,
 * about 25 ms) in every app that imports the package, whether it uses `fax.api` or not.
 */
function readAnswerPrototype(): object {
  return (answerPrototype ??= class extends Response {
    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      return copyOf(this as unknown as ReadAnswer).body;
    }
    override get bodyUsed(): boolean {
      const answer = this as unknown as ReadAnswer;
      return answer[USED] === true || (answer[COPY]?.bodyUsed ?? false);
    }
    override async text(): Promise<string> {
      return decoder.decode(use(this as unknown as ReadAnswer));
    }
    override async json(): Promise<unknown> {
      return JSON.parse(decoder.decode(use(this as unknown as ReadAnswer)));
    }
    override async arrayBuffer(): Promise<ArrayBuffer> {
      return use(this as unknown as ReadAnswer).slice().buffer as ArrayBuffer;
    }
    override async blob(): Promise<Blob> {
      const type = this.headers.get("content-type") ?? "";
      return new Blob([use(this as unknown as ReadAnswer) as BlobPart], { type });
    }
    override formData(): Promise<FormData> {
      return copyOf(this as unknown as ReadAnswer).formData();
    }
    override clone(): Response {
      return withUrl(copyOf(this as unknown as ReadAnswer).clone(), this.url);
    }
  }.prototype);
}

function use(answer: ReadAnswer): Uint8Array {
  if (answer.bodyUsed) throw new TypeError("Body has already been consumed.");
  answer[USED] = true;
  return answer[BYTES];
}

/** A Response over the bytes, for what is rarely used (the body stream, formData, clone). */
function copyOf(answer: ReadAnswer): Response {
  if (answer[COPY]) return answer[COPY];
  const { status } = answer;
  const empty = status === 204 || status === 205 || status === 304;
  return (answer[COPY] = new Response(empty ? null : (answer[BYTES] as BodyInit), {
    status,
    statusText: answer.statusText,
    headers: answer.headers,
  }));
}
const decoder = /* @__PURE__ */ new TextDecoder();

/** A content type that is not text (JSON, HTML, XML, text/*): a document, read as a stream. */
function isDocument(response: Response): boolean {
  const type = response.headers.get("content-type");
  return type !== null && !/json|text\/|xml|html|javascript|urlencoded/i.test(type);
}

/**
 * The transport's shape of openapi-fetch's Request, its body read once to send on every attempt;
 * refused, before anything is sent, when its URL may not get the client's credentials (a
 * per-request `baseUrl` of openapi-fetch). The operations build their URLs from the checked
 * `baseUrl` and need no such guard.
 */
async function outgoing(
  { settings }: Transport,
  request: Request,
  kept: string | FormData | undefined,
): Promise<Outgoing> {
  checkRequestUrl(request.url, settings.baseUrl, settings.allowInsecureHttp);
  checkFilled(request.url);
  let body: Outgoing["body"] = kept ?? null;
  // Decided by method, not `request.body`, which Firefox does not implement.
  if (kept === undefined && hasSideEffects(request.method)) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength) body = bytes;
  }
  const { method, url, headers, signal } = request;
  return { method, url, headers, body, signal };
}

/** openapi-fetch skips the path serializer when `params.path` is absent, leaving `{name}`. */
function checkFilled(url: string): void {
  if (!url.includes("%7B") && !url.includes("%7b")) return;
  const left = /%7B([\w.;*-]+)%7D/i.exec(url);
  if (left) throw new ValidationError(`path.${left[1]}`, "is required");
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

/** Throws the SDK's errors through the one reader of answers (response.ts). */
const throwOnError = (limit: number): Middleware => ({
  async onResponse({ request, response, schemaPath, options }) {
    const { method } = request;
    // What openapi-fetch reads as is: a success it does not parse as JSON, or one without a body.
    const asIs = options.parseAs !== "json" || hasNoBody(response) || method === "HEAD";
    if (response.ok && asIs) return undefined;
    // A non-2xx answer throws its ApiError; a 2xx body that is not JSON (say the HTML page of a
    // misconfigured proxy) an UnexpectedResponseError, where openapi-fetch would throw a SyntaxError.
    const reading = readingOf(response, limit, { method, url: response.url || request.url });
    const { data } = await readAnswer(response, { method, path: schemaPath }, reading);
    return withUrl(
      new Response(data === undefined ? null : JSON.stringify(data), response),
      response.url,
    );
  },
});

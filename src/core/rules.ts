// The contract between the generator and the SDK: what generated/rules.ts holds for each
// operation of the spec (scripts/emit/rules.js writes one `OperationRules` constant per operation)
// and the vendor extensions it carries next to the JSON Schema keywords. Declared here, not in the
// generated file, so that the SDK's code reads a type a person wrote and the generator must
// satisfy it (`as const satisfies OperationRules`).
import type { SchemaRules } from "./validate.js";

/**
 * One operation of the spec, as the SDK calls and checks it; its operationId is the name of its
 * constant in generated/rules.ts. What goes without saying is left out (a bundle carries every
 * byte of it): a body and an answer are JSON unless `bodyType` and `response` say otherwise.
 */
export interface OperationRules {
  readonly method: string;
  /** The path template, e.g. `/accounts/{user_id}/faxes/{fax_id}`. */
  readonly path: string;
  /** Parameters, keyed `path.user_id`, `query.limit`, ... */
  readonly params: { readonly [name: string]: SchemaRules };
  readonly body?: SchemaRules;
  /** A body sent as multipart form data; without it, a body is JSON. */
  readonly bodyType?: "multipart";
  /** The spec marks the request body as required. */
  readonly bodyRequired?: boolean;
  /** A success response that is a file (`binary`) or has no body (`empty`); without it, JSON. */
  readonly response?: "binary" | "empty";
}

/**
 * Keywords a rule may carry besides the ones the validator checks (generated/rules.ts writes them
 * next to those): each is read by the SDK code that needs it, never by the generic checkers.
 */
export interface RuleExtensions {
  /** A value that matches the rule, written for people (`+14155550123` next to a fax number's pattern). */
  readonly example?: string;
  /** The upload formats the API converts (`x-accepted-formats` on the upload's file part). */
  readonly "x-accepted-formats"?: readonly AcceptedFormat[];
  /** The most bytes all files of one fax may hold together (`x-max-total-bytes` on `files`). */
  readonly "x-max-total-bytes"?: number;
}

/** One file format an upload accepts: its file name extension and its MIME type. */
export interface AcceptedFormat {
  /** Lower case, without the dot: `pdf`. */
  readonly extension: string;
  readonly mediaType: string;
}

// A client core: the options, checked once (options.ts), wired to the credentials (auth.ts) and
// the transport (transport.ts). It knows no operation of the API: the functions of src/operations/
// and src/workflows/ take it as their first argument.
import { Auth } from "./auth.js";
import { ValidationError } from "./errors.js";
import {
  callOptions,
  normaliseOptions,
  type FaxPlusOptions,
  type RequestOptions,
} from "./options.js";
import type { Transport } from "./transport.js";

/**
 * A Fax.Plus client: what every operation and helper takes first. Make one with
 * {@link createFaxPlus}; a `FaxPlus` instance is one too.
 */
export interface FaxPlusCore {
  /** The account that operations act on when no `user_id` is given (`"self"` by default). */
  readonly userId: string;
}

// Kept out of the client object, so that no inspection or serialisation of a client shows the
// credentials it holds.
const transports = new WeakMap<object, Transport>();

/**
 * Creates a client from its options, checked once here: a wrong type, an unknown option or a
 * value out of range throws a ValidationError naming it.
 * @example
 * const client = createFaxPlus({ token: process.env.FAXPLUS_TOKEN });
 * const record = await getFax(client, { fax_id: "..." });
 */
export function createFaxPlus(options?: FaxPlusOptions): FaxPlusCore {
  const settings = normaliseOptions(options);
  const auth = new Auth(settings.auth);
  const transport: Transport = { settings, auth };
  const core: FaxPlusCore = { userId: settings.userId };
  transports.set(core, transport);
  return core;
}

/** Lets `target` (a FaxPlus instance) stand for `core` wherever a client is taken. */
export function adopt(target: object, core: FaxPlusCore): void {
  transports.set(target, transportOf(core));
}

/** The transport of a client; a ValidationError for anything that is not one. */
export function transportOf(client: FaxPlusCore): Transport {
  const transport = transports.get(client);
  if (!transport) {
    throw new ValidationError("client", "must be made by createFaxPlus() or new FaxPlus()");
  }
  return transport;
}

/** Checks a call's RequestOptions now (a workflow does, before its first request or read). */
export function checkRequestOptions(
  client: FaxPlusCore,
  options: RequestOptions | undefined,
): void {
  callOptions(transportOf(client).settings, options);
}

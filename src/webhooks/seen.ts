// Where a receiver keeps the deliveries it has handed over, so that one delivered twice is handed
// over once: an interface for any store (Redis, a database table) and a bounded in-memory default.
import { ValidationError } from "../core/errors.js";
import type { WebhookCallback } from "./parse.js";

/**
 * The keys of the deliveries a receiver has handed over. `has` and `add` may be async (a shared
 * store such as Redis); the receiver calls `add` only after the app's handler returned, so a
 * delivery whose handler failed is handed over again when the API retries it.
 */
export interface SeenStore {
  has(key: string): boolean | Promise<boolean>;
  add(key: string): void | Promise<void>;
}

/** The default size of {@link memorySeenStore}. */
export const DEFAULT_SEEN_KEYS = 10_000;

/**
 * A {@link SeenStore} in memory that keeps the `maxKeys` most recently seen keys (least recently
 * seen dropped first). It is per process: several instances of a receiver need a shared store.
 */
export function memorySeenStore(maxKeys: number = DEFAULT_SEEN_KEYS): SeenStore {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new ValidationError("maxKeys", `must be an integer of at least 1 (got ${maxKeys})`);
  }
  const keys = new Set<string>();
  return {
    has(key) {
      if (!keys.has(key)) return false;
      keys.delete(key); // seen again: the most recent now
      keys.add(key);
      return true;
    },
    add(key) {
      keys.delete(key);
      keys.add(key);
      if (keys.size > maxKeys) keys.delete(keys.values().next().value as string);
    },
  };
}

/**
 * What makes a delivery the same as another: its event, `hook.id` (which differs per retry of a
 * fax), `data.id` (the fax session) and `data.pages` (which grows from one page event to the next).
 */
export function deliveryKey(callback: WebhookCallback): string {
  const { hook, data } = callback;
  return JSON.stringify([hook.event, hook.id ?? null, data.id ?? null, data.pages ?? null]);
}

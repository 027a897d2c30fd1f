// Validation that could be walked around: what is checked is what is sent. Keys named like
// Object.prototype members, `toJSON`, getters that answer differently on a second read, fields on
// a prototype, class instances and proxies that throw, anywhere in a payload, against a real local
// server that counts what it received.
import { idsFor, withoutKeyTag } from "../support/send-key.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { FaxPlus, ValidationError } from "../../src/index.js";
import type { SendFaxInput } from "../../src/index.js";
import type { SchemaRules } from "../../src/core/validate.js";
import { failure } from "../support/server.js";
import {
  canonical,
  clone,
  closedObjects,
  fieldName,
  getAt,
  json,
  pathsOf,
  recorder,
  runs,
  setAt,
  valid,
  withKey,
  type Path,
  type Recorder,
} from "./generators.js";

/** Input TypeScript would refuse, as JavaScript callers can still pass it. */
const input = (value: unknown) => value as SendFaxInput;

let rec: Recorder;
let fax: FaxPlus;
beforeAll(async () => {
  rec = await recorder((request) => ({ json: { ids: idsFor(request.json) } }));
  fax = new FaxPlus({ token: "test-token", baseUrl: rec.server.baseUrl, maxRetries: 0 });
});
afterAll(() => rec.server.close());

const body = rules.sendFax.body;
/** A valid send payload, as plain JSON. */
const payload = valid(body).map((value) => clone(value) as Record<string, unknown>);
/** The objects of a send payload whose fields the spec lists: "", from_fax, options, ... */
const closed = closedObjects(body);
/** A valid value for each of them, to put in place when the payload lacks it. */
const fillers = fc.tuple(...closed.map(([, rule]) => valid(rule).map(clone)));

/** The payload with every closed object present, `at` the one chosen. */
function withObjects(base: Record<string, unknown>, filler: unknown[]) {
  const value = clone(base); // generated values are never changed: fast-check replays them
  closed.forEach(([path], i) => {
    if (path.length && getAt(value, path) === undefined) setAt(value, path, clone(filler[i]));
  });
  return value;
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
/** How the request body a server received compares: as JSON, whatever the key order. */
const received = () => rec.server.requests.map((request) => canonical(request.json));
/** What `send` sends for a payload: the payload, with `return_ids` defaulting to true. */
const sentFor = (value: Record<string, unknown>) =>
  canonical(withoutKeyTag({ return_ids: true, ...value }));

async function refused(call: Promise<unknown>, field: string): Promise<void> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
  expect(rec.server.requests).toHaveLength(0);
}

describe("keys named like Object.prototype members", () => {
  it("are refused by name in every object whose fields the spec lists, and nothing is sent", async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(closed.length - 1),
        fc.constantFrom(...PROTOTYPE_NAMES),
        json(),
        fc.boolean(),
        async (base, filler, which, key, item, raw) => {
          rec.reset();
          const value = withObjects(base, filler);
          const path = (closed[which] as [Path, unknown])[0];
          const target = getAt(value, path) as object;
          const attacked = setAt(value, path, withKey(target, key, item));
          // Through the send workflow, or the generated operation with its parameters object.
          const call = raw ? fax.operations.sendFax(attacked as never) : fax.send(input(attacked));
          await refused(call, fieldName([...path, key]));
        },
      ),
      runs(120),
    );
  });

  it("are data in a free-form object: sent as own fields, exactly", async () => {
    // settings.options of updateAccount is an object without listed fields.
    const freeForm: SchemaRules = rules.updateUser.body.properties.settings.properties.options;
    expect(freeForm.properties).toBeUndefined();
    rec.answer(() => ({ status: 204 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES), json()), { minLength: 1 }),
        async (entries) => {
          rec.reset();
          let options: Record<string, unknown> = {};
          for (const [key, item] of entries) options = withKey(options, key, item);
          await fax.updateAccount({ settings: { options } } as never);
          expect(received()).toEqual([canonical({ settings: { options } })]);
          const sent = rec.server.requests[0]?.json as { settings: { options: object } };
          expect(Object.getPrototypeOf(sent.settings.options)).toBe(Object.prototype);
        },
      ),
      runs(50),
    );
    rec.answer((request) => ({ json: { ids: idsFor(request.json) } }));
  });
});

describe("toJSON", () => {
  it("as an own field is a field like any other: refused where the spec lists the fields", async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(closed.length - 1),
        payload,
        async (base, filler, which, other) => {
          rec.reset();
          const value = withObjects(base, filler);
          const path = (closed[which] as [Path, unknown])[0];
          const target = getAt(value, path) as Record<string, unknown>;
          // Would make JSON.stringify send another, valid, payload.
          target["toJSON"] = () => (path.length ? getAt(other, path) : other);
          await refused(fax.send(input(value)), fieldName([...path, "toJSON"]));
        },
      ),
      runs(60),
    );
  });

  it("not enumerable, is ignored: the fields checked are the fields sent", async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(closed.length - 1),
        payload,
        async (base, filler, which, other) => {
          rec.reset();
          const value = withObjects(base, filler);
          const expected = sentFor(clone(value));
          const path = (closed[which] as [Path, unknown])[0];
          Object.defineProperty(getAt(value, path), "toJSON", {
            value: () => (path.length ? getAt(other, path) : other),
            enumerable: false,
          });
          await fax.send(input(value));
          expect(received()).toEqual([expected]);
        },
      ),
      runs(50),
    );
  });

  it("in a free-form object is not JSON: refused by name", async () => {
    await fc.assert(
      fc.asyncProperty(json(), async (item) => {
        rec.reset();
        const options = { toJSON: () => item };
        await refused(
          fax.updateAccount({ settings: { options } } as never),
          "settings.options.toJSON",
        );
      }),
      runs(30),
    );
  });
});

describe("getters", () => {
  /** Replaces the value at `path` with an enumerable getter: `first`, then `later` on every read after. */
  function answerTwice(value: object, path: Path, first: unknown, later: unknown) {
    const parent = getAt(value, path.slice(0, -1)) as object;
    const state = { reads: 0 };
    Object.defineProperty(parent, path[path.length - 1] as string | number, {
      get: () => (state.reads++ === 0 ? first : later),
      enumerable: true,
      configurable: true,
    });
    return state;
  }

  /** A value of another JSON type than `value`. */
  function otherType(value: unknown): unknown {
    if (typeof value === "string") return 12345;
    if (typeof value === "object" && value !== null) return "not a container";
    return "not a scalar";
  }

  const located = payload.chain((base) => {
    const paths = pathsOf(base);
    return fc.tuple(fc.constant(base), fc.constantFrom(...paths), json());
  });

  it("are read once; the value sent is the value checked, whatever a second read says", async () => {
    await fc.assert(
      fc.asyncProperty(located, async ([base, path, later]) => {
        rec.reset();
        const value = clone(base);
        const expected = sentFor(base);
        const getter = answerTwice(value, path, getAt(base, path), later);
        await fax.send(input(value));
        expect(getter.reads).toBe(1);
        expect(received()).toEqual([expected]);
      }),
      runs(100),
    );
  });

  it("are read once; a bad first answer is refused by name even if a second read would pass", async () => {
    await fc.assert(
      fc.asyncProperty(located, async ([base, path]) => {
        rec.reset();
        const value = clone(base);
        const getter = answerTwice(value, path, otherType(getAt(base, path)), getAt(base, path));
        await refused(fax.send(input(value)), fieldName(path));
        expect(getter.reads).toBe(1);
      }),
      runs(120),
    );
  });
});

describe("objects that are not plain", () => {
  class Payload {
    constructor(fields: object) {
      Object.assign(this, fields);
    }
  }
  /** Ways to hold a plain object's fields in something that is not a plain object. */
  const disguises: [string, (fields: object) => object][] = [
    ["fields on the prototype", (fields) => Object.create(fields) as object],
    [
      "some fields own, the others inherited",
      (fields) => {
        const [first, ...rest] = Object.entries(fields);
        const proto = Object.fromEntries(rest);
        return Object.assign(
          Object.create(proto) as object,
          Object.fromEntries(first ? [first] : []),
        );
      },
    ],
    ["a class instance", (fields) => new Payload(fields)],
    [
      "own fields over a prototype without prototype",
      (fields) => Object.assign(Object.create(Object.create(null) as object) as object, fields),
    ],
    ["a Map", (fields) => new Map(Object.entries(fields))],
    ["a Date", () => new Date(0)],
    ["a RegExp", () => /fields/],
    ["a String object", () => new String("fields")],
    [
      "an arguments-like object",
      (fields) => Object.setPrototypeOf({ ...fields }, Array.prototype) as object,
    ],
  ];

  it("are refused by name wherever an object is expected, and nothing is sent", async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(closed.length - 1),
        fc.constantFrom(...disguises),
        async (base, filler, which, [, disguise]) => {
          rec.reset();
          const value = withObjects(base, filler);
          const path = (closed[which] as [Path, unknown])[0];
          const disguised = setAt(value, path, disguise(getAt(value, path) as object));
          await refused(fax.send(input(disguised)), path.length ? fieldName(path) : "payload");
        },
      ),
      runs(100),
    );
  });

  it("are refused as the changes, ids holder and options of other calls", async () => {
    rec.answer(() => ({ json: { results: [] } }));
    const calls: [string, (disguise: (fields: object) => object) => Promise<unknown>][] = [
      ["changes", (d) => fax.updateFaxesInBatches(["f1"], d({ is_read: true }) as never)],
      ["changes", (d) => fax.updateOutboxFaxesInBatches(["f1"], d({ comment: "c" }) as never)],
      ["input", (d) => fax.resend("f1", d({ to: ["+12345678901"], from: "no_number" }) as never)],
      ["input", (d) => fax.forward("f1", d({ to: ["+12345678901"], from: "no_number" }) as never)],
      ["options", (d) => fax.getFax({ fax_id: "f1" }, d({ timeout: 1000 }) as never)],
      [
        "options",
        (d) => fax.updateFaxesInBatches(["f1"], { is_read: true }, d({ concurrency: 1 }) as never),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.constantFrom(...disguises),
        async ([field, call], [, disguise]) => {
          rec.reset();
          await refused(call(disguise), field);
        },
      ),
      runs(40),
    );
    rec.answer((request) => ({ json: { ids: idsFor(request.json) } }));
  });
});

describe("proxies that throw", () => {
  const traps: [string, ProxyHandler<object>][] = [
    [
      "get",
      {
        get: () => {
          throw new Error("get trap");
        },
      },
    ],
    [
      "ownKeys",
      {
        ownKeys: () => {
          throw new Error("ownKeys trap");
        },
      },
    ],
    [
      "getOwnPropertyDescriptor",
      {
        getOwnPropertyDescriptor: () => {
          throw new Error("getOwnPropertyDescriptor trap");
        },
      },
    ],
    [
      "has",
      {
        has: () => {
          throw new Error("has trap");
        },
      },
    ],
  ];
  const arrays = (value: Record<string, unknown>): Path[] =>
    pathsOf(value).filter((path) => Array.isArray(getAt(value, path)));

  /**
   * A proxy in place of the container at `path`: the call either reads through it (the trap is
   * not one the SDK uses) and sends the payload as is, or fails with a ValidationError naming the
   * container, sending nothing. Never the trap's own error.
   */
  async function throughProxy(
    value: Record<string, unknown>,
    path: Path,
    proxy: (o: object) => object,
  ) {
    rec.reset();
    const expected = sentFor(clone(value));
    const wrapped = setAt(value, path, proxy(getAt(value, path) as object));
    try {
      await fax.send(input(wrapped));
      expect(received()).toEqual([expected]);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(path.length ? fieldName(path) : "payload");
      expect(rec.server.requests).toHaveLength(0);
    }
  }

  it("in objects and arrays other than `files`: refused by name or read through, never their error", async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(100),
        fc.constantFrom(...traps),
        async (base, filler, pick, [, handler]) => {
          const value = withObjects(base, filler);
          const containers = [
            ...closed.map(([path]) => path),
            ...arrays(value).filter((path) => path[0] !== "files"),
          ];
          const path = containers[pick % containers.length] as Path;
          await throughProxy(value, path, (o) => new Proxy(o, handler));
        },
      ),
      runs(80),
    );
  });

  // Found by this property: send() once mapped the caller's `files` outside any guard, so a
  // throwing proxy trap surfaced as the trap's own Error. `files` is now read with readArray.
  it("in `files`: refused by name or read through, never their error", async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom(...traps), async (base, [, handler]) => {
        const value = clone({ ...base, files: (base["files"] as unknown[] | undefined) ?? ["/a"] });
        await throughProxy(value, ["files"], (o) => new Proxy(o, handler));
      }),
      runs(30),
    );
  });

  // Found by this property: Object.getPrototypeOf and Array.isArray were once called on the
  // caller's value outside the guard, so a revoked proxy or a throwing getPrototypeOf trap
  // surfaced as a TypeError. src/core/validate.ts now reads them through its guard.
  it("revoked, or throwing from getPrototypeOf: refused by name, never a TypeError", async () => {
    const revoked = (o: object) => {
      const { proxy, revoke } = Proxy.revocable(o, {});
      revoke();
      return proxy;
    };
    const protoTrap = (o: object) =>
      new Proxy(o, {
        getPrototypeOf: () => {
          throw new Error("getPrototypeOf trap");
        },
      });
    await fc.assert(
      fc.asyncProperty(
        payload,
        fillers,
        fc.nat(100),
        fc.constantFrom(revoked, protoTrap),
        async (base, filler, pick, proxy) => {
          const value = withObjects(base, filler);
          const containers = [...closed.map(([path]) => path), ...arrays(value)];
          await throughProxy(value, containers[pick % containers.length] as Path, proxy);
        },
      ),
      runs(40),
    );
  });
});

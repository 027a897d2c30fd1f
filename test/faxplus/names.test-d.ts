// A class method named like an operation has the operation's parameters and result: the
// standalone function's, with the client bound (what `fax.operations` holds).
import { describe, expectTypeOf, it } from "vitest";
import type { BoundOperations, FaxPlus } from "../../src/index.js";

type Shared = keyof BoundOperations & keyof FaxPlus;

describe("one name, one meaning", () => {
  it("fax.<operationId> has the type of fax.operations.<operationId>", () => {
    expectTypeOf<{ [K in Shared]: Parameters<FaxPlus[K]> }>().toEqualTypeOf<{
      [K in Shared]: Parameters<BoundOperations[K]>;
    }>();
    expectTypeOf<{ [K in Shared]: ReturnType<FaxPlus[K]> }>().toEqualTypeOf<{
      [K in Shared]: ReturnType<BoundOperations[K]>;
    }>();
  });

  it("covers the operations the class has methods for", () => {
    expectTypeOf<
      "listFaxes" | "getFax" | "bulkUpdateFaxes" | "createWebhook"
    >().toMatchTypeOf<Shared>();
    // A workflow has its own name, not an operation's.
    expectTypeOf<"listFaxPage" | "updateFaxesInBatches">().not.toMatchTypeOf<Shared>();
  });
});

import { describe, expectTypeOf, it } from "vitest";
import type {
  BulkUpdateResult,
  FaxPlus,
  SendFaxIds,
  SendFaxInput,
  SendResult,
} from "../../src/index.js";

declare const fax: FaxPlus;
const route = { from: "+12345678901", to: ["+12345678902"] };

describe("helper payload types come from the spec", () => {
  it("accepts a full send payload and returns the ID map", () => {
    expectTypeOf(
      fax.send({
        ...route,
        files: ["/f"],
        from_fax: { fax_id: "abc", user_id: "self" },
        comment: { text: "t", tags: ["a"] },
        options: { enhancement: false, retry: { count: 2, delay: 15 }, partially_sent_retry: true },
        send_time: new Date(),
        return_ids: true,
        resolution: "superfine",
        cover_page: { name_to: "A", name_from: "B", subject: "S", flags: ["urgent"] },
      }),
    ).resolves.toEqualTypeOf<SendResult>();
    expectTypeOf<SendFaxIds>().toEqualTypeOf<Record<string, string>>();
  });

  it("rejects a payload missing `to`", () => {
    // @ts-expect-error: `to` is required
    void fax.send({ from: route.from, files: ["/f"] });
  });

  it("rejects an unknown resolution", () => {
    // @ts-expect-error: "ultra" is not in the spec's enum
    void fax.send({ ...route, files: ["/f"], resolution: "ultra" });
  });

  it("rejects a numeric send_time and unknown cover page flags", () => {
    void fax.send({
      ...route,
      files: ["/f"],
      // @ts-expect-error: send_time is a string or a Date
      send_time: 1_700_000_000,
    });
    void fax.send({
      ...route,
      files: ["/f"],
      // @ts-expect-error: "secret" is not a cover page flag
      cover_page: { name_to: "A", name_from: "B", subject: "S", flags: ["secret"] },
    });
  });

  it("rejects a string where is_read is boolean", () => {
    // @ts-expect-error: is_read is a boolean
    void fax.updateFaxesInBatches(["a"], { is_read: "yes" });
    void fax.api.PUT("/accounts/{user_id}/faxes", {
      params: { path: { user_id: "self" } },
      // @ts-expect-error: is_read is a boolean in the raw client too
      body: { ids: ["a"], is_read: "yes" },
    });
  });

  it("resend and forward take the recipients but not from_fax", () => {
    // @ts-expect-error: the file comes from the fax being resent
    void fax.resend("id", { ...route, from_fax: { fax_id: "other" } });
    expectTypeOf(
      fax.forward("id", { ...route, owner: "member" }),
    ).resolves.toEqualTypeOf<SendResult>();
  });

  it("bulk updates resolve to the aggregated result", () => {
    expectTypeOf(
      fax.updateOutboxFaxesInBatches(["a"], { comment: "" }),
    ).resolves.toEqualTypeOf<BulkUpdateResult>();
    expectTypeOf<BulkUpdateResult["conflict"]>().toEqualTypeOf<string[]>();
    expectTypeOf<SendFaxInput["to"]>().toEqualTypeOf<string[]>();
  });
});

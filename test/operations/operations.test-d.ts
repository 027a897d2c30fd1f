// The standalone functions are typed from the spec: their parameters, their data, and what must
// not compile. Named types (`Fax`, `GetFaxParams`) are what editors and the API docs show.
import { describe, expectTypeOf, it } from "vitest";
import {
  FaxPlus,
  createFaxPlus,
  getFax,
  listFaxes,
  sendFax,
  updateFax,
  uploadFile,
  type ApiPromise,
  type Fax,
  type FaxList,
  type FaxPlusCore,
  type GetFaxParams,
  type Operation,
  type SendFaxResponse,
  type WithResponse,
} from "../../src/index.js";

declare const client: FaxPlusCore;
const route = { from: "+12345678901", to: ["+12345678902"] };

describe("standalone operations", () => {
  it("are named types, and resolve to the spec's named data", () => {
    expectTypeOf(getFax).toEqualTypeOf<Operation<GetFaxParams, Fax>>();
    expectTypeOf(getFax(client, { fax_id: "f" })).toEqualTypeOf<ApiPromise<Fax>>();
    expectTypeOf(getFax(client, { fax_id: "f" }).withResponse()).resolves.toEqualTypeOf<
      WithResponse<Fax>
    >();
    expectTypeOf(
      sendFax(client, { ...route, files: ["/f"] }),
    ).resolves.toEqualTypeOf<SendFaxResponse>();
    expectTypeOf(
      updateFax(client, { fax_id: "f", comment: "c", is_read: true }),
    ).resolves.toBeVoid();
    expectTypeOf(createFaxPlus).returns.toEqualTypeOf<FaxPlusCore>();
  });

  it("take optional parameters only where the spec has no required one", () => {
    expectTypeOf(listFaxes(client)).resolves.toEqualTypeOf<FaxList>();
    void listFaxes(client, { category: "inbox", limit: 10 });
    // @ts-expect-error fax_id is required
    void getFax(client);
    // @ts-expect-error fax_id is required
    void getFax(client, {});
  });

  it("reject wrong parameter types, unknown names and values outside an enum", () => {
    // @ts-expect-error fax_id is a string
    void getFax(client, { fax_id: 5 });
    // @ts-expect-error faxId is not a parameter
    void getFax(client, { faxId: "f" });
    // @ts-expect-error "trash" is not a category
    void listFaxes(client, { category: "trash" });
    // @ts-expect-error `to` is a list of numbers
    void sendFax(client, { from: route.from, to: "+12345678902", files: ["/f"] });
    // @ts-expect-error `from` is required
    void sendFax(client, { to: route.to, files: ["/f"] });
    // @ts-expect-error updateFax needs is_read with comment
    void updateFax(client, { fax_id: "f", comment: "c" });
    // @ts-expect-error a file part is a Blob
    void uploadFile(client, { fax_file: "contract.pdf" });
  });

  it("take a client first: a FaxPlus, or a createFaxPlus result, nothing else", () => {
    void getFax(new FaxPlus(), { fax_id: "f" });
    // @ts-expect-error not a client
    void getFax({ fax_id: "f" });
  });

  it("are bound on the class with the same types", () => {
    const fax = new FaxPlus();
    expectTypeOf(fax.operations.getFax({ fax_id: "f" })).toEqualTypeOf<ApiPromise<Fax>>();
    // @ts-expect-error fax_id is required
    void fax.operations.getFax({});
  });
});

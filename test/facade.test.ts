// Every operation of the spec has a helper on FaxPlus and a row in README's API table, so a spec
// update that adds an operation fails here until it gets one (or a documented reason).
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import * as rules from "../generated/rules.js";
import { FaxPlus } from "../src/index.js";

const HELPERS: Record<string, string[]> = {
  sendFax: ["send", "resend", "forward"],
  updateOutboxFax: ["updateOutbox"],
  bulkUpdateOutboxFaxes: ["bulkUpdateOutbox"],
  bulkUpdateFaxes: ["bulkUpdateFaxes"],
  listOutboxFaxes: ["listOutbox"],
  getOutboxFax: ["getOutbox", "waitForDelivery"],
  deleteOutboxFax: ["cancelOutbox"],
  listFaxes: ["listFaxes", "iterateFaxes"],
  getFax: ["getFax"],
  updateFax: ["updateFax"],
  deleteFax: ["deleteFax"],
  uploadFile: ["upload"],
  getFile: ["download", "downloadStream"],
  getFaxReport: ["downloadReport", "downloadReportStream"],
  listNumbers: ["listNumbers"],
  getNumber: ["getNumber"],
  updateNumber: ["assignNumber"],
  revokeNumber: ["revokeNumber"],
  getUser: ["getAccount"],
  updateUser: ["updateAccount"],
  getAccounts: ["listMembers"],
  getMemberDetails: ["getMemberDetails"],
  updateMemberDetails: ["updateMemberDetails"],
  getWebhooks: ["listWebhooks"],
  createWebhook: ["createWebhook"],
  deleteWebhook: ["deleteWebhook"],
};

it("has a helper method for every operation of the spec", () => {
  expect(Object.keys(rules).sort()).toEqual(Object.keys(HELPERS).sort());
  const prototype = FaxPlus.prototype as unknown as Record<string, unknown>;
  for (const [operationId, methods] of Object.entries(HELPERS)) {
    for (const method of methods)
      expect(typeof prototype[method], `${operationId}: ${method}`).toBe("function");
  }
});

it("lists every operation and its helpers in README's API table", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  for (const [operationId, methods] of Object.entries(HELPERS)) {
    const row = readme.split("\n").find((line) => line.startsWith(`| ${operationId} `));
    expect(row, operationId).toBeDefined();
    for (const method of methods.filter((m) => m !== "waitForDelivery"))
      expect(row).toContain(`\`${method}\``);
  }
});

// The README's session, as plain JavaScript that every runtime of the matrix runs unchanged: it
// imports only the package's main entry (web platform APIs only), lists the inbox, uploads a
// file, sends it, waits for delivery, and meets a validation error and a 401 from the API.
import { ApiError, AuthenticationError, FaxPlus, ValidationError } from "faxplus-unofficial";

/**
 * @param {{ baseUrl: string; token: string; from: string; to: string }} mock
 * @returns {Promise<Record<string, unknown>>} what a test compares, as JSON values
 */
export async function session({ baseUrl, token, from, to }) {
  const fax = new FaxPlus({ token, baseUrl });
  const { records } = await fax.listFaxPage({ category: "inbox", limit: 2 });
  const uploaded = await fax.upload(new Blob(["Hello"], { type: "text/plain" }));
  const { ids } = await fax.send({ from, to: [to], files: [uploaded] });
  const id = ids[to] ?? "";
  const record = await fax.waitForDelivery(id, { pollInterval: 20 });

  let validation = "";
  try {
    await fax.send({ from, to: ["555-1234"], files: [uploaded] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    validation = error.field;
  }

  let status = 0;
  let isAuthError = false;
  try {
    await new FaxPlus({ token: "wrong-token", baseUrl }).listFaxPage({ category: "inbox" });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    status = error.status;
    isAuthError = error instanceof AuthenticationError;
  }

  return {
    listed: records.length,
    uploaded,
    id,
    delivered: record.status,
    validation,
    status,
    isAuthError,
  };
}

// Thin typed wrappers of the simple operations: validate, call, unwrap. Each acts on `fax.userId`.
import type { components } from "../generated/schema.js";
import * as rules from "../generated/rules.js";
import type { FaxPlus, RequestOptions } from "./client.js";
import { unwrap } from "./errors.js";
import { check, checkQuery } from "./validate.js";

type Schemas = components["schemas"];

// Fax records

export async function getFax(
  fax: FaxPlus,
  faxId: string,
  options?: RequestOptions,
): Promise<Schemas["Fax"]> {
  const result = await fax.api.GET("/accounts/{user_id}/faxes/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/faxes/{fax_id}");
}

export async function updateFax(
  fax: FaxPlus,
  faxId: string,
  body: Schemas["PayloadFaxModification"],
  options?: RequestOptions,
): Promise<void> {
  check(rules.updateFax.body, body);
  const result = await fax.api.PUT("/accounts/{user_id}/faxes/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId } },
    body,
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "PUT", "/accounts/{user_id}/faxes/{fax_id}");
}

export async function deleteFax(
  fax: FaxPlus,
  faxId: string,
  options?: RequestOptions,
): Promise<void> {
  const result = await fax.api.DELETE("/accounts/{user_id}/faxes/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId } },
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "DELETE", "/accounts/{user_id}/faxes/{fax_id}");
}

// Outbox

export async function listOutboxFaxes(
  fax: FaxPlus,
  options?: RequestOptions,
): Promise<Schemas["OutboxList"]> {
  const result = await fax.api.GET("/accounts/{user_id}/outbox", {
    params: { path: { user_id: fax.userId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/outbox");
}

export async function getOutboxFax(
  fax: FaxPlus,
  outboxFaxId: string,
  options?: RequestOptions,
): Promise<Schemas["Outbox"]> {
  const result = await fax.api.GET("/accounts/{user_id}/outbox/{outbox_fax_id}", {
    params: { path: { user_id: fax.userId, outbox_fax_id: outboxFaxId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/outbox/{outbox_fax_id}");
}

export async function deleteOutboxFax(
  fax: FaxPlus,
  outboxFaxId: string,
  options?: RequestOptions,
): Promise<void> {
  const result = await fax.api.DELETE("/accounts/{user_id}/outbox/{outbox_fax_id}", {
    params: { path: { user_id: fax.userId, outbox_fax_id: outboxFaxId } },
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "DELETE", "/accounts/{user_id}/outbox/{outbox_fax_id}");
}

// Numbers

export async function listNumbers(
  fax: FaxPlus,
  options?: RequestOptions,
): Promise<Schemas["NumberList"]> {
  const result = await fax.api.GET("/accounts/{user_id}/numbers", {
    params: { path: { user_id: fax.userId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/numbers");
}

export async function getNumber(
  fax: FaxPlus,
  number: string,
  options?: RequestOptions,
): Promise<Schemas["Number"]> {
  const result = await fax.api.GET("/accounts/{user_id}/numbers/{number}", {
    params: { path: { user_id: fax.userId, number } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/numbers/{number}");
}

/** Assigns `number` (owned by `fax.userId`) to the member `body.assigned_to`. */
export async function updateNumber(
  fax: FaxPlus,
  number: string,
  body: Schemas["PayloadNumberModification"],
  options?: RequestOptions,
): Promise<void> {
  check(rules.updateNumber.body, body);
  const result = await fax.api.PUT("/accounts/{user_id}/numbers/{number}", {
    params: { path: { user_id: fax.userId, number } },
    body,
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "PUT", "/accounts/{user_id}/numbers/{number}");
}

/** Takes `number` away from the member `fax.userId` (`self`: your own account). */
export async function revokeNumber(
  fax: FaxPlus,
  number: string,
  options?: RequestOptions,
): Promise<void> {
  const result = await fax.api.DELETE("/accounts/{user_id}/numbers/{number}", {
    params: { path: { user_id: fax.userId, number } },
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "DELETE", "/accounts/{user_id}/numbers/{number}");
}

// Accounts

/** The non-admin members of the corporate account (corporate admins only). */
export async function getAccounts(
  fax: FaxPlus,
  options?: RequestOptions,
): Promise<Schemas["AccountList"]> {
  const result = await fax.api.GET("/accounts", { fetch: fax.fetchWith(options) });
  return unwrap(result, "GET", "/accounts");
}

export async function getUser(fax: FaxPlus, options?: RequestOptions): Promise<Schemas["Account"]> {
  const result = await fax.api.GET("/accounts/{user_id}", {
    params: { path: { user_id: fax.userId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}");
}

export async function updateUser(
  fax: FaxPlus,
  body: Schemas["PayloadAccountModification"],
  options?: RequestOptions,
): Promise<void> {
  check(rules.updateUser.body, body);
  const result = await fax.api.PUT("/accounts/{user_id}", {
    params: { path: { user_id: fax.userId } },
    body,
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "PUT", "/accounts/{user_id}");
}

export async function getMemberDetails(
  fax: FaxPlus,
  memberUserId: string,
  options?: RequestOptions,
): Promise<Schemas["MemberDetail"]> {
  const result = await fax.api.GET("/accounts/self/member-details/{member_user_id}", {
    params: { path: { member_user_id: memberUserId } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/self/member-details/{member_user_id}");
}

export async function updateMemberDetails(
  fax: FaxPlus,
  memberUserId: string,
  body: Schemas["MemberDetail"],
  options?: RequestOptions,
): Promise<void> {
  check(rules.updateMemberDetails.body, body);
  const result = await fax.api.PUT("/accounts/self/member-details/{member_user_id}", {
    params: { path: { member_user_id: memberUserId } },
    body,
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "PUT", "/accounts/self/member-details/{member_user_id}");
}

// Webhooks

export async function getWebhooks(
  fax: FaxPlus,
  event: Schemas["WebhookEventType"],
  options?: RequestOptions,
): Promise<Schemas["WebhookList"]> {
  checkQuery(rules.getWebhooks, { event });
  const result = await fax.api.GET("/hooks", {
    params: { query: { event } },
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/hooks");
}

/** Registers `body.target` for `body.event`; returns the new webhook's `{id}`. */
export async function createWebhook(
  fax: FaxPlus,
  body: Omit<Schemas["Webhook"], "id">,
  options?: RequestOptions,
): Promise<Schemas["WebhookId"]> {
  check(rules.createWebhook.body, body);
  const result = await fax.api.POST("/hooks", { body, fetch: fax.fetchWith(options) });
  return unwrap(result, "POST", "/hooks");
}

export async function deleteWebhook(
  fax: FaxPlus,
  hookId: string,
  options?: RequestOptions,
): Promise<void> {
  const result = await fax.api.DELETE("/hooks/{hook_id}", {
    params: { path: { hook_id: hookId } },
    fetch: fax.fetchWith(options),
  });
  unwrap(result, "DELETE", "/hooks/{hook_id}");
}

// Every operation of the spec as a standalone function (generated/operations.ts), and what they
// share: the call (operation.ts) and the promise they return (response.ts); and the typed
// openapi-fetch client of every path for raw calls (api-client.ts).
export * from "../../generated/operations.js";
export type { BoundOperation, Operation } from "./operation.js";
export type { ApiPromise, SuccessData, WithResponse } from "./response.js";
export { unwrap } from "./response.js";
export { apiClient, fetchWith, throwingApiClient } from "./api-client.js";
export type { ThrowingPaths } from "./api-client.js";

export * from "./transport.js";
export * from "./types.js";
export * from "./retry-policy.js";
export { defaultHttpError, vendorMessageOf } from "./http-errors.js";
export { mapFetchFailure, systemErrorCode } from "./fetch-errors.js";

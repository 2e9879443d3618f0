export * from "./limiter.js";
export * from "./headers.js";

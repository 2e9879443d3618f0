/**
 * openpower: the unified model, the core errors and utilities, and every vendor client.
 * Vendor-specific APIs are also available from their own entry points (`openpower/alphaess`, ...).
 */
export * from "./core/index.js";
export * from "./model/index.js";

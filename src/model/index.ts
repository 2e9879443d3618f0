export type * from "./types.js";
export { earningsPerKwhCents, powerBalanceW, diffFields, type DiffOptions } from "./helpers.js";

export type * from "./types.js";
export { earningsPerKwhCents, powerBalanceW, diffFields } from "./helpers.js";

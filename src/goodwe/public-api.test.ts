import { describe, expect, it } from "vitest";
import * as goodwe from "./index.js";

/** The runtime names of `openpower/goodwe`: a change to the public surface is a deliberate diff here. */
const PUBLIC_RUNTIME_EXPORTS = [
  "CODE_AUTH_EXPIRED",
  "CODE_MIGRATED",
  "CODE_RATE_LIMITED",
  "GoodWeInverter",
  "GoodWeSystem",
  "ModbusExceptionError",
  "SemsClient",
  "SemsStation",
  "discover",
  "isIllegalAddress",
];

describe("openpower/goodwe public surface", () => {
  it("exports exactly the clients, façades, errors and guards", () => {
    expect(Object.keys(goodwe).sort()).toEqual(PUBLIC_RUNTIME_EXPORTS);
  });
});

import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { AMBER_TYPES_PATH, generateAmberTypes } from "../../../scripts/generate-amber-types.js";

describe("generated wire types", () => {
  it("are exactly what openapi-typescript makes of specs/amber-openapi.yaml (run `npm run generate:amber` after changing the contract)", async () => {
    const [fresh, committed] = await Promise.all([generateAmberTypes(), readFile(AMBER_TYPES_PATH, "utf8")]);
    expect(committed).toBe(fresh);
  }, 30_000);

  it("describe the contract's five operations", async () => {
    const source = await readFile(AMBER_TYPES_PATH, "utf8");
    for (const op of ["getSites", "getCurrentPrices", "getPrices", "getUsage", "getCurrentRenewables"])
      expect(source).toContain(`${op}: {`);
  });
});

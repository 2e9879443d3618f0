import { describe, expect, it } from "vitest";
import { ResponseFormatError } from "./errors/index.js";
import { nullableNumber, numberLike, parseWith, tolerantEnum, z } from "./validation.js";

describe("validation", () => {
  const schema = z.object({
    code: z.number(),
    data: z.array(z.looseObject({ ppv: z.number().nullable(), kind: tolerantEnum(["a", "b"]) })),
  });

  it("passes unknown fields and unknown enum values through", () => {
    const parsed = parseWith(schema, { code: 200, extra: 1, data: [{ ppv: null, kind: "zzz", newField: true }] });
    expect(parsed.data[0]).toEqual({ ppv: null, kind: "zzz", newField: true });
  });

  it("names the exact failing path", () => {
    const error = (() => {
      try {
        parseWith(
          schema,
          {
            code: 200,
            data: [
              { ppv: 1, kind: "a" },
              { ppv: "x", kind: "a" },
            ],
          },
          { vendor: "alphaess", operation: "getOneDayPowerBySn" },
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error).toMatchObject({ path: "data[1].ppv", vendor: "alphaess", operation: "getOneDayPowerBySn" });
    expect((error as Error).message).toMatch(/getOneDayPowerBySn: data\[1\]\.ppv/);
  });

  it("reads numbers that vendors send as strings, and NaN as null", () => {
    expect(numberLike.parse("95")).toBe(95);
    expect(numberLike.parse(9.6)).toBe(9.6);
    expect(() => numberLike.parse("abc")).toThrow();
    expect(nullableNumber.parse("NaN")).toBeNull();
    expect(nullableNumber.parse(undefined)).toBeNull();
    expect(nullableNumber.parse("-1.5")).toBe(-1.5);
    expect(nullableNumber.parse(Number.NaN)).toBeNull();
    expect(z.object({ value: nullableNumber }).parse({})).toEqual({ value: null });
  });
});

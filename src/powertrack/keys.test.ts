import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import {
  formatLegacyHardwareId,
  keyKind,
  numericId,
  parseAlertTriggerKey,
  parseCustomerKey,
  parseHardwareKey,
  parseLegacyHardwareId,
  parseNodeKey,
  parseSiteKey,
  parseSiteOrHardwareKey,
} from "./keys.js";

describe("site, hardware and customer keys", () => {
  it("normalises prefixed, bare and numeric forms", () => {
    expect(parseSiteKey("S38292")).toBe("S38292");
    expect(parseSiteKey("s38292")).toBe("S38292");
    expect(parseSiteKey(" 38292 ")).toBe("S38292");
    expect(parseSiteKey(38292)).toBe("S38292");
    expect(parseHardwareKey("H504061")).toBe("H504061");
    expect(parseHardwareKey(70611)).toBe("H70611");
    expect(parseCustomerKey("C8458")).toBe("C8458");
  });

  it("accepts site keys of any length (the SDK required exactly 5 digits)", () => {
    for (const key of ["S1", "S123", "S60308", "S100014", "S1234567890"]) expect(parseSiteKey(key)).toBe(key);
  });

  it("rejects what is not a key, naming the field", () => {
    for (const bad of ["", "H38292", "S", "S-1", "S12a", "S0", 0, -5, 1.5, null, undefined, {}, "S1234567890123"]) {
      expect(() => parseSiteKey(bad, "siteId")).toThrow(ValidationError);
    }
    const error = (() => {
      try {
        parseHardwareKey("S1", "hardware");
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.field).toBe("hardware");
  });

  it("round-trips any positive id through every form (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), (n) => {
        expect(parseSiteKey(String(n))).toBe(`S${n}`);
        expect(parseSiteKey(`S${n}`)).toBe(`S${n}`);
        expect(numericId(parseHardwareKey(n))).toBe(n);
      }),
    );
  });

  it("tells key kinds apart, two-letter prefixes first", () => {
    expect(keyKind("AS138373")).toBe("alertTrigger");
    expect(keyKind("AE104401905")).toBe("auditEntry");
    expect(keyKind("RC3004")).toBe("reportConfig");
    expect(keyKind("S38292")).toBe("site");
    expect(keyKind("x2d1aee87")).toBeUndefined();
    expect(parseNodeKey("c8458")).toBe("C8458");
    expect(parseSiteOrHardwareKey("H425923")).toBe("H425923");
    expect(() => parseSiteOrHardwareKey("C1")).toThrow(ValidationError);
  });

  it("accepts old and new alert trigger keys but nothing that could change a path", () => {
    expect(parseAlertTriggerKey("AS138373")).toBe("AS138373");
    expect(parseAlertTriggerKey("x2d1aee87")).toBe("x2d1aee87");
    for (const bad of ["", "a/b", "../x", "a b", "x?y=1", 5]) expect(() => parseAlertTriggerKey(bad)).toThrow(ValidationError);
  });

  it("decodes and re-encodes the legacy hardwareId", () => {
    expect(parseLegacyHardwareId("C44418_S70513_PV9")).toEqual({
      customerId: 44418,
      siteId: 70513,
      functionId: "PV9",
      typeCode: "PV",
      instance: 9,
    });
    expect(parseLegacyHardwareId("H70611")).toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom("PV", "PM", "GW", "WS", "CE"),
        fc.integer({ min: 0, max: 99 }),
        (c, s, t, i) => {
          const id = formatLegacyHardwareId({ customerId: c, siteId: s, functionId: `${t}${i}` });
          expect(formatLegacyHardwareId(parseLegacyHardwareId(id)!)).toBe(id);
        },
      ),
    );
  });
});

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alphaEssAuthHeaders, alphaEssSign, alphaEssTimestamp } from "./signature.js";

describe("AlphaESS signature", () => {
  it("matches the developer portal's worked example", () => {
    expect(alphaEssSign("alphaef7900ee81dbbce9", "c2d2ef6c047c49678e2c332fb2d74c3c", "1676353875")).toBe(
      "0f023c2287b8f6b21b0994947465f8e9de0e1542567b1735bdc6c427336b9b6406285cd94f9215c3e9af958df37fb11c2c9fe792713d8afbdb8c463359a1add8",
    );
  });

  it("signs the same timestamp string it sends, in seconds", () => {
    const headers = alphaEssAuthHeaders("alphaef7900ee81dbbce9", "c2d2ef6c047c49678e2c332fb2d74c3c", 1_676_353_875_999);
    expect(headers.timeStamp).toBe("1676353875");
    expect(headers.sign).toBe(alphaEssSign("alphaef7900ee81dbbce9", "c2d2ef6c047c49678e2c332fb2d74c3c", "1676353875"));
    expect(headers.appId).toBe("alphaef7900ee81dbbce9");
  });

  it("is 128 lower-case hex characters over appId + appSecret + timeStamp in that order", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (appId, secret, ms) => {
          const ts = alphaEssTimestamp(ms);
          expect(ts).toMatch(/^\d+$/);
          expect(Number(ts)).toBe(Math.floor(ms / 1000));
          const sign = alphaEssSign(appId, secret, ts);
          expect(sign).toMatch(/^[0-9a-f]{128}$/);
          expect(sign).toBe(
            createHash("sha512")
              .update(appId + secret + ts)
              .digest("hex"),
          );
        },
      ),
    );
  });
});

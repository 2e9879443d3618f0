import { describe, expect, it } from "vitest";
import { boundedJson, excerpt } from "./excerpt.js";
import { REDACTED, redactHead, registerSecret } from "./redact.js";

describe("excerpt", () => {
  it("writes the same JSON as JSON.stringify when the value is short", () => {
    const value = { a: [1, "two", null, true, { b: -1.5 }], c: 'x"y', d: new Date(0), e: undefined, f: Number.NaN };
    expect(boundedJson(value, 10_000)).toBe(
      '{"a":[1,"two",null,true,{"b":-1.5}],"c":"x\\"y","d":"1970-01-01T00:00:00.000Z","e":null,"f":null}',
    );
    expect(excerpt([1, 2, 3])).toBe("[1,2,3]");
  });

  it("stops at the limit on a huge array without writing it whole", () => {
    const huge = Array.from({ length: 1_000_000 }, (_, i) => ({ x: i }));
    const text = excerpt(huge, 50);
    expect(text).toBe(`${JSON.stringify(huge.slice(0, 10)).slice(0, 50)}…`);
  });

  it("walks 100,000 levels of nesting without a RangeError", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(excerpt(deep, 40)).toHaveLength(41);
  });

  it("cuts long strings and keys before quoting them", () => {
    expect(boundedJson({ ["k".repeat(50)]: "v".repeat(1_000_000) }, 20)).toBe(`{"${"k".repeat(18)}`);
  });

  it("removes a secret that crosses the cut, and redacts only the head of a long text", () => {
    const secret = "s3cr3t-value-crossing-the-cut-0123456789";
    registerSecret(secret);
    const text = `${"a".repeat(290)}${secret}${"b".repeat(5_000_000)}`;
    const head = redactHead(text, 300);
    expect(head).toBe(`${"a".repeat(290)}${REDACTED}`.slice(0, 300) + "…");
    expect(excerpt({ note: `${"a".repeat(285)}${secret}` }, 300)).not.toContain(secret.slice(0, 8));
  });
});

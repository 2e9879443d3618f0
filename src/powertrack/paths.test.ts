import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { formatPath, getPath, hasPath, jsonEqual, parsePath, resolvePath, setPath } from "./paths.js";

const hw = {
  key: "H1",
  location: { latitude: 1 },
  settings: [
    { index: 0, name: "dev:rate", value: "60" },
    { index: 1, name: "dev:baud", value: 9600 },
  ],
};

describe("field paths", () => {
  it("parses names, positions and selectors", () => {
    expect(parsePath("location.latitude")).toEqual([
      { kind: "prop", name: "location" },
      { kind: "prop", name: "latitude" },
    ]);
    expect(parsePath("settings[1].value")).toEqual([
      { kind: "prop", name: "settings" },
      { kind: "index", index: 1 },
      { kind: "prop", name: "value" },
    ]);
    expect(parsePath("settings[name=dev:rate].value")[1]).toEqual({ kind: "match", field: "name", value: "dev:rate" });
  });

  it("rejects malformed paths", () => {
    for (const bad of ["", ".a", "a.", "a..b", "[0]", "a[", "a[x", "a]b"]) expect(() => parsePath(bad), bad).toThrow(ValidationError);
  });

  it("resolves selectors to positions, and refuses ambiguous or missing ones", () => {
    expect(formatPath(resolvePath(hw, "settings[name=dev:baud].value"))).toBe("settings[1].value");
    expect(getPath(hw, "settings[name=dev:rate].value")).toBe("60");
    expect(() => resolvePath(hw, "settings[name=nope].value")).toThrow(/no items/);
    expect(() => resolvePath({ l: [{ a: 1 }, { a: 1 }] }, "l[a=1]")).toThrow(/2 items/);
    expect(hasPath(hw, "location.longitude")).toBe(false);
    expect(hasPath(hw, "settings[1].value")).toBe(true);
  });

  it("sets a value in place", () => {
    const copy = structuredClone(hw);
    setPath(copy, "settings[name=dev:baud].value", 19200);
    setPath(copy, "location.latitude", 2);
    expect(copy.settings[1]!.value).toBe(19200);
    expect(copy.location.latitude).toBe(2);
    expect(hw.settings[1]!.value).toBe(9600);
  });

  it("formats what it parses (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
    const seg = fc.oneof(
      name.map((n) => `.${n}`),
      fc.nat(50).map((i) => `[${i}]`),
    );
    fc.assert(
      fc.property(name, fc.array(seg, { maxLength: 5 }), (head, rest) => {
        const path = head + rest.join("");
        expect(formatPath(parsePath(path))).toBe(path);
      }),
    );
  });

  it("compares JSON regardless of member order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});

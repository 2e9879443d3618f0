import { describe, expect, it } from "vitest";
import { diffFields } from "./diff.js";

describe("diffFields", () => {
  it("diffs nested objects field by field", () => {
    expect(diffFields({ a: 1, b: { c: "x", d: [1, 2] }, e: true }, { a: 1, b: { c: "y", d: [1, 3] }, f: 2 })).toEqual([
      { field: "b.c", before: "x", after: "y" },
      { field: "b.d[1]", before: 2, after: 3 },
      { field: "e", before: true, after: undefined },
      { field: "f", before: undefined, after: 2 },
    ]);
    expect(diffFields({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it("matches list items by identity when asked, so a reordered list still points at the right item", () => {
    const identity = (item: Record<string, unknown>) => ("hardwareKey" in item ? "hardwareKey" : undefined);
    const before = {
      hardware: [
        { hardwareKey: "H1", name: "a" },
        { hardwareKey: "H2", name: "b" },
      ],
    };
    const after = {
      hardware: [
        { hardwareKey: "H2", name: "B" },
        { hardwareKey: "H1", name: "a" },
        { hardwareKey: "H3", name: "c" },
      ],
    };
    expect(diffFields(before, after, "", { identity })).toEqual([
      { field: "hardware[hardwareKey=H2].name", before: "b", after: "B" },
      { field: "hardware[hardwareKey=H3]", before: undefined, after: { hardwareKey: "H3", name: "c" } },
    ]);
    // Without a unique identity it falls back to positions.
    const dup = {
      hardware: [
        { hardwareKey: "H1", name: "a" },
        { hardwareKey: "H1", name: "b" },
      ],
    };
    expect(
      diffFields(
        dup,
        {
          hardware: [
            { hardwareKey: "H1", name: "a" },
            { hardwareKey: "H1", name: "x" },
          ],
        },
        "",
        { identity },
      ),
    ).toEqual([{ field: "hardware[1].name", before: "b", after: "x" }]);
  });
});

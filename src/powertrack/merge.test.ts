import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { diffFields } from "../model/helpers.js";
import { diffIdentity, mergeByKey, replace } from "./merge.js";
import { setPath } from "./paths.js";

describe("GET-modify-PUT merge", () => {
  it("merges nested objects and leaves the base untouched", () => {
    const base = { key: "S1", name: "a", location: { latitude: 1, longitude: 2 } };
    const merged = mergeByKey(base, { location: { latitude: 3 } });
    expect(merged).toEqual({ key: "S1", name: "a", location: { latitude: 3, longitude: 2 } });
    expect(base.location.latitude).toBe(1);
  });

  it("merges list items by hardwareKey", () => {
    const base = {
      hardware: [
        { hardwareKey: "H1", description: "a" },
        { hardwareKey: "H2", description: "b" },
      ],
    };
    expect(mergeByKey(base, { hardware: [{ hardwareKey: "H2", description: "B" }] }).hardware).toEqual([
      { hardwareKey: "H1", description: "a" },
      { hardwareKey: "H2", description: "B" },
    ]);
  });

  it("merges id-less items by position, never all into the first item (SDK bug)", () => {
    const base = {
      inverters: [
        { tilt: 10, azimuth: 180 },
        { tilt: 20, azimuth: 170 },
      ],
    };
    const merged = mergeByKey(base, { inverters: [{ tilt: 11 }, { tilt: 21 }] });
    expect(merged.inverters).toEqual([
      { tilt: 11, azimuth: 180 },
      { tilt: 21, azimuth: 170 },
    ]);
  });

  it("does not key on a field whose values repeat (trigger parameters all have index 0)", () => {
    const base = {
      parameters: [
        { index: 0, name: "Weather station", value: "" },
        { index: 0, name: "Threshold", value: 200 },
      ],
    };
    const merged = mergeByKey(base, { parameters: [{ name: "Threshold", value: 250 }] });
    expect(merged.parameters).toEqual([
      { index: 0, name: "Weather station", value: "" },
      { index: 0, name: "Threshold", value: 250 },
    ]);
  });

  it("never rewrites hardwareId or key", () => {
    const base = { key: "H541363", hardwareId: "C44418_S70513_PV9", capacityKw: 62.5 };
    expect(() => mergeByKey(base, { hardwareId: "H541363" })).toThrow(ValidationError);
    expect(() => mergeByKey(base, { key: "H1" })).toThrow(ValidationError);
    expect(mergeByKey(base, { hardwareId: "C44418_S70513_PV9", capacityKw: 60 })).toEqual({ ...base, capacityKw: 60 });
  });

  it("refuses unknown members and type changes unless allowed", () => {
    const base = { name: "x", capacityAc: 100 };
    expect(() => mergeByKey(base, { acCapacityKw: 500 })).toThrow(/no member "acCapacityKw"/);
    expect(() => mergeByKey(base, { capacityAc: "500" })).toThrow(/is a number/);
    expect(mergeByKey(base, { acCapacityKw: 500 }, { allowNewFields: true })).toEqual({ ...base, acCapacityKw: 500 });
    expect(mergeByKey(base, { capacityAc: null })).toEqual({ ...base, capacityAc: null });
  });

  it("refuses to append list items silently, and replaces whole values on request", () => {
    const base = { hardware: [{ hardwareKey: "H1", d: 1 }] };
    expect(() => mergeByKey(base, { hardware: [{ hardwareKey: "H9", d: 2 }] })).toThrow(/no item with hardwareKey/);
    expect(mergeByKey(base, { hardware: replace([]) }).hardware).toEqual([]);
  });

  it("an empty change is the identity, and merging the base into itself changes nothing (property)", () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && typeof v === "object" && !Array.isArray(v)) as fc.Arbitrary<
      Record<string, unknown>
    >;
    fc.assert(
      fc.property(json, (value) => {
        // JSON has no -0: compare with what the wire can carry.
        const base = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        expect(mergeByKey(base, {})).toEqual(base);
        expect(mergeByKey(base, structuredClone(base), { allowNewFields: true })).toEqual(base);
      }),
    );
  });

  it("changes exactly the given leaf (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ hardwareKey: fc.constant(""), v: fc.integer() }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.integer(),
        (rows, pick, value) => {
          const base = { hardware: rows.map((r, i) => ({ ...r, hardwareKey: `H${i + 1}` })) };
          const target = pick % rows.length;
          const merged = mergeByKey(base, { hardware: [{ hardwareKey: `H${target + 1}`, v: value }] });
          merged.hardware.forEach((row, i) => expect(row.v).toBe(i === target ? value : base.hardware[i]!.v));
        },
      ),
    );
  });
});

describe("list items matched by the key each change item carries", () => {
  const settings = {
    settings: [
      { index: 0, name: "dev:a", value: "1" },
      { index: 1, name: "dev:ScaleKW", value: "1" },
    ],
  };

  it("a name-keyed change finds its item in a list keyed by unique index (the SDK renamed settings[0])", () => {
    const merged = mergeByKey(settings, { settings: [{ name: "dev:ScaleKW", value: "2" }] });
    expect(merged.settings).toEqual([
      { index: 0, name: "dev:a", value: "1" },
      { index: 1, name: "dev:ScaleKW", value: "2" },
    ]);
  });

  it("refuses a key value that names no item, or several", () => {
    expect(() => mergeByKey(settings, { settings: [{ name: "dev:nope", value: "2" }] })).toThrow(/no item with name = "dev:nope"/);
    const parameters = {
      parameters: [
        { index: 0, name: "A", value: 1 },
        { index: 0, name: "B", value: 2 },
      ],
    };
    expect(() => mergeByKey(parameters, { parameters: [{ index: 0, value: 5 }] })).toThrow(ValidationError);
    expect(() => mergeByKey(parameters, { parameters: [{ index: 0, value: 5 }] })).toThrow(/2 items with index = 0/);
    // A key that is not unique in the list still works when its value names one item.
    const partly = { parameters: [{ index: 0 }, { index: 0 }, { index: 1 }] };
    expect(mergeByKey(partly, { parameters: [{ index: 1, v: 1 }] }, { allowNewFields: true }).parameters).toEqual([
      { index: 0 },
      { index: 0 },
      { index: 1, v: 1 },
    ]);
  });
});

describe("diffIdentity: change paths name list items as the merge matches them", () => {
  it("uses the first key present and unique in both lists, else positions", () => {
    const before = {
      hardware: [
        { hardwareKey: "H1", d: "a" },
        { hardwareKey: "H2", d: "b" },
      ],
      parameters: [
        { index: 0, name: "A", v: 1 },
        { index: 0, name: "B", v: 2 },
      ],
      plain: [{ v: 1 }],
    };
    const after = {
      hardware: [
        { hardwareKey: "H2", d: "B" },
        { hardwareKey: "H1", d: "a" },
      ],
      parameters: [
        { index: 0, name: "A", v: 1 },
        { index: 0, name: "B", v: 3 },
      ],
      plain: [{ v: 2 }],
    };
    expect(diffFields(before, after, "", { identity: diffIdentity(before, after) }).map((c) => c.field)).toEqual([
      "hardware[hardwareKey=H2].d",
      "parameters[name=B].v",
      "plain[0].v",
    ]);
  });

  it("keyed paths resolve after a reorder, and setPath appends and removes keyed items", () => {
    const obj = {
      list: [
        { key: "a", v: 1 },
        { key: "b", v: 2 },
      ],
    };
    setPath(obj, "list[key=b].v", 20);
    setPath(obj, "list[key=c]", { key: "c", v: 3 });
    setPath(obj, "list[key=a]", undefined);
    setPath(obj, "list[key=zz]", undefined);
    expect(obj.list).toEqual([
      { key: "b", v: 20 },
      { key: "c", v: 3 },
    ]);
    expect(() => setPath(obj, "list[key=d]", { key: "other" })).toThrow(ValidationError);
  });
});

import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors/index.js";
import type { PowerTrackSimulator } from "../../sim/powertrack/index.js";
import type { PowerTrackClient } from "../client.js";
import { simAndClient } from "../test-support/sim-client.js";
import { applyBulkPlan, planBulkEdits } from "./bulk-write.js";
import { parseEditsCsv } from "./csv.js";

describe("CSV → edits", () => {
  it("reads the key column, dotted paths, selectors, quoted cells; empty cells change nothing", () => {
    const csv =
      '\uFEFFkey,description,capacityKw,settings[name=dev:rate].value,location.latitude\nH541363,"Inv C10, east",62.5,,\n38292,,,,42.1\nH1,(empty),,120,\n';
    const { edits, errors } = parseEditsCsv(csv);
    expect(errors).toEqual([]);
    expect(edits).toEqual([
      {
        target: "hardware",
        key: "H541363",
        fields: { description: "Inv C10, east", capacityKw: "62.5" },
        coerce: true,
        source: { row: 2 },
      },
      { target: "site", key: "S38292", fields: { "location.latitude": "42.1" }, coerce: true, source: { row: 3 } },
      {
        target: "hardware",
        key: "H1",
        fields: { description: "", "settings[name=dev:rate].value": "120" },
        coerce: true,
        source: { row: 4 },
      },
    ]);
  });

  it("takes the target from a target column or the option", () => {
    const { edits } = parseEditsCsv("siteKey,target,pvConfig.degrade\nS1,modeling,0.4\nS2,,0.5\n", { target: "site" });
    expect(edits.map((e) => [e.target, e.key])).toEqual([
      ["modeling", "S1"],
      ["site", "S2"],
    ]);
  });

  it("names each bad row by its line", () => {
    const csv = 'key,description\nH1,ok\nX9,bad key\nH2,"multi\nline"\nH3,a,extra\nH4,\nS1,fine\n';
    const { edits, errors } = parseEditsCsv(csv, { collectErrors: true, file: "edits.csv" });
    expect(edits.map((e) => e.key)).toEqual(["H1", "H2", "S1"]);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^edits\.csv: line 3: key must be a site key/),
      expect.stringMatching(/^edits\.csv: line 6: 3 cells but the header has 2 columns/),
      expect.stringMatching(/^edits\.csv: line 7: H4 has no values to change/),
    ]);
    expect(() => parseEditsCsv(csv)).toThrow(/3 bad rows/);
  });

  it("refuses a bad header", () => {
    expect(() => parseEditsCsv("name,description\nH1,x\n")).toThrow(/key column/);
    expect(() => parseEditsCsv("key,a,a\nH1,1,2\n")).toThrow(/appears twice/);
    expect(() => parseEditsCsv("key,a..b\nH1,1\n")).toThrow(ValidationError);
    expect(() => parseEditsCsv("key\nH1\n")).toThrow(/no field columns/);
    expect(() => parseEditsCsv("")).toThrow(/empty/);
  });

  it("reads back whatever a CSV writer wrote (property)", () => {
    const cell = fc.string({ maxLength: 12 }).filter((s) => s.trim() !== "" && s.trim() === s && s !== "(empty)");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1e7 }), cell, cell), { minLength: 1, maxLength: 10 }), (rows) => {
        const text = stringify([["hardwareKey", "description", "serialNum"], ...rows.map(([n, a, b]) => [`H${n}`, a, b])]);
        const { edits } = parseEditsCsv(text);
        expect(edits.map((e) => [e.key, e.fields])).toEqual(rows.map(([n, a, b]) => [`H${n}`, { description: a, serialNum: b }]));
      }),
    );
  });
});

describe("CSV edits against the simulator", () => {
  let sim: PowerTrackSimulator;
  let client: PowerTrackClient;
  beforeAll(async () => {
    ({ sim, client } = await simAndClient({ sites: 3, seed: 31 }));
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it("types each value by the field's current type and rejects what does not fit, naming the row", async () => {
    const site = sim.sites[1]!;
    const [inv1, inv2] = sim.state.portfolio.site(site)!.hardware.filter((h) => h.functionCode === 1 || h.functionCode === 2);
    const csv = [
      "key,description,capacityKw,outOfService,settings[name=dev:baud].value",
      `${inv1!.key},Row two,55.5,no,19200`,
      `${inv2!.key},,abc,,`,
      `${site},,12,,`,
    ].join("\n");
    const plan = await planBulkEdits(client, parseEditsCsv(csv).edits);
    const [a, b, c] = plan.items;
    expect(a!.status).toBe("ready");
    expect(a!.changes).toEqual(
      expect.arrayContaining([
        { field: "description", before: expect.any(String), after: "Row two" },
        { field: "capacityKw", before: expect.any(Number), after: 55.5 },
        // Plans name list items by their identity, not their position.
        { field: "settings[index=0].value", before: 9600, after: 19200 },
      ]),
    );
    expect(b!.status).toBe("invalid");
    expect(b!.error!.message).toMatch(/\(row 3\): capacityKw is a number; "abc" is not one/);
    expect(c!.status).toBe("invalid");
    expect(c!.error!.message).toMatch(/\(row 4\): it has no field "capacityKw"/);
    const report = await applyBulkPlan(client, plan);
    expect(report.counts).toEqual({ applied: 1, invalid: 2 });
    const stored = sim.state.hardwareConfig(inv1!.key);
    expect(stored).toMatchObject({ description: "Row two", capacityKw: 55.5, outOfService: false });
    expect((stored.settings as Array<{ name: string; value: unknown }>).find((s) => s.name === "dev:baud")!.value).toBe(19200);
  });
});

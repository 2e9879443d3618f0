import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../test-support/in-process.js";

const problem = {
  intervals: [9, 11, 48, 52].map((price, t) => ({
    start: `2026-03-01T0${t}:00:00+11:00`,
    minutes: 60,
    importCentsPerKwh: price,
    exportCentsPerKwh: price / 2,
    loadW: 1500,
    pvW: 0,
  })),
  battery: {
    capacityKwh: 10,
    soc: 0.2,
    minSoc: 0.1,
    maxSoc: 1,
    maxChargeW: 5000,
    maxDischargeW: 5000,
    chargeEfficiency: 0.95,
    dischargeEfficiency: 0.95,
    cycleCostCentsPerKwh: 2,
  },
  grid: { maxImportW: 15000, maxExportW: 5000 },
  endValueCentsPerKwh: 10,
};

describe("openpower optimize", () => {
  const dir = mkdtempSync(join(tmpdir(), "op-optimize-"));
  const file = join(dir, "problem.json");
  writeFileSync(file, JSON.stringify(problem));

  it("prints the plan, the explanation and the saving", async () => {
    const r = await runInProcess(["optimize", "--input", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/charge 00:00–02:00 .* from the grid at 9–11 c/);
    expect(r.stdout).toMatch(/saves \d+\.\d c/);
  });

  it("--json is the OptimizeResult with the balance holding", async () => {
    const r = await runInProcess(["optimize", "--input", file, "--json"]);
    const result = JSON.parse(r.stdout) as {
      intervals: { batteryW: number; gridW: number }[];
      costCents: number;
      baselineCostCents: number;
    };
    expect(result.intervals).toHaveLength(4);
    result.intervals.forEach((i) => expect(i.gridW + i.batteryW).toBeCloseTo(1500, 6));
    expect(result.costCents).toBeLessThan(result.baselineCostCents);
  });

  it("bad input is a usage error naming the field", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...problem, battery: { ...problem.battery, chargeEfficiency: 1.5 } }));
    const r = await runInProcess(["optimize", "--input", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("battery.chargeEfficiency");
  });
});

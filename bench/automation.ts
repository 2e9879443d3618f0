/**
 * Automation benchmarks.
 *
 * 1. Solve time of `optimizeBattery` for 48 h at 5-minute resolution (576 intervals), median of 20,
 *    wall and CPU time, for the exact LP (HiGHS) and the DP (500 SOC steps), on two days: one with
 *    prices that are never negative (a pure LP) and one with negative midday feed-in (binaries).
 *    Baseline in the same run: the cost of the same input's validation and costing alone.
 * 2. The backtest table (`runBacktest`): BENCH_AUTOMATION_DAYS days (default 7; docs/automation.md
 *    publishes 30, from `openpower backtest --days 30`).
 *
 * Run: npm run bench -- automation
 */
import { optimizeBattery, runBacktest, type OptimizeInput } from "../src/automation/index.js";

export function problem(negativeMidday: boolean): OptimizeInput {
  const start = Date.parse("2026-03-01T00:00:00+10:00");
  return {
    intervals: Array.from({ length: 576 }, (_, t) => {
      const hour = ((t * 5) / 60) % 24;
      const wiggle = 3 * Math.sin(t * 0.7);
      const price = (hour >= 17 && hour < 21 ? 45 : hour < 6 ? 12 : hour >= 10 && hour < 15 ? 9 : 25) + wiggle;
      const feedIn = negativeMidday && hour >= 10 && hour < 15 ? -3 + wiggle / 3 : Math.max(0, price - 12);
      return {
        start: `${new Date(start + t * 300_000 + 36_000_000).toISOString().slice(0, 19)}+10:00`,
        minutes: 5,
        importCentsPerKwh: price,
        exportCentsPerKwh: feedIn,
        loadW: 400 + 1600 * Math.abs(Math.sin(t / 17)),
        pvW: hour > 6 && hour < 18 ? 6000 * Math.sin(((hour - 6) / 12) * Math.PI) : 0,
      };
    }),
    battery: {
      capacityKwh: 13.3,
      soc: 0.4,
      minSoc: 0.1,
      maxSoc: 1,
      maxChargeW: 5000,
      maxDischargeW: 5000,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 2,
    },
    grid: { maxImportW: 15000, maxExportW: 5000 },
    endValueCentsPerKwh: 15,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<void> {
  await optimizeBattery(problem(false)); // load the WebAssembly once
  console.log("optimizeBattery, 576 intervals (48 h at 5 min), median of 20:");
  for (const negative of [false, true]) {
    for (const method of ["lp", "dp"] as const) {
      const wall: number[] = [];
      const cpu: number[] = [];
      let result;
      for (let i = 0; i < 20; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        result = await optimizeBattery(problem(negative), { method, levels: 500 });
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      console.log(
        `  ${negative ? "negative midday feed-in" : "prices >= 0            "}  ${method}: wall ${median(wall).toFixed(1)} ms, cpu ${median(cpu).toFixed(1)} ms, cost ${result!.costCents.toFixed(2)} c (binary intervals ${result!.solver.binaryIntervals}, DP bound ${result!.solver.errorBoundCents.toFixed(1)} c)`,
      );
    }
  }
  const days = Number(process.env.BENCH_AUTOMATION_DAYS ?? 7);
  const t0 = performance.now();
  const backtest = await runBacktest({ days, seed: 1 });
  console.log(`\nbacktest, ${days} days, seed 1 (${((performance.now() - t0) / 1000).toFixed(0)} s):`);
  console.log("  | strategy | cost $ | saving $ | % of (d) |\n  |---|---:|---:|---:|");
  for (const s of backtest.strategies)
    console.log(
      `  | ${s.name} | ${(s.costCents / 100).toFixed(2)} | ${(s.savingCents / 100).toFixed(2)} | ${s.ofPerfectPct === null ? "–" : s.ofPerfectPct.toFixed(0)} |`,
    );
}

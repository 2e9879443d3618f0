/**
 * Automation benchmarks.
 *
 * 1. Solve time of `optimizeBattery` for 48 h at 5-minute resolution (576 intervals), median of 20,
 *    wall and CPU time, for the exact method ("lp") and the DP (500 SOC steps), on two days: one with
 *    prices that are never negative (every interval convex) and one with negative midday feed-in.
 *    Baseline in the same run: the previous exact solver (the split-flow HiGHS MIP of lp.ts).
 * 2. The backtest table (`runBacktest`): BENCH_AUTOMATION_DAYS days (default 7; docs/automation.md
 *    publishes 30, from `openpower backtest --days 30`), with the compilation loss.
 *
 * Run: npm run bench -- automation
 */
import { costPlan, optimizeBattery, parseOptimizeInput, runBacktest, type OptimizeInput } from "../src/automation/index.js";
import { solveExact } from "../src/automation/optimizer/lp.js";
import { buildProblem } from "../src/automation/optimizer/problem.js";

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

/** Median wall and CPU milliseconds of `runs` calls. */
async function time<T>(runs: number, f: () => Promise<T>): Promise<{ wall: number; cpu: number; last: T }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), last: last! };
}

/** The cost of the same-run baseline's plan: the split-flow MIP of lp.ts (the solver before the stage-cost model). */
async function splitFlow(input: OptimizeInput): Promise<number> {
  const problem = buildProblem(parseOptimizeInput(input));
  const s = await solveExact(problem);
  return costPlan(
    parseOptimizeInput(input),
    problem,
    s.dischargeKw.map((d, t) => d - s.chargeKw[t]!),
  ).costCents;
}

export async function run(): Promise<void> {
  await optimizeBattery(problem(false)); // load the WebAssembly once
  console.log("optimizeBattery, 576 intervals (48 h at 5 min), median of 20 (wall / CPU):");
  for (const negative of [false, true]) {
    const label = negative ? "negative midday feed-in" : "prices >= 0";
    const lp = await time(20, () => optimizeBattery(problem(negative)));
    const dp = await time(20, () => optimizeBattery(problem(negative), { method: "dp", levels: 500 }));
    const base = await time(20, () => splitFlow(problem(negative)));
    const r = lp.last;
    console.log(`  ${label}:`);
    console.log(
      `    lp (exact)          ${lp.wall.toFixed(1)} / ${lp.cpu.toFixed(1)} ms, cost ${r.costCents.toFixed(2)} c, route ${r.solver.route}, proven gap ${r.solver.errorBoundCents.toFixed(3)} c (${((r.solver.errorBoundCents / (r.baselineCostCents - r.costCents)) * 100).toFixed(3)} % of the saving), non-convex intervals ${r.solver.binaryIntervals}`,
    );
    console.log(
      `    dp (500 steps)      ${dp.wall.toFixed(1)} / ${dp.cpu.toFixed(1)} ms, cost ${dp.last.costCents.toFixed(2)} c (bound ${dp.last.solver.errorBoundCents.toFixed(0)} c)`,
    );
    console.log(
      `    baseline: split-flow HiGHS MIP ${base.wall.toFixed(1)} / ${base.cpu.toFixed(1)} ms, cost ${base.last.toFixed(2)} c; lp is ${(base.wall / lp.wall).toFixed(1)}× faster`,
    );
  }
  const days = Number(process.env.BENCH_AUTOMATION_DAYS ?? 7);
  const t0 = performance.now();
  const backtest = await runBacktest({ days, seed: 1 });
  console.log(
    `\nbacktest, ${days} days, seed 1, ${backtest.dailyWriteBudget} writes a day (${((performance.now() - t0) / 1000).toFixed(0)} s):`,
  );
  console.log("  | strategy | cost $ | saving $ | % of (d) | % of device's (d) | writes/day |\n  |---|---:|---:|---:|---:|---:|");
  const pct = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)} %`);
  for (const s of backtest.strategies)
    console.log(
      `  | ${s.name} | ${(s.costCents / 100).toFixed(2)} | ${(s.savingCents / 100).toFixed(2)} | ${pct(s.ofPerfectPct)} | ${pct(s.ofDevicePerfectPct)} | ${s.writesPerDay === null ? "–" : s.writesPerDay.toFixed(1)} |`,
    );
  const loss = backtest.compilationLossCents;
  console.log(`  compilation loss: AlphaESS ${(loss.alphaess / 100).toFixed(2)} $, GoodWe ${(loss.goodwe / 100).toFixed(2)} $`);
}

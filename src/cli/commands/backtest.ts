import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runBacktest, type StrategyResult } from "../../automation/backtest/backtest.js";
import { backtestSvg } from "../../automation/backtest/chart.js";
import type { CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import type { Column } from "../output/output.js";

const COLUMNS: readonly Column<StrategyResult>[] = [
  { header: "strategy", value: (r) => r.name },
  { header: "cost $", value: (r) => r.costCents / 100, show: (r) => (r.costCents / 100).toFixed(2), align: "right" },
  { header: "saving $", value: (r) => r.savingCents / 100, show: (r) => (r.savingCents / 100).toFixed(2), align: "right" },
  {
    header: "% of (d)",
    value: (r) => r.ofPerfectPct,
    show: (r) => (r.ofPerfectPct === null ? "–" : `${r.ofPerfectPct.toFixed(0)} %`),
    align: "right",
  },
];

/** `openpower backtest --days N [--seed N] [--chart FILE]`. */
export async function backtest(ctx: CommandContext, opts: { days: number; seed: number; chart: string }): Promise<number> {
  if (opts.days > 366) throw new UsageError(`--days is at most 366, got ${opts.days}.`, { field: "--days" });
  const result = await runBacktest({ days: opts.days, seed: opts.seed, onDay: (d) => ctx.out.note(`day ${d}/${opts.days}`) });
  const chartFile = resolve(ctx.io.cwd, opts.chart);
  await writeFile(chartFile, backtestSvg(result));
  if (ctx.out.isJson) {
    ctx.out.json({ ...result, chart: chartFile });
    return ExitCode.ok;
  }
  ctx.out.table(COLUMNS, result.strategies, {
    title: `Backtest: ${result.days} days of the simulated house (seed ${result.seed}), settled per minute`,
  });
  ctx.out.print(
    `compilation loss (compiled − followed exactly): AlphaESS ${(result.compilationLossCents.alphaess / 100).toFixed(2)} $, GoodWe ${(result.compilationLossCents.goodwe / 100).toFixed(2)} $`,
  );
  ctx.out.print(`chart: ${chartFile}`);
  return ExitCode.ok;
}

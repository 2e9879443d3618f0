import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { AmberPriceDays } from "../../automation/backtest/amber-days.js";
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
  {
    header: "% of device's (d)",
    value: (r) => r.ofDevicePerfectPct,
    show: (r) => (r.ofDevicePerfectPct === null ? "–" : `${r.ofDevicePerfectPct.toFixed(0)} %`),
    align: "right",
  },
  {
    header: "writes/day",
    value: (r) => r.writesPerDay,
    show: (r) => (r.writesPerDay === null ? "–" : r.writesPerDay.toFixed(1)),
    align: "right",
  },
];

const AMBER_FIXTURE = "fixtures/amber/prices-2day-30min-general-feedin.json";

/** `openpower backtest --days N [--seed N] [--chart FILE] [--amber-fixtures [FILE]]`. */
export async function backtest(
  ctx: CommandContext,
  opts: { days: number; seed: number; chart: string; writeBudget?: number; amberFixtures?: string | boolean },
): Promise<number> {
  if (opts.days > 366) throw new UsageError(`--days is at most 366, got ${opts.days}.`, { field: "--days" });
  const amber = opts.amberFixtures ? await amberPrices(ctx, opts.amberFixtures === true ? AMBER_FIXTURE : opts.amberFixtures) : undefined;
  const days = amber ? amber.prices.days : opts.days;
  const result = await runBacktest({
    days,
    seed: opts.seed,
    ...(opts.writeBudget !== undefined && { dailyWriteBudget: opts.writeBudget }),
    ...(amber && { prices: amber.prices, startMs: amber.prices.startMs }),
    onDay: (d) => ctx.out.note(`day ${d}/${days}`),
  });
  const chartFile = resolve(ctx.io.cwd, opts.chart);
  await writeFile(chartFile, backtestSvg(result));
  if (ctx.out.isJson) {
    ctx.out.json({ ...result, chart: chartFile });
    return ExitCode.ok;
  }
  ctx.out.table(COLUMNS, result.strategies, {
    title: amber
      ? `Backtest: ${result.days} days of real Amber prices (${amber.file}) on the simulated house (seed ${result.seed}), settled per minute, ${result.dailyWriteBudget} writes a day`
      : `Backtest: ${result.days} days of the simulated house (seed ${result.seed}), settled per minute, ${result.dailyWriteBudget} writes a day`,
  });
  ctx.out.print(
    `compilation loss (compiled − the plan it compiles, followed exactly): AlphaESS ${(result.compilationLossCents.alphaess / 100).toFixed(2)} $, GoodWe ${(result.compilationLossCents.goodwe / 100).toFixed(2)} $`,
  );
  ctx.out.print(`chart: ${chartFile}`);
  return ExitCode.ok;
}

async function amberPrices(ctx: CommandContext, file: string): Promise<{ prices: AmberPriceDays; file: string }> {
  const path = resolve(ctx.io.cwd, file);
  let body: unknown;
  try {
    body = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--amber-fixtures: cannot read ${path}: ${(error as Error).message}`, { field: "--amber-fixtures" });
  }
  const prices = new AmberPriceDays(body);
  if (prices.days < 1) throw new UsageError(`--amber-fixtures: ${path} holds no whole day of prices.`, { field: "--amber-fixtures" });
  return { prices, file };
}

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { optimizeBattery, type OptimizeResult, type PlannedInterval } from "../../automation/index.js";
import { ConfigurationError } from "../../core/errors/index.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../errors.js";
import { formatCents, formatFraction, formatWatts } from "../output/format.js";
import type { Column } from "../output/output.js";

/** `openpower optimize --input FILE [--json]`: the optimal battery plan for the problem in FILE. */
export async function optimize(ctx: CommandContext, opts: { input: string }): Promise<number> {
  const file = resolve(ctx.io.cwd, opts.input);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigurationError(`Cannot read the optimiser input ${file}: ${(error as Error).message}`, { cause: error });
  }
  const result = await optimizeBattery(raw);
  if (ctx.out.isJson) {
    ctx.out.json(result);
    return ExitCode.ok;
  }
  printPlan(ctx, result);
  return ExitCode.ok;
}

const COLUMNS: readonly Column<PlannedInterval>[] = [
  { header: "start", value: (r) => r.start },
  { header: "battery", value: (r) => r.batteryW, show: (r) => formatWatts(r.batteryW), align: "right" },
  { header: "grid", value: (r) => r.gridW, show: (r) => formatWatts(r.gridW), align: "right" },
  { header: "SOC end", value: (r) => r.socEnd, show: (r) => formatFraction(r.socEnd), align: "right" },
];

/** The plan as a table, the explanation and the saving; shared with `automation plan`. */
export function printPlan(ctx: CommandContext, result: OptimizeResult): void {
  const c = ctx.out.c;
  ctx.out.table(COLUMNS, result.intervals, { title: "Battery plan (battery + discharge / − charge, grid + import / − export)" });
  ctx.out.print();
  ctx.out.print(c.bold("Why"));
  for (const line of result.explanation) ctx.out.print(`  ${line}`);
  ctx.out.print();
  const saving = result.baselineCostCents - result.costCents;
  ctx.out.print(
    `cost ${formatCents(result.costCents)} against ${formatCents(result.baselineCostCents)} with the battery idle: saves ${formatCents(saving)} (solved in ${Math.round(result.solver.milliseconds)} ms)`,
  );
}

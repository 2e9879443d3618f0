import type { Command } from "commander";
import type { CommandContext } from "../context.js";

type Run = (cmd: Command, runner: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

/**
 * Declares `optimize`, `backtest` and `automation plan|run`. Like program.ts, this only declares:
 * each implementation is imported when its command runs.
 */
export function declareAutomationCommands(program: Command, run: Run, parseInt: (v: string, option: string) => number): void {
  program
    .command("optimize")
    .description("the cheapest battery plan for given prices, load and PV (exact; JSON in, table or JSON out)")
    .requiredOption("--input <file>", "the problem as JSON: { intervals, battery, grid, endValueCentsPerKwh } (docs/automation.md)")
    .option("--json", "JSON output (the OptimizeResult)")
    .addHelpText(
      "after",
      "\nSigns: battery + discharge / − charge, grid + import / − export. Prices c/kWh; exportCentsPerKwh is\nwhat an exported kWh earns.\n\nExamples:\n  $ openpower optimize --input problem.json\n  $ openpower optimize --input problem.json --json | jq .costCents",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./optimize.js")).optimize(ctx, cmd.opts())));
  program
    .command("backtest")
    .description("replay days of the simulated house and NEM prices: self-consumption, a price rule, this automation, perfect foresight")
    .option("--days <n>", "how many simulated days", (v) => parseInt(v, "--days"), 30)
    .option("--seed <n>", "random seed (same seed, same days)", (v) => parseInt(v, "--seed"), 1)
    .option("--chart <file>", "write an SVG chart of the daily savings here", "backtest.svg")
    .option("--json", "JSON output")
    .addHelpText(
      "after",
      "\nCosts are settled minute by minute on the simulated house (clouds, kettle spikes), not at the\nplanning step.\n\nExamples:\n  $ openpower backtest --days 30\n  $ openpower backtest --days 7 --seed 3 --json",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./backtest.js")).backtest(ctx, cmd.opts())));
}

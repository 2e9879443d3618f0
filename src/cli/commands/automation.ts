import type { Command } from "commander";
import type { CommandContext } from "../context.js";

type Run = (cmd: Command, runner: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

/**
 * Declares `optimize`, `backtest` and `automation plan|run`. Like program.ts, this only declares:
 * each implementation is imported when its command runs.
 */
export function declareAutomationCommands(program: Command, run: Run, _parseInt: (v: string, option: string) => number): void {
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
}

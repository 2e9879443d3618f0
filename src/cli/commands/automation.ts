import type { Command } from "commander";
import type { CommandContext } from "../context.js";

type Run = (cmd: Command, runner: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

/**
 * Declares `optimize`, `backtest`, `forecast accuracy` and `automation plan|run`. Like program.ts, this only declares:
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
    .option(
      "--write-budget <n>",
      "device writes a day for the automation (as the service's daily write budget)",
      (v) => parseInt(v, "--write-budget"),
      6,
    )
    .option("--amber-fixtures [file]", "settle on real captured Amber prices (a /prices JSON; default the 2-day capture in fixtures/amber)")
    .option("--json", "JSON output")
    .addHelpText(
      "after",
      "\nCosts are settled minute by minute on the simulated house (clouds, kettle spikes), not at the\nplanning step.\n\nExamples:\n  $ openpower backtest --days 30\n  $ openpower backtest --days 7 --seed 3 --json\n  $ openpower backtest --amber-fixtures",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./backtest.js")).backtest(ctx, cmd.opts())));
  program
    .command("forecast")
    .description("the forecasts the service stored (load, PV, prices) and how good they were")
    .command("accuracy")
    .description("MAE and bias of stored load, PV and price forecasts against what happened, by horizon (0–1 h, 1–6 h, 6–24 h, 24–48 h)")
    .option("--system <id>", "one system (vendor:id as the service names it, or amber:<site> for prices only)")
    .option("--days <n>", "how many days back", (v) => parseInt(v, "--days"), 7)
    .option("--db <file>", "the service's database (default: openpower.db in the data directory; the demo's is openpower-demo.db)")
    .option("--storage-url <url>", "the service's PostgreSQL (postgres://...; or OPENPOWER_STORAGE_URL) instead of the SQLite file")
    .option("--json", "JSON output")
    .addHelpText(
      "after",
      "\nMAE is the mean absolute error; bias is the mean of forecast − actual (+ = too high). Load and PV in W\n(30-minute means against the measured samples), prices in c/kWh (each stored Amber vintage against the\ninterval's actual price).\n\nExamples:\n  $ openpower forecast accuracy\n  $ openpower forecast accuracy --system alphaess:AL2002321010043 --days 30 --json",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./forecast.js")).accuracy(ctx, cmd.opts())));
  const automation = program
    .command("automation")
    .description("price-driven battery automation: the plan for the next 24 h, or one cycle that writes it (cron)")
    .addHelpText("after", "\nExamples:\n  $ openpower automation plan\n  $ openpower automation run");
  for (const [name, description] of [
    ["plan", "the plan for the next 24–48 h from Amber's prices: a table, a chart, the schedule it compiles to and why (never writes)"],
    ["run", "one cycle: plan, and write the compiled schedule when it changed (read back, audited); for cron"],
  ] as const) {
    const cmd = automation
      .command(name)
      .description(description)
      .option("-d, --device <id>", "system id, optionally vendor:id")
      .option("--capacity-kwh <n>", "usable battery capacity, kWh (default: what the device reports, else [automation] capacityKwh)", (v) =>
        parseInt(v, "--capacity-kwh"),
      )
      .option("--hours <n>", "how far ahead to plan, 1..48 (prices permitting)", (v) => parseInt(v, "--hours"), 24)
      .option(
        "--daily-write-budget <n>",
        "battery writes per local day, counted from the audit log",
        (v) => parseInt(v, "--daily-write-budget"),
        6,
      )
      .option("--max-power-w <n>", "battery charge/discharge power limit, W", (v) => parseInt(v, "--max-power-w"), 5000)
      .option("--reserve <fraction>", "never plan below this state of charge", (v) => Number(v), 0.2)
      .option("--json", "JSON output (the decision)");
    if (name === "run") cmd.option("--dry-run", "plan and compare, write nothing");
    cmd
      .addHelpText(
        "after",
        `\nExamples:\n  $ openpower automation ${name}\n  $ openpower automation ${name} --device AL2002321010043 --json`,
      )
      .action((_o, c: Command) => run(c, async (ctx) => (await import("./automation-run.js"))[name](ctx, c.opts())));
  }
}

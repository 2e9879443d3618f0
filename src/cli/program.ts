import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../core/version.js";
import { declareAutomationCommands } from "./commands/automation.js";
import { declareServe } from "./commands/serve-declare.js";
import type { CommandContext, GlobalOptions } from "./context.js";
import { initFlag, VENDOR_SETTINGS } from "./config/vendor-settings.js";
import { describeError, exitCodeFor, ExitCode, UsageError } from "./errors.js";
import { commanderOutput, processIo, type Io } from "./io.js";
import type { Format } from "./output/output.js";

/**
 * The `openpower` command line. This module only declares commands and their help; every
 * implementation is imported when its command runs, so `openpower --help` loads no vendor code.
 */

type Runner = (ctx: CommandContext) => Promise<number | void>;
interface RunState {
  code: number;
  ctx?: CommandContext;
  debug: boolean;
  argv: readonly string[];
}

const ENV_HELP = `
Environment variables (they override the config file; a .env file in the current directory is read too):
  OPENPOWER_CONFIG                 config file (default: the platform config directory, see "openpower config path")
  OPENPOWER_DATA_DIR               data directory (audit log)
  OPENPOWER_ALPHAESS_APP_ID        AlphaESS developer AppID (secret)
  OPENPOWER_ALPHAESS_APP_SECRET    AlphaESS developer AppSecret (secret)
  OPENPOWER_ALPHAESS_SERIAL        AlphaESS system serial number(s), comma-separated (default: every bound system)
  OPENPOWER_ALPHAESS_TIMEZONE      the systems' IANA time zone, e.g. Australia/Sydney
  OPENPOWER_ALPHAESS_BASE_URL      AlphaESS API URL (simulators)
  OPENPOWER_ALPHAESS_MIN_INTERVAL_MS    ms between two calls to one endpoint (default 1250)
  OPENPOWER_ALPHAESS_WRITE_COOLDOWN_MS  ms between two setting writes to one system (default 30000)
  OPENPOWER_AMBER_TOKEN            Amber API token psk_... (secret)
  OPENPOWER_AMBER_SITE             Amber site id (default: the active site)
  OPENPOWER_AMBER_BASE_URL         Amber API URL (simulators)
  OPENPOWER_GOODWE_HOST            GoodWe inverter address on the LAN
  OPENPOWER_GOODWE_PORT            GoodWe port (default 8899 for udp, 502 for tcp)
  OPENPOWER_GOODWE_PROTOCOL        udp | tcp
  OPENPOWER_GOODWE_FAMILY          ET | DT | ES (default: detect)
  OPENPOWER_GOODWE_TIMEZONE        the inverter's IANA time zone
  OPENPOWER_GOODWE_TIMEOUT_MS      per-attempt timeout, ms (default 1000)
  OPENPOWER_SEMS_EMAIL             GoodWe SEMS portal account e-mail
  OPENPOWER_SEMS_PASSWORD          GoodWe SEMS portal password (secret)
  OPENPOWER_SEMS_LOGIN_URL         SEMS CrossLogin URL (simulators)
  OPENPOWER_SEMS_STATION           SEMS power station id (default: the account's first)
  COOKIE, AE_S, AE_V               PowerTrack browser cookie, ae_s token (secrets) and ae_v
                                   (also OPENPOWER_POWERTRACK_COOKIE, _AE_S, _AE_V)
  OPENPOWER_POWERTRACK_BASE_URL    PowerTrack web app URL (simulators); a bare BASE_URL is ignored
                                   (with a warning) unless it is https://apps.alsoenergy.com
  OPENPOWER_POWERTRACK_FETCH_FILE  a browser "Copy as fetch" snippet holding the PowerTrack credentials
  OPENPOWER_POWERTRACK_SITES       PowerTrack site keys for status/watch/history, comma-separated
  OPENPOWER_POWERTRACK_CUSTOMER    default PowerTrack customer key for portfolio commands
  OPENPOWER_POWERTRACK_BACKUP_DIR  where bulk-update saves originals (default: <data dir>/powertrack-backups)
  NO_COLOR                         never colour the output`;

export function buildProgram(io: Io, state: RunState): Command {
  const program = new Command("openpower");
  program
    .description("Monitor and control home solar, batteries, EV chargers and electricity prices (AlphaESS, Amber, GoodWe, PowerTrack).")
    .version(VERSION, "-V, --version")
    .option("-c, --config <path>", "config file (default: $OPENPOWER_CONFIG, else the platform config directory)")
    .option("--dotenv <path>", "read settings and secrets from this .env file (default: ./.env when present)")
    // Node 20 itself scans the whole command line for --env-file and exits 9 ("node: <path>: not
    // found") when the file is missing, before openpower runs: kept only as a hidden alias.
    .addOption(new Option("--env-file <path>").hideHelp())
    .option("-s, --set <section.key=value>", "override one setting for this run, e.g. --set amber.site=01ABC (repeatable)", collect)
    .option("--no-color", "never colour the output (NO_COLOR is respected too)")
    .option("--debug", "print stack traces and every request (secrets redacted)")
    .showHelpAfterError("(run the command with --help for usage and examples)")
    .exitOverride()
    .configureOutput(commanderOutput(io))
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 error, 2 usage (nothing was done), 3 partial failure, 130 interrupted (Ctrl-C).

Examples:
  $ openpower demo                                   # everything against the built-in simulators
  $ openpower config init                            # write a config file (asks for credentials)
  $ openpower config check                           # one cheap call per credential
  $ openpower status --json                          # power flow of every system
  $ openpower prices --next 12h                      # Amber prices ahead with a chart
  $ openpower battery plan "charge 01:00-05:00 to 90%"
  $ openpower alphaess list-systems                  # any client method, JSON out`,
    );

  const run = (cmd: Command, runner: Runner) => execute(io, state, cmd, runner);

  // ---------------------------------------------------------------------------------------- config
  const config = program
    .command("config")
    .description("create, show and check the configuration and credentials")
    .addHelpText(
      "after",
      `${ENV_HELP}\n\nExamples:\n  $ openpower config init\n  $ openpower config check\n  $ openpower config show --json`,
    );
  const init = config
    .command("init")
    .description("write the config file (mode 0600): asks for each credential, or takes flags for scripts")
    .option("--vendors <list>", "vendors to configure, comma-separated (alphaess,amber,goodwe,powertrack)")
    .option("--no-input", "do not ask anything: use only the flags below (scripts)")
    .option("--force", "overwrite existing values without asking");
  // One flag per setting, from the same table the vendors read their settings from.
  for (const [vendor, settings] of Object.entries(VENDOR_SETTINGS)) {
    for (const setting of settings) {
      const value = setting.choices
        ? setting.choices.join("|")
        : setting.type === "list"
          ? "list"
          : setting.type === "number"
            ? "n"
            : "value";
      init.option(
        `${initFlag(vendor, setting.key)} <${value}>`,
        `${vendor}.${setting.key}: ${setting.description}${setting.secret ? " (secret)" : ""}`,
      );
    }
  }
  init
    .addHelpText(
      "after",
      `\nValues given as flags are written as they are; the rest are asked for (secrets without echo).\nExisting values are kept unless you change them, and so are sections and keys openpower\ndoes not know; comments in the file are not kept.\n\nExamples:\n  $ openpower config init\n  $ openpower config init --no-input --amber-token psk_xxx --alphaess-app-id alpha... --alphaess-app-secret ...\n  $ OPENPOWER_CONFIG=./openpower.toml openpower config init --vendors amber`,
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/config.js")).init(ctx, cmd.opts())));
  config
    .command("check")
    .description("make one cheap call per configured credential and say exactly what is wrong")
    .option("--json", "JSON output")
    .option("--vendor <name>", "check one vendor only")
    .addHelpText(
      "after",
      "\nExit code 0 when every credential works, 1 when none does, 3 when some do.\n\nExamples:\n  $ openpower config check\n  $ openpower config check --vendor amber --json",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/config.js")).check(ctx, cmd.opts())));
  config
    .command("show")
    .description("print the effective settings and where each comes from (secrets masked)")
    .option("--json", "JSON output")
    .addHelpText("after", "\nExamples:\n  $ openpower config show\n  $ openpower --set amber.site=01ABC config show --json")
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/config.js")).show(ctx)));
  config
    .command("path")
    .description("print the config file and data directory paths")
    .option("--json", "JSON output")
    .addHelpText("after", "\nExamples:\n  $ openpower config path")
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/config.js")).path(ctx)));

  // ---------------------------------------------------------------------------------------- status
  program
    .command("status")
    .description("the power flow of every configured system, with how old each reading is")
    .option("--json", "JSON output")
    .option("--csv", "CSV output")
    .option("--vendor <name>", "only this vendor")
    .option("--stale-after <duration>", "flag readings older than this as stale", "15m")
    .addHelpText(
      "after",
      "\nSigns: grid + import / − export, battery + discharge / − charge. SOC in percent.\nExit code 3 when some systems answered and some did not.\n\nExamples:\n  $ openpower status\n  $ openpower status --json | jq '.systems[].flow.soc'\n  $ openpower status --vendor alphaess --stale-after 5m",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/status.js")).status(ctx, cmd.opts())));

  // ----------------------------------------------------------------------------------------- watch
  program
    .command("watch")
    .description("a live view of every system, refreshed as fast as each vendor's rate budget allows; Ctrl-C exits")
    .option("--interval <duration>", "slowest refresh (default: each source as fast as its budget allows: a local GoodWe 5 s, SEMS 1 min)")
    .option("--once", "draw once and exit")
    .option("--count <n>", "draw n times and exit", (v) => positiveInt(v, "--count"))
    .option("--vendor <name>", "only this vendor")
    .option("--json", "one JSON document per line and refresh (NDJSON)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ openpower watch\n  $ openpower watch --interval 10s\n  $ openpower watch --count 3 > log.txt     # plain lines when not on a terminal",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/watch.js")).watch(ctx, cmd.opts())));

  // ---------------------------------------------------------------------------------------- prices
  program
    .command("prices")
    .description("Amber prices now and ahead, with a terminal chart and the grid's renewables share")
    .option("--next <duration>", "how far ahead (up to 48h)", "12h")
    .option("--json", "JSON output")
    .option("--csv", "CSV output")
    .option("--no-chart", "leave out the chart")
    .option("--time-zone <zone>", "show times in this IANA zone, e.g. Australia/Sydney (default: this machine's)")
    .addHelpText(
      "after",
      "\nPrices are c/kWh including GST. Feed-in follows Amber: a negative price means you are paid\nfor exporting; the chart and the 'earn' column show it as + = paid.\n\nExamples:\n  $ openpower prices\n  $ openpower prices --next 24h --csv > prices.csv",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/prices.js")).prices(ctx, cmd.opts())));

  // --------------------------------------------------------------------------------------- history
  program
    .command("history")
    .description("power samples and daily energy of one system over a date range, fetched a day at a time")
    .argument("<device>", "system id (serial number or site key), optionally vendor:id")
    .requiredOption("--from <date>", "first local day, YYYY-MM-DD (or today, yesterday)")
    .option("--to <date>", "last local day, inclusive (default: --from)")
    .option("--json", "JSON output")
    .option("--csv", "CSV output (one row per sample)")
    .option("--energy", "daily energy totals only (no samples)")
    .addHelpText(
      "after",
      "\nDates are local calendar days in the device's time zone. A progress bar shows on a terminal.\n\nExamples:\n  $ openpower history AL2002321010043 --from 2024-05-01 --to 2024-05-07\n  $ openpower history alphaess:AL2002321010043 --from yesterday --csv > samples.csv\n  $ openpower history AL2002321010043 --from 2024-05-01 --to 2024-05-31 --energy --json",
    )
    .action((device: string, _o, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/history.js")).history(ctx, device, cmd.opts())),
    );

  // --------------------------------------------------------------------------------------- battery
  const battery = program
    .command("battery")
    .description("show, plan and apply battery charge/discharge schedules (with read-back and an audit log)")
    .addHelpText(
      "after",
      `\nIntents (times on the 15-minute grid; levels need %):\n  "charge 01:00-05:00 to 90%"                 grid-charge in a window up to a level\n  "charge 01:00-03:00 and 13:00-15:00 to 80%" several windows\n  "charge 11:00-14:00 to 100% from solar"     charge window without grid charging\n  "discharge 17:00–21:00 down to 20%"         discharge only in windows, down to a level\n  "charge off", "discharge anytime", "discharge never"\n  Combine clauses with ";" or "then".\n\nExamples:\n  $ openpower battery show\n  $ openpower battery plan "charge 01:00-05:00 to 90%"\n  $ openpower battery apply "charge 01:00-05:00 to 90%; discharge 17:00-21:00 down to 20%" --yes`,
    );
  battery
    .command("show")
    .description("the current charge and discharge schedule of each system that has one")
    .argument("[device]", "system id, optionally vendor:id (default: every system with a battery schedule)")
    .option("--json", "JSON output")
    .addHelpText("after", "\nExamples:\n  $ openpower battery show\n  $ openpower battery show AL2002321010043 --json")
    .action((device: string | undefined, _o, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/battery.js")).show(ctx, device)),
    );
  battery
    .command("plan")
    .description("turn an intent into the vendor writes and print the diff (never writes)")
    .argument("<intent...>", 'what you want, e.g. "charge 01:00-05:00 to 90%"')
    .option("-d, --device <id>", "system id, optionally vendor:id (needed when several systems have a battery schedule)")
    .option("--json", "JSON output (the ControlPlan)")
    .addHelpText(
      "after",
      '\nExamples:\n  $ openpower battery plan "charge 01:00-05:00 to 90%"\n  $ openpower battery plan charge 01:00-05:00 to 90% --device AL2002321010043 --json',
    )
    .action((intent: string[], _o, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/battery.js")).plan(ctx, intent.join(" "), cmd.opts())),
    );
  battery
    .command("apply")
    .description("plan, ask, write, read back, say which writes took effect, and append to the audit log")
    .argument("<intent...>", 'what you want, e.g. "charge 01:00-05:00 to 90%"')
    .option("-d, --device <id>", "system id, optionally vendor:id")
    .option("-y, --yes", "do not ask for confirmation (needed when not on a terminal)")
    .option("--dry-run", "show what would be sent; send nothing")
    .option("--no-verify", "do not read back after writing (not recommended)")
    .option("--json", "JSON output (the ApplyResult)")
    .addHelpText(
      "after",
      '\nExit code 3 when a write was not taken by the device (the output says which). Every apply,\nincluding refusals by the device, is appended to the audit log (see "openpower config path").\n\nExamples:\n  $ openpower battery apply "charge 01:00-05:00 to 90%"\n  $ openpower battery apply "discharge 17:00-21:00 down to 20%" --yes --json',
    )
    .action((intent: string[], _o, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/battery.js")).apply(ctx, intent.join(" "), cmd.opts())),
    );

  // -------------------------------------------------------------------------------------------- ev
  const ev = program
    .command("ev")
    .description("EV chargers: list, status, start, stop, current limit")
    .addHelpText("after", "\nExamples:\n  $ openpower ev list\n  $ openpower ev start SN123 --yes\n  $ openpower ev limit SN123 16");
  ev.command("list")
    .description("every EV charger of every configured system")
    .option("--json", "JSON output")
    .option("--csv", "CSV output")
    .addHelpText("after", "\nExamples:\n  $ openpower ev list --json")
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/ev.js")).list(ctx)));
  ev.command("status")
    .description("the status of one charger")
    .argument("<charger>", "charger id (serial number)")
    .option("--json", "JSON output")
    .addHelpText("after", "\nExamples:\n  $ openpower ev status SN123")
    .action((id: string, _o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/ev.js")).status(ctx, id)));
  for (const [name, description] of [
    ["start", "start charging"],
    ["stop", "stop charging"],
  ] as const) {
    ev.command(name)
      .description(`${description} (asks first unless --yes; read back; audited)`)
      .argument("<charger>", "charger id (serial number)")
      .option("-y, --yes", "do not ask for confirmation")
      .option("--dry-run", "show what would be sent; send nothing")
      .option("--json", "JSON output")
      .addHelpText("after", `\nExamples:\n  $ openpower ev ${name} SN123\n  $ openpower ev ${name} SN123 --yes --json`)
      .action((id: string, _o, cmd: Command) =>
        run(cmd, async (ctx) => (await import("./commands/ev.js")).startStop(ctx, name, id, cmd.opts())),
      );
  }
  ev.command("limit")
    .description("set the charging current limit, A (asks first unless --yes; read back; audited)")
    .argument("<charger>", "charger id (serial number)")
    .argument("<amps>", "current limit in amperes, e.g. 16 (AlphaESS: 6 to 100)")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--dry-run", "show what would be sent; send nothing")
    .option("--json", "JSON output")
    .addHelpText("after", "\nExamples:\n  $ openpower ev limit SN123 16 --yes")
    .action((id: string, amps: string, _o, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/ev.js")).limit(ctx, id, amps, cmd.opts())),
    );

  // -------------------------------------------------------------------------------- vendor groups
  for (const [vendor, title, example] of [
    ["alphaess", "AlphaESS Open API", "list-systems"],
    ["amber", "Amber Electric API", "current-prices --next 12"],
    ["goodwe", "GoodWe inverter (local) and SEMS", "runtime-data"],
    ["powertrack", "AlsoEnergy PowerTrack", "portfolio C1234 --csv"],
  ] as const) {
    program
      .command(vendor)
      .description(`${title}: every client method as a command, JSON out (openpower ${vendor} --help lists them)`)
      .argument("[command]", "the method, in kebab-case")
      .argument("[args...]", "its arguments and options")
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText("after", `\nExamples:\n  $ openpower ${vendor} --help\n  $ openpower ${vendor} ${example}`)
      .action((_c, _a, _o, cmd: Command) =>
        run(cmd, async (ctx) => (await import("./commands/vendor-group.js")).vendorGroup(ctx, vendor, cmd.args, io)),
      );
  }

  declareAutomationCommands(program, run, positiveInt);

  // ------------------------------------------------------------------------------------- sim, demo
  program
    .command("sim")
    .description("run the simulators and print a config that points openpower at them; Ctrl-C stops")
    .option("--vendors <list>", "which simulators, comma-separated (default: all available)")
    .option(
      "--speed <factor>",
      "simulated seconds per real second (above 1, other processes see the simulators' clock run ahead of theirs)",
      (v) => positiveNumber(v, "--speed"),
      1,
    )
    .option("--seed <n>", "random seed (same seed, same house and prices)", (v) => positiveInt(v, "--seed"), 1)
    .option("--port <n>", "first port to listen on (default: any free port)", (v) => positiveInt(v, "--port"))
    .option("--write-config <path>", "also write the config to this file (mode 0600)")
    .option("--duration <duration>", "stop after this much real time (default: until Ctrl-C)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ openpower sim --write-config sim.toml &\n  $ OPENPOWER_CONFIG=sim.toml openpower status\n  $ openpower sim --vendors alphaess,amber --speed 60     # an hour a minute",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/sim.js")).sim(ctx, cmd.opts())));
  program
    .command("demo")
    .description("everything against the built-in simulators: status, prices, a battery plan and its apply with read-back")
    .option("--speed <factor>", "simulated seconds per real second", (v) => positiveNumber(v, "--speed"), 60)
    .option("--seed <n>", "random seed", (v) => positiveInt(v, "--seed"), 1)
    .addHelpText(
      "after",
      "\nNo credentials, no network, no config file: runs in a few seconds.\n\nExamples:\n  $ openpower demo\n  $ npm start",
    )
    .action((_o, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/demo.js")).demo(ctx, cmd.opts())));

  declareServe(program).action((_o, cmd: Command) =>
    run(cmd, async (ctx) => (await import("./commands/serve.js")).serveCommand(ctx, cmd.opts())),
  );

  return program;
}

async function execute(io: Io, state: RunState, cmd: Command, runner: Runner): Promise<void> {
  const options = cmd.optsWithGlobals() as GlobalOptions & { json?: boolean; csv?: boolean };
  state.debug = options.debug === true;
  if (options.json && options.csv) throw new UsageError("Choose one of --json and --csv.", { field: "--json" });
  const format: Format = options.json ? "json" : options.csv ? "csv" : "table";
  const { CommandContext } = await import("./context.js");
  const ctx = new CommandContext(io, options, format, { argv: state.argv });
  state.ctx = ctx;
  const code = await runner(ctx);
  state.code = typeof code === "number" ? code : ExitCode.ok;
}

/** Runs the command line; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const state: RunState = { code: ExitCode.ok, debug: argv.includes("--debug"), argv };
  try {
    const program = buildProgram(io, state);
    await program.parseAsync([...argv], { from: "user" });
    return state.code;
  } catch (error) {
    // Commander has already printed its own usage errors (and help).
    if (!(error instanceof CommanderError)) io.stderr.write(`${describeError(error, { debug: state.debug, hint: true })}\n`);
    return exitCodeFor(error);
  } finally {
    await state.ctx?.close();
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option} expects a whole number of 1 or more, got ${JSON.stringify(value)}.`, { field: option });
  return n;
}

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${option} expects a positive number, got ${JSON.stringify(value)}.`, { field: option });
  return n;
}

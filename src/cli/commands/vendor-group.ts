import { Command } from "commander";
import type { Vendor } from "../../model/types.js";
import { CommandContext } from "../context.js";
import { ExitCode, PartialFailure, UsageError } from "../errors.js";
import { commanderOutput, type Io } from "../io.js";
import type { Column, Format } from "../output/output.js";
import { loadPlugin } from "../vendors/registry.js";
import type { VendorCommand } from "../vendors/types.js";

/**
 * `openpower <vendor> <command> ...`: every client method as a command. Output is JSON (the
 * typed result, raw bodies only with --raw); list results also as CSV. Writes ask first, support
 * --dry-run where the client does, and go to the audit log.
 */
export async function vendorGroup(parent: CommandContext, vendor: Vendor, args: readonly string[], io: Io): Promise<number> {
  const plugin = await loadPlugin(vendor);
  const specs = plugin.commands();
  let code: number = ExitCode.ok;
  const group = new Command(`openpower ${vendor}`)
    .description(`${plugin.title}: every client method as a command. Output is JSON; list results also --csv.`)
    .exitOverride()
    .showHelpAfterError(`(run "openpower ${vendor} --help" for the commands)`)
    .configureOutput(commanderOutput(io))
    .addHelpText(
      "after",
      `\nCredentials come from the config file and environment (openpower config --help).\n\nExamples:\n${
        specs
          .flatMap((s) => s.examples ?? [])
          .slice(0, 4)
          .map((e) => `  $ ${e}`)
          .join("\n") || `  $ openpower ${vendor} ${specs[0]?.name ?? ""}`
      }`,
    );
  for (const spec of specs) {
    const cmd = group.command(spec.name).description(`${spec.description} [${spec.method}]`);
    for (const a of spec.args ?? [])
      cmd.argument(a.optional ? `[${a.name}${a.variadic ? "..." : ""}]` : `<${a.name}${a.variadic ? "..." : ""}>`, a.description);
    for (const o of spec.options ?? []) {
      if (o.parse) cmd.option(o.flags, o.description, o.parse as (value: string, previous: unknown) => unknown);
      else cmd.option(o.flags, o.description, o.defaultValue as string | boolean | undefined);
    }
    cmd.option("--raw", "include the vendor's raw response bodies");
    // JSON is the default output; --json is accepted everywhere so scripts can say it anyway.
    if (!(spec.options ?? []).some((o) => /(^|[ ,])--json\b/.test(o.flags))) cmd.option("--json", "JSON output (the default)");
    // Every command takes --csv: a list result (or an object's first list) becomes one row per record.
    cmd.option("--csv", spec.tabular ? "CSV output, one row per record" : "CSV output, one row per record (list results)");
    const usage = [`openpower ${vendor} ${spec.name}`, ...(spec.args ?? []).map((a) => `<${a.name}>`)].join(" ");
    const examples = spec.examples && spec.examples.length > 0 ? spec.examples : [usage];
    cmd.addHelpText(
      "after",
      `${spec.write ? "\nThis command changes something: it asks first (or pass --yes) and is written to the audit log." : ""}\n\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}`,
    );
    cmd.action(async (...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      code = await runSpec(parent, io, vendor, spec, command);
    });
  }
  await group.parseAsync([...args], { from: "user" });
  return code;
}

async function runSpec(parent: CommandContext, io: Io, vendor: Vendor, spec: VendorCommand, command: Command): Promise<number> {
  const options = command.opts();
  if (options.json === true && options.csv === true) throw new UsageError("Choose one of --json and --csv.", { field: "--json" });
  const format: Format = options.csv ? "csv" : spec.human && options.json !== true ? "table" : "json";
  const ctx = new CommandContext(io, parent.global, format, { raw: options.raw === true, argv: parent.argv });
  try {
    const session = await ctx.session(vendor);
    const positional = command.args.map(String);
    const result = await spec.run(session, positional, options, ctx);
    if (result === undefined) return ExitCode.ok;
    if (format === "csv") {
      const rows = tableOf(result);
      if (!rows) throw new UsageError(`${spec.name} does not return a list; use the JSON output.`, { field: "--csv" });
      ctx.out.csv(columnsOf(rows), rows);
    } else ctx.out.json(result);
    if (isObject(result) && result.taken === false) {
      throw new PartialFailure("The write was sent but reading back shows it did not take effect (see the readBack field).");
    }
    return ExitCode.ok;
  } finally {
    await ctx.close();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The records of a list result: the array itself, or the first array field of an object. */
export function tableOf(result: unknown): Record<string, unknown>[] | null {
  const list = Array.isArray(result) ? result : isObject(result) ? Object.values(result).find(Array.isArray) : null;
  if (!list) return null;
  return list.map((item) => (isObject(item) ? flatten(item) : { value: item }));
}

/** Nested objects become dotted columns; arrays become JSON; raw bodies are left out. */
export function flatten(record: Record<string, unknown>, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    if (key === "raw") continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(value) && !(value instanceof Date)) flatten(value, name, out);
    else out[name] = value;
  }
  return out;
}

export function columnsOf(rows: readonly Record<string, unknown>[]): Column<Record<string, unknown>>[] {
  const keys: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => ({ header: key, value: (row) => row[key] ?? null }));
}

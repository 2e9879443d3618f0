import type { Command } from "commander";
import { UsageError } from "../errors.js";

function count(flag: string, min: number, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new UsageError(`${flag} expects a ${integer ? "whole " : ""}number of ${min} or more, got ${JSON.stringify(value)}.`, {
        field: flag,
      });
    return n;
  };
}

/** The `serve` command's declaration (kept beside it; program.ts only registers it). Loads no service code. */
export function declareServe(program: Command): Command {
  return program
    .command("serve")
    .description("the always-on service: collect every system into SQLite (or PostgreSQL) and serve the HTTP API (docs/service.md)")
    .option("--port <n>", "port", count("--port", 0, true), 8787)
    .option("--host <address>", "address to listen on (beyond 127.0.0.1 needs OPENPOWER_SERVICE_TOKEN)", "127.0.0.1")
    .option("--demo", "collect from the built-in simulators on an accelerated clock")
    .option("--speed <factor>", "with --demo: simulated seconds per real second", count("--speed", 0.001, false), 60)
    .option("--seed <n>", "with --demo: random seed", count("--seed", 1, true), 1)
    .option("--db <file>", "database file (default: openpower.db in the data directory)")
    .option(
      "--storage-url <url>",
      "storage.url: postgres://user:password@host/db for PostgreSQL (or OPENPOWER_STORAGE_URL; docs/service.md)",
    )
    .option("--worker", "one of N workers sharing the systems through storage.url (PostgreSQL leases and budgets; docs/fleet.md)")
    .option("--retention-days <n>", "keep raw samples this many days, then 30-minute averages", count("--retention-days", 1, true), 30)
    .option("--log-format <format>", "text, or json for one object a line", "text")
    .option("--automation <mode>", "battery automation: off, advise (default; or OPENPOWER_AUTOMATION_MODE) or control")
    .option("--reserve-soc <fraction>", "automation: never plan below this state of charge (0..1)", Number, 0.2)
    .option("--daily-write-budget <n>", "automation: battery writes per system and local day", count("--daily-write-budget", 0, true), 6)
    .option("--mqtt <url>", "publish to this MQTT broker for Home Assistant (else [mqtt] url / OPENPOWER_MQTT_URL)")
    .addHelpText(
      "after",
      "\nWrites (POST) need OPENPOWER_SERVICE_TOKEN as Authorization: Bearer; so does any address other than 127.0.0.1.\n\nExamples:\n  $ openpower serve --demo\n  $ openpower serve --demo --mqtt mqtt://127.0.0.1:1883\n  $ OPENPOWER_SERVICE_TOKEN=... openpower serve --host 0.0.0.0 --port 8787 --log-format json",
    );
}

import { readFileSync } from "node:fs";
import type { WeeklyScheduleInput } from "../../../alphaess/index.js";
import { UsageError } from "../../errors.js";
import { boolArg, numberArg, levelArg, windowArg } from "../common.js";
import type { VendorCommand } from "../types.js";
import { client, day, plainWrite, serialFor, serialOption, write, writeOptions } from "./session.js";

/** The `openpower alphaess` commands: one client method each. */
export const COMMANDS: readonly VendorCommand[] = [
  {
    name: "list-systems",
    method: "listSystems",
    description: "systems bound to the AppID (getEssList)",
    tabular: true,
    run: (s) => client(s).listSystems(),
  },
  {
    name: "get-realtime-power-usage",
    method: "getRealtimePowerUsage",
    description: "the latest power flow, W (getLastPowerData): grid + import, battery + discharge",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getRealtimePowerUsage(await serialFor(s, o)),
  },
  {
    name: "get-system-summary",
    method: "getSystemSummary",
    description: "lifetime and today's energy and income (getSumDataForCustomer)",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getSystemSummary(await serialFor(s, o)),
  },
  {
    name: "get-historical-power-usage",
    method: "getHistoricalPowerUsage",
    description: "one local day's 5-minute power samples (getOneDayPowerBySn)",
    args: [{ name: "date", description: "local day YYYY-MM-DD, today or yesterday" }],
    options: [serialOption],
    run: async (s, a, o) => client(s).getHistoricalPowerUsage(day(s, a[0]!), await serialFor(s, o)),
  },
  {
    name: "get-historical-energy-usage",
    method: "getHistoricalEnergyUsage",
    description: "one local day's energy totals, kWh (getOneDateEnergyBySn)",
    args: [{ name: "date", description: "local day YYYY-MM-DD, today or yesterday" }],
    options: [serialOption],
    run: async (s, a, o) => client(s).getHistoricalEnergyUsage(day(s, a[0]!), await serialFor(s, o)),
  },
  {
    name: "get-charging-settings",
    method: "getChargingSettings",
    description: "grid-charge settings (getChargeConfigInfo): stop level 0..1, periods",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getChargingSettings(await serialFor(s, o)),
  },
  {
    name: "set-charging-settings",
    method: "setChargingSettings",
    description: "change grid-charge settings (updateChargeConfigInfo); unspecified fields keep their current value",
    write: true,
    options: [
      serialOption,
      { flags: "--stop-level <level>", description: "stop charging at this level, e.g. 90% or 0.9" },
      { flags: "--use-grid <on|off>", description: "charge from the grid inside the periods" },
      { flags: "--first-period <window>", description: "e.g. 01:00-05:00 (00:00-00:00 disables)" },
      { flags: "--second-period <window>", description: "e.g. 13:00-15:00" },
      ...writeOptions,
    ],
    examples: ["openpower alphaess set-charging-settings --stop-level 90% --use-grid on --first-period 01:00-05:00 --dry-run"],
    run: async (s, _a, o, ctx) => {
      const sn = await serialFor(s, o);
      const input: Record<string, unknown> = {};
      if (o.stopLevel !== undefined) input.stopLevel = levelArg(o.stopLevel, "--stop-level");
      if (o.useGrid !== undefined) input.useGrid = boolArg(o.useGrid, "--use-grid");
      if (o.firstPeriod !== undefined) input.firstPeriod = windowArg(o.firstPeriod, "--first-period");
      if (o.secondPeriod !== undefined) input.secondPeriod = windowArg(o.secondPeriod, "--second-period");
      if (Object.keys(input).length === 0)
        throw new UsageError("Nothing to change: pass at least one of --stop-level, --use-grid, --first-period, --second-period.", {
          field: "--stop-level",
        });
      return write(ctx, s, "updateChargeConfigInfo", sn, o, "Change the grid-charge settings", input, (opts) =>
        client(s).setChargingSettings(input, opts),
      );
    },
  },
  {
    name: "get-discharging-settings",
    method: "getDischargingSettings",
    description: "discharge settings (getDisChargeConfigInfo): stop level 0..1, time control, periods",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getDischargingSettings(await serialFor(s, o)),
  },
  {
    name: "set-discharging-settings",
    method: "setDischargingSettings",
    description: "change discharge settings (updateDisChargeConfigInfo); unspecified fields keep their current value",
    write: true,
    options: [
      serialOption,
      { flags: "--stop-level <level>", description: "stop discharging at this level, e.g. 20% or 0.2" },
      { flags: "--time-control <on|off>", description: "discharge only inside the periods" },
      { flags: "--first-period <window>", description: "e.g. 17:00-21:00" },
      { flags: "--second-period <window>", description: "e.g. 06:00-08:00" },
      ...writeOptions,
    ],
    examples: ["openpower alphaess set-discharging-settings --time-control on --first-period 17:00-21:00 --stop-level 20% --yes"],
    run: async (s, _a, o, ctx) => {
      const sn = await serialFor(s, o);
      const input: Record<string, unknown> = {};
      if (o.stopLevel !== undefined) input.stopLevel = levelArg(o.stopLevel, "--stop-level");
      if (o.timeControl !== undefined) input.enableTimeControl = boolArg(o.timeControl, "--time-control");
      if (o.firstPeriod !== undefined) input.firstPeriod = windowArg(o.firstPeriod, "--first-period");
      if (o.secondPeriod !== undefined) input.secondPeriod = windowArg(o.secondPeriod, "--second-period");
      if (Object.keys(input).length === 0)
        throw new UsageError("Nothing to change: pass at least one of --stop-level, --time-control, --first-period, --second-period.", {
          field: "--stop-level",
        });
      return write(ctx, s, "updateDisChargeConfigInfo", sn, o, "Change the discharge settings", input, (opts) =>
        client(s).setDischargingSettings(input, opts),
      );
    },
  },
  {
    name: "get-weekly-schedule",
    method: "getWeeklySchedule",
    description: "the periodic (daily or weekly) charge/discharge schedule (getTimeChargeBySn)",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getWeeklySchedule(await serialFor(s, o)),
  },
  {
    name: "set-weekly-schedule",
    method: "setWeeklySchedule",
    description: "replace the periodic schedule (setTimeChargeBySn) from a JSON file (WeeklyScheduleInput)",
    write: true,
    options: [
      serialOption,
      { flags: "--file <path>", description: 'JSON: {"cycle":"daily","charge":[{"start":"01:00","end":"05:00"}],"discharge":[]}' },
      ...writeOptions,
    ],
    examples: ["openpower alphaess set-weekly-schedule --file schedule.json --dry-run"],
    run: async (s, _a, o, ctx) => {
      if (typeof o.file !== "string") throw new UsageError("set-weekly-schedule needs --file <schedule.json>.", { field: "--file" });
      let input: WeeklyScheduleInput;
      try {
        input = JSON.parse(readFileSync(o.file, "utf8")) as WeeklyScheduleInput;
      } catch (error) {
        throw new UsageError(`Cannot read ${o.file} as JSON: ${(error as Error).message}.`, { field: "--file" });
      }
      const sn = await serialFor(s, o);
      return write(ctx, s, "setTimeChargeBySn", sn, o, "Replace the weekly schedule", input, (opts) =>
        client(s).setWeeklySchedule(input, opts),
      );
    },
  },
  {
    name: "get-ev-charger-list",
    method: "getEvChargerList",
    description: "EV chargers of a system (getEvChargerConfigList)",
    tabular: true,
    options: [serialOption],
    run: async (s, _a, o) => client(s).getEvChargerList(await serialFor(s, o)),
  },
  {
    name: "get-ev-charger-current-draw-settings",
    method: "getEvChargerCurrentDrawSettings",
    description: "the household current limit the chargers share, A (getEvChargerCurrentsBySn)",
    options: [serialOption],
    run: async (s, _a, o) => client(s).getEvChargerCurrentDrawSettings(await serialFor(s, o)),
  },
  {
    name: "set-ev-charger-current-draw-settings",
    method: "setEvChargerCurrentDrawSettings",
    description: "set the household current limit, A (setEvChargerCurrentsBySn)",
    write: true,
    args: [{ name: "amps", description: "current limit, A (6 to 100)" }],
    options: [serialOption, ...writeOptions],
    run: async (s, a, o, ctx) => {
      // The range is the client's (6–100 A), the same for `openpower ev limit`.
      const amps = numberArg(a[0], "amps");
      const sn = await serialFor(s, o);
      return write(ctx, s, "setEvChargerCurrentsBySn", sn, o, `Set the EV current limit to ${amps} A`, { amps }, (opts) =>
        client(s).setEvChargerCurrentDrawSettings(amps, opts),
      );
    },
  },
  {
    name: "get-ev-charger-status",
    method: "getEvChargerStatus",
    description: "one charger's state (getEvChargerStatusBySn)",
    args: [{ name: "charger", description: "charger serial number" }],
    options: [serialOption],
    run: async (s, a, o) => client(s).getEvChargerStatus(a[0]!, await serialFor(s, o)),
  },
  {
    name: "control-ev-charger",
    method: "controlEvCharger",
    description: "start or stop charging (remoteControlEvCharger)",
    write: true,
    args: [
      { name: "charger", description: "charger serial number" },
      { name: "action", description: "start | stop" },
    ],
    options: [serialOption, ...writeOptions],
    run: async (s, a, o, ctx) => {
      const action = a[1];
      if (action !== "start" && action !== "stop")
        throw new UsageError(`action must be start or stop, got ${JSON.stringify(action)}.`, { field: "action" });
      const sn = await serialFor(s, o);
      return write(
        ctx,
        s,
        "remoteControlEvCharger",
        sn,
        o,
        `${action === "start" ? "Start" : "Stop"} charging on EV charger ${a[0]}`,
        { charger: a[0], action },
        (opts) => client(s).controlEvCharger(a[0]!, action === "start", opts),
      );
    },
  },
  {
    name: "get-verification-code",
    method: "getVerificationCode",
    description: "ask AlphaESS to e-mail a binding code to the system's owner (first step of binding)",
    write: true,
    args: [{ name: "checkCode", description: "the check code on the device label" }],
    options: [serialOption, ...writeOptions.slice(0, 2)],
    run: async (s, a, o, ctx) => {
      const sn = await serialFor(s, o);
      return plainWrite(ctx, sn, o, "E-mail a verification code to the owner", "getVerificationCode", () =>
        client(s).getVerificationCode(a[0]!, sn),
      );
    },
  },
  {
    name: "bind-system",
    method: "bindSystem",
    description: "bind a system to the AppID with the e-mailed code (bindSn)",
    write: true,
    args: [{ name: "verificationCode", description: "the code the owner received" }],
    options: [serialOption, ...writeOptions.slice(0, 2)],
    run: async (s, a, o, ctx) => {
      const sn = await serialFor(s, o);
      return plainWrite(ctx, sn, o, "Bind the system to this AppID", "bindSn", () => client(s).bindSystem(a[0]!, sn));
    },
  },
  {
    name: "unbind-system",
    method: "unbindSystem",
    description: "unbind a system from the AppID (unBindSn)",
    write: true,
    options: [serialOption, ...writeOptions.slice(0, 2)],
    run: async (s, _a, o, ctx) => {
      const sn = await serialFor(s, o);
      return plainWrite(ctx, sn, o, "Unbind the system from this AppID", "unBindSn", () => client(s).unbindSystem(sn));
    },
  },
  {
    name: "rate-limit-state",
    method: "rateLimitState",
    description: "the client's pacing state (no request)",
    run: async (s) => client(s).rateLimitState(),
  },
];

import type { EcoModeGroupInput, EmsMode, OperationMode } from "../../../goodwe/index.js";
import { performWrite, writeResult } from "../../commands/write-flow.js";
import { UsageError } from "../../errors.js";
import { parseDay } from "../../day.js";
import { systemTimeZone } from "../../../core/time/zoned.js";
import { intArg, levelArg, numberArg, windowArg } from "../common.js";
import type { VendorCommand } from "../types.js";
import { clients, controlWrite, inverter, OPERATION_MODES, sems, writeOptions } from "./session.js";

/** The `openpower goodwe` commands: one client method each. */
export const COMMANDS: readonly VendorCommand[] = [
  {
    name: "device-info",
    method: "readDeviceInfo",
    description: "model, serial, firmware, rated power",
    run: (s) => inverter(s).readDeviceInfo(),
  },
  {
    name: "runtime-data",
    method: "readRuntimeData",
    description: "every runtime sensor, decoded with units",
    run: (s) => inverter(s).readRuntimeData(),
  },
  {
    name: "power-flow",
    method: "readPowerFlow",
    description: "the unified power flow, W (grid + import, battery + discharge)",
    run: (s) => inverter(s).readPowerFlow(),
  },
  { name: "battery", method: "readBattery", description: "battery readings", run: (s) => inverter(s).readBattery() },
  { name: "meter", method: "readMeter", description: "meter readings", run: (s) => inverter(s).readMeter() },
  {
    name: "operation-mode",
    method: "getOperationMode",
    description: "the work mode",
    run: async (s) => ({ mode: await inverter(s).getOperationMode() }),
  },
  {
    name: "set-operation-mode",
    method: "setOperationMode",
    description: `set the work mode (${OPERATION_MODES.join(", ")})`,
    write: true,
    args: [{ name: "mode", description: OPERATION_MODES.join(" | ") }],
    options: [
      { flags: "--power <fraction>", description: "battery power for ecoCharge/ecoDischarge, e.g. 50% or 0.5" },
      { flags: "--soc <level>", description: "stop level for ecoCharge/ecoDischarge, e.g. 90%" },
      ...writeOptions,
    ],
    examples: ["openpower goodwe set-operation-mode ecoCharge --power 50% --soc 90% --dry-run"],
    run: (s, a, o, ctx) => {
      const mode = a[0] as OperationMode;
      if (!OPERATION_MODES.includes(mode))
        throw new UsageError(`mode must be one of ${OPERATION_MODES.join(", ")}, got ${JSON.stringify(a[0])}.`, { field: "mode" });
      const params: { power?: number; soc?: number } = {};
      if (o.power !== undefined) params.power = levelArg(o.power, "--power");
      if (o.soc !== undefined) params.soc = levelArg(o.soc, "--soc");
      return controlWrite(ctx, s, "setOperationMode", o, `Set the work mode to ${mode}`, { mode, ...params }, (opts) =>
        inverter(s).setOperationMode(mode, { ...params, ...opts }),
      );
    },
  },
  {
    name: "eco-mode-groups",
    method: "readEcoModeGroups",
    description: "the four eco-mode schedule groups",
    run: (s) => inverter(s).readEcoModeGroups(),
  },
  {
    name: "set-eco-mode-group",
    method: "setEcoModeGroup",
    description: "write one eco-mode group (1..4): window, days, power (−1..1: − charge, + discharge), stop level",
    write: true,
    args: [{ name: "index", description: "group 1..4" }],
    options: [
      { flags: "--window <window>", description: "e.g. 01:00-05:00" },
      { flags: "--power <fraction>", description: "−1..1 of the rating: negative charges, positive discharges (e.g. -0.5)" },
      { flags: "--soc <level>", description: "stop level, e.g. 90% (V2 firmware)" },
      { flags: "--days <names>", description: "weekdays, e.g. mon,tue,wed (default every day)" },
      { flags: "--activate", description: "also switch the work mode to eco" },
      ...writeOptions,
    ],
    examples: ["openpower goodwe set-eco-mode-group 1 --window 01:00-05:00 --power -1 --soc 90% --dry-run"],
    run: (s, a, o, ctx) => {
      const index = intArg(a[0], "index", 1, 4);
      if (o.window === undefined || o.power === undefined)
        throw new UsageError("set-eco-mode-group needs --window and --power.", { field: "--window" });
      const w = windowArg(o.window, "--window");
      const group: EcoModeGroupInput = { start: w.start, end: w.end, power: numberArg(o.power, "--power") };
      if (o.soc !== undefined) group.soc = levelArg(o.soc, "--soc");
      if (typeof o.days === "string")
        group.days = o.days.split(",").map((d) => d.trim().toLowerCase()) as EcoModeGroupInput["days"] & string[];
      return controlWrite(
        ctx,
        s,
        "setEcoModeGroup",
        o,
        `Write eco-mode group ${index}`,
        { index, group, activate: o.activate === true },
        (opts) => inverter(s).setEcoModeGroup(index, group, { ...opts, activate: o.activate === true }),
      );
    },
  },
  {
    name: "clear-eco-mode-group",
    method: "clearEcoModeGroup",
    description: "disable one eco-mode group (1..4)",
    write: true,
    args: [{ name: "index", description: "group 1..4" }],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const index = intArg(a[0], "index", 1, 4);
      return controlWrite(ctx, s, "clearEcoModeGroup", o, `Clear eco-mode group ${index}`, { index }, (opts) =>
        inverter(s).clearEcoModeGroup(index, opts),
      );
    },
  },
  { name: "ems-mode", method: "getEmsMode", description: "the EMS mode and its power, W", run: (s) => inverter(s).getEmsMode() },
  {
    name: "set-ems-mode",
    method: "setEmsMode",
    description: "set the EMS mode and its power, W",
    write: true,
    args: [
      { name: "mode", description: "auto | chargePv | dischargePv | ... (see ems-mode)" },
      { name: "powerW", description: "power, W" },
    ],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const powerW = numberArg(a[1], "powerW");
      return controlWrite(ctx, s, "setEmsMode", o, `Set the EMS mode to ${a[0]} at ${powerW} W`, { mode: a[0], powerW }, (opts) =>
        inverter(s).setEmsMode(a[0] as EmsMode, powerW, opts),
      );
    },
  },
  {
    name: "export-limit",
    method: "getGridExportLimit",
    description: "the grid export limit, W",
    run: async (s) => ({ exportLimitW: await inverter(s).getGridExportLimit() }),
  },
  {
    name: "set-export-limit",
    method: "setGridExportLimit",
    description: "set the grid export limit, W",
    write: true,
    args: [{ name: "watts", description: "limit, W" }],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const watts = intArg(a[0], "watts", 0, 1_000_000);
      return controlWrite(ctx, s, "setGridExportLimit", o, `Set the export limit to ${watts} W`, { watts }, (opts) =>
        inverter(s).setGridExportLimit(watts, opts),
      );
    },
  },
  {
    name: "battery-dod",
    method: "getOngridBatteryDod",
    description: "on-grid depth of discharge, fraction 0..1",
    run: async (s) => ({ dod: await inverter(s).getOngridBatteryDod() }),
  },
  {
    name: "set-battery-dod",
    method: "setOngridBatteryDod",
    description: "set the on-grid depth of discharge (e.g. 90% lets the battery go down to 10 %)",
    write: true,
    args: [{ name: "dod", description: "e.g. 90% or 0.9" }],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const dod = levelArg(a[0], "dod");
      return controlWrite(ctx, s, "setOngridBatteryDod", o, `Set the depth of discharge to ${Math.round(dod * 100)} %`, { dod }, (opts) =>
        inverter(s).setOngridBatteryDod(dod, opts),
      );
    },
  },
  { name: "settings", method: "readSettings", description: "ES-family settings", run: (s) => inverter(s).readSettings() },
  { name: "inverter-time", method: "readInverterTime", description: "the inverter's clock", run: (s) => inverter(s).readInverterTime() },
  {
    name: "sync-clock",
    method: "syncClock",
    description: "set the inverter's clock to now",
    write: true,
    options: [...writeOptions],
    run: (s, _a, o, ctx) => controlWrite(ctx, s, "syncClock", o, "Set the inverter clock", {}, (opts) => inverter(s).syncClock(opts)),
  },
  {
    name: "supports-peak-shaving",
    method: "supportsPeakShaving",
    description: "whether the firmware supports peak shaving",
    run: async (s) => ({ supported: await inverter(s).supportsPeakShaving() }),
  },
  {
    name: "read-registers",
    method: "readRegisters",
    description: "raw holding registers (16-bit values)",
    args: [
      { name: "register", description: "first register, e.g. 47000" },
      { name: "count", description: "how many" },
    ],
    run: async (s, a) => {
      const register = intArg(a[0], "register", 0, 0xffff);
      const values = await inverter(s).readRegisters(register, intArg(a[1], "count", 1, 125));
      return { register, values };
    },
  },
  {
    name: "write-registers",
    method: "writeRegisters",
    description: "raw register write (16-bit values): for experts",
    write: true,
    args: [
      { name: "register", description: "first register" },
      { name: "values", description: "16-bit values", variadic: true },
    ],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const register = intArg(a[0], "register", 0, 0xffff);
      const values = a.slice(1).map((v, i) => intArg(v, `value ${i + 1}`, 0, 0xffff));
      return controlWrite(
        ctx,
        s,
        "writeRegisters",
        o,
        `Write registers ${register}.. (${values.join(", ")})`,
        { register, values },
        (opts) => inverter(s).writeRegisters(register, values, opts),
      );
    },
  },
  {
    name: "discover",
    method: "discover",
    description: "find GoodWe dongles on the local network (UDP broadcast; no config needed)",
    tabular: true,
    options: [
      { flags: "--address <ip>", description: "probe one address instead of broadcasting" },
      { flags: "--timeout <ms>", description: "how long to listen, ms (default 2000)" },
    ],
    run: async (_s, _a, o) => {
      const { discover } = await import("../../../goodwe/index.js");
      return discover({
        address: o.address as string | undefined,
        timeoutMs: o.timeout === undefined ? undefined : intArg(o.timeout, "--timeout", 1, 60_000),
      });
    },
  },
  {
    name: "sems-station-id",
    method: "getPowerStationIdByOwner",
    description: "the SEMS account's power station id",
    run: async (s) => ({ powerStationId: await sems(s).getPowerStationIdByOwner() }),
  },
  {
    name: "sems-monitor-detail",
    method: "getMonitorDetailByPowerstationId",
    description: "SEMS monitor detail of the station (power flow, statistics, inverters)",
    args: [{ name: "station", description: "power station id (default: configured or the account's)", optional: true }],
    run: async (s, a) => sems(s).getMonitorDetailByPowerstationId(a[0] ?? (await clients(s).semsStation())),
  },
  {
    name: "sems-power-chart",
    method: "getPlantPowerChart",
    description: "SEMS day chart of the station (5-minute lines)",
    args: [
      { name: "date", description: "local day YYYY-MM-DD, today or yesterday" },
      { name: "station", description: "power station id", optional: true },
    ],
    run: async (s, a) =>
      sems(s).getPlantPowerChart(
        a[1] ?? (await clients(s).semsStation()),
        parseDay(a[0]!, "<date>", s.timeZone ?? systemTimeZone(), s.now()),
      ),
  },
  {
    name: "sems-remote-control",
    method: "saveRemoteControlInverter",
    description: "start or stop the inverter through SEMS (experimental)",
    write: true,
    args: [
      { name: "serial", description: "inverter serial number" },
      { name: "action", description: "start | stop" },
    ],
    options: [...writeOptions.slice(0, 2)],
    run: (s, a, o, ctx) => {
      const action = a[1];
      if (action !== "start" && action !== "stop")
        throw new UsageError(`action must be start or stop, got ${JSON.stringify(action)}.`, { field: "action" });
      return performWrite(ctx, {
        vendor: "goodwe",
        device: a[0]!,
        description: `${action === "start" ? "Start" : "Stop"} inverter ${a[0]} through SEMS`,
        target: "saveRemoteControlInverter",
        request: { serial: a[0], action },
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        send: (dryRun) => sems(s).saveRemoteControlInverter(a[0]!, action, { dryRun }),
        outcome: (r) =>
          writeResult({
            target: "saveRemoteControlInverter",
            sent: r.sent,
            taken: null,
            before: null,
            after: r.payload,
            readBack: null,
          }),
      });
    },
  },
];

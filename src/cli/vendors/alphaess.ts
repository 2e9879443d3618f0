import { readFileSync } from "node:fs";
import type { AlphaESS, AlphaEssWriteEndpoint, AlphaEssWriteResult, WeeklyScheduleInput } from "../../alphaess/index.js";
import { VENDOR_SETTINGS } from "../config/vendor-settings.js";
import { assertAuditedCooldown, performWrite } from "../commands/write-flow.js";
import type { CommandHost } from "../host.js";
import { UsageError } from "../errors.js";
import { parseDay } from "../day.js";
import { systemTimeZone } from "../../core/time/zoned.js";
import {
  boolArg,
  budgetIntervalMs,
  numberArg,
  levelArg,
  memo,
  optionalList,
  optionalNumber,
  optionalString,
  required,
  windowArg,
} from "./common.js";
import type { EvChargerInfo, EvControl, EvWriteOutcome, VendorCommand, VendorPlugin, VendorSession } from "./types.js";

const SETTINGS = VENDOR_SETTINGS.alphaess;

const HELP = "Get the AppID and AppSecret at https://open.alphaess.com (Developer Information).";
const DEFAULT_MIN_INTERVAL_MS = 1250;

interface AlphaSession extends VendorSession {
  readonly client: AlphaESS;
  serials(): Promise<string[]>;
}

async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<AlphaSession> {
  const appId = required(section, SETTINGS, "alphaess", "appId", HELP);
  const appSecret = required(section, SETTINGS, "alphaess", "appSecret", HELP);
  const minIntervalMs = optionalNumber(section, "minIntervalMs");
  const writeCooldownMs = optionalNumber(section, "writeCooldownMs");
  const { AlphaESS } = await import("../../alphaess/index.js");
  const client = new AlphaESS({
    appId,
    appSecret,
    timeZone: optionalString(section, "timeZone"),
    baseUrl: optionalString(section, "baseUrl"),
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    ...(minIntervalMs === undefined ? {} : { pacing: { minIntervalMs } }),
    ...(writeCooldownMs === undefined ? {} : { writeCooldownMs }),
  });
  const configured = optionalList(section, "serial");
  const serials = memo(async () => (configured.length > 0 ? configured : (await client.listSystems()).map((s) => s.serialNumber)));
  const systems = memo(async () => (await serials()).map((sn) => client.system(sn)));
  const interval = minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  // Chargers do not move between systems: list each system's chargers once per session, so that
  // `ev start` (status check, then the write) does not list them again for every step.
  const chargerLists = new Map<string, () => ReturnType<AlphaESS["getEvChargerList"]>>();
  const chargersOf = (sn: string) => {
    let list = chargerLists.get(sn);
    if (!list) chargerLists.set(sn, (list = memo(() => client.getEvChargerList({ serialNumber: sn }))));
    return list();
  };

  async function systemOf(chargerSn: string): Promise<string> {
    for (const sn of await serials()) {
      if ((await chargersOf(sn)).some((c) => c.serialNumber === chargerSn)) return sn;
    }
    const { NotFoundError } = await import("../../core/errors/index.js");
    throw new NotFoundError(`No AlphaESS system of this AppID has an EV charger ${chargerSn}. "openpower ev list" shows the chargers.`, {
      vendor: "alphaess",
    });
  }

  const ev: EvControl = {
    async list() {
      const out: EvChargerInfo[] = [];
      for (const sn of await serials()) {
        const chargers = await chargersOf(sn);
        if (chargers.length === 0) continue;
        const currents = await client.getEvChargerCurrentDrawSettings({ serialNumber: sn });
        for (const charger of chargers) {
          const status = await client.getEvChargerStatus(charger.serialNumber, { serialNumber: sn });
          out.push({
            vendor: "alphaess",
            id: charger.serialNumber,
            system: sn,
            model: charger.model,
            status: status.state,
            currentLimitA: currents.currentLimitA,
            raw: { charger: charger.raw, status: status.raw },
          });
        }
      }
      return out;
    },
    async status(id) {
      const sn = await systemOf(id);
      const status = await client.getEvChargerStatus(id, { serialNumber: sn });
      const currents = await client.getEvChargerCurrentDrawSettings({ serialNumber: sn });
      const model = (await chargersOf(sn)).find((c) => c.serialNumber === id)?.model ?? null;
      return {
        vendor: "alphaess",
        id,
        system: sn,
        model,
        status: status.state,
        currentLimitA: currents.currentLimitA,
        raw: { status: status.raw, currents: currents.raw },
      };
    },
    async start(id, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.controlEvCharger(id, true, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    async stop(id, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.controlEvCharger(id, false, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    async limit(id, amps, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.setEvChargerCurrentDrawSettings(amps, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    // The client's cool-down is per system and endpoint (the current limit is the system's).
    writeTarget: async (id, action) => ({
      device: await systemOf(id),
      endpoint: action === "limit" ? "setEvChargerCurrentsBySn" : "remoteControlEvCharger",
    }),
  };

  return {
    vendor: "alphaess",
    client,
    timeZone: client.timeZone,
    now: () => client.clock.now(),
    serials,
    systems,
    refreshIntervalMs(count) {
      // One getLastPowerData per system per refresh; the endpoint is paced account-wide.
      const paced = count * interval;
      const state = client.rateLimitState();
      return Math.max(10_000, paced, budgetIntervalMs(state.account, count, client.clock.now()));
    },
    writeCooldownMs: (endpoint) => client.writeCooldownMs(endpoint.replace(/^[A-Z]+\s+/, "") as AlphaEssWriteEndpoint),
    budgetNote() {
      const s = client.rateLimitState().account;
      return `alphaess: ${interval} ms between calls to one endpoint${s.limit ? `, ${s.remaining ?? "?"}/${s.limit} left` : ""}`;
    },
    ev,
    async close() {},
  };
}

function evOutcome(result: AlphaEssWriteResult<unknown>): EvWriteOutcome {
  return {
    target: result.endpoint,
    sent: result.sent,
    taken: result.taken,
    before: result.before,
    after: result.requested,
    readBack: result.readBack,
  };
}

// -------------------------------------------------------------------------------- command group

const serialOption = {
  flags: "--serial <sn>",
  description: "system serial number (default: the only configured or bound system)",
} as const;
const writeOptions = [
  { flags: "-y, --yes", description: "do not ask for confirmation" },
  { flags: "--dry-run", description: "validate and print the payload; send nothing" },
  { flags: "--no-verify", description: "do not read back after writing" },
] as const;

async function serialFor(session: VendorSession, options: Record<string, unknown>): Promise<string> {
  if (typeof options.serial === "string") return options.serial;
  const serials = await (session as AlphaSession).serials();
  if (serials.length === 1) return serials[0]!;
  if (serials.length === 0)
    throw new UsageError("No AlphaESS system is bound to this AppID: bind one (bind-system) or pass --serial.", { field: "--serial" });
  throw new UsageError(`Several AlphaESS systems (${serials.join(", ")}): pass --serial <sn>.`, { field: "--serial" });
}

/** A date argument: YYYY-MM-DD, today or yesterday in the systems' zone. */
function day(session: VendorSession, text: string): string {
  return parseDay(text, "<date>", session.timeZone ?? systemTimeZone(), session.now());
}

function client(session: VendorSession): AlphaESS {
  return session.client as AlphaESS;
}

/** A write through the client: confirm, send (dry-run and verify as asked), audit. */
async function write<T>(
  ctx: CommandHost,
  session: VendorSession,
  endpoint: AlphaEssWriteEndpoint,
  sn: string,
  options: Record<string, unknown>,
  description: string,
  request: unknown,
  send: (opts: { serialNumber: string; dryRun: boolean; verify: boolean }) => Promise<AlphaEssWriteResult<T>>,
): Promise<AlphaEssWriteResult<T>> {
  // Before the preview and the question: an earlier run's write is only known from the audit log.
  if (options.dryRun !== true)
    assertAuditedCooldown(ctx, { vendor: "alphaess", device: sn, endpoint, cooldownMs: client(session).writeCooldownMs(endpoint) });
  return performWrite(ctx, {
    vendor: "alphaess",
    device: sn,
    description: `${description} on AlphaESS system ${sn}`,
    target: endpoint,
    request,
    dryRun: options.dryRun === true,
    yes: options.yes === true,
    send: (dryRun) => send({ serialNumber: sn, dryRun, verify: options.verify !== false && !dryRun }),
    outcome: (r) => ({ target: r.endpoint, sent: r.sent, taken: r.taken, before: r.before, after: r.requested, readBack: r.readBack }),
  });
}

/** A write without dry-run or read-back support in the client (binding): confirm, send, audit. */
async function plainWrite<T>(
  ctx: CommandHost,
  sn: string,
  options: Record<string, unknown>,
  description: string,
  target: string,
  send: () => Promise<T>,
): Promise<T | { dryRun: true; wouldCall: string; serialNumber: string }> {
  if (options.dryRun === true) return { dryRun: true, wouldCall: target, serialNumber: sn };
  return performWrite(ctx, {
    vendor: "alphaess",
    device: sn,
    description: `${description} for AlphaESS system ${sn}`,
    target,
    request: { target },
    dryRun: false,
    yes: options.yes === true,
    // The client has no dry run for binding: the question shows what is asked, not a diff.
    preview: false,
    send: () => send(),
    outcome: (r) => ({ target, sent: true, taken: null, before: null, after: null, readBack: r }),
  });
}

const COMMANDS: readonly VendorCommand[] = [
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

export const plugin: VendorPlugin = {
  name: "alphaess",
  title: "AlphaESS",
  settings: SETTINGS,
  provides: { systems: true, batterySchedule: true, ev: true, prices: false },
  isConfigured: (section) => section !== undefined && (section.appId !== undefined || section.appSecret !== undefined),
  connect,
  async check(session) {
    const systems = await (session.client as AlphaESS).listSystems();
    // Every configured serial must be one of the AppID's systems (the default is all of them).
    const bound = new Set(systems.map((s) => s.serialNumber));
    const missing = (await (session as AlphaSession).serials()).filter((sn) => !bound.has(sn));
    if (missing.length > 0) {
      const { NotFoundError } = await import("../../core/errors/index.js");
      throw new NotFoundError(
        `alphaess.serial ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not bound to this AppID (bound: ${[...bound].join(", ") || "none"}). Fix alphaess.serial, or bind the system with "openpower alphaess bind-system".`,
        { vendor: "alphaess" },
      );
    }
    return systems.length === 0
      ? "credentials accepted; no system is bound to this AppID yet (bind one with openpower alphaess bind-system)"
      : `credentials accepted; ${systems.length} system${systems.length === 1 ? "" : "s"}: ${systems.map((s) => s.serialNumber).join(", ")}`;
  },
  async startSimulator(options) {
    const { startAlphaEssSimulator } = await import("../../sim/alphaess/index.js");
    // A client in another process signs with the wall clock while an accelerated simulator's
    // clock runs ahead: accept any timestamp so `openpower sim` stays usable at any speed.
    const sim = await startAlphaEssSimulator({
      clock: options.clock,
      seed: options.seed,
      port: options.port,
      signatureWindowS: 10 * 365 * 86_400,
    });
    return {
      vendor: "alphaess",
      section: { appId: sim.credentials.appId, appSecret: sim.credentials.appSecret, baseUrl: sim.url, timeZone: "Australia/Sydney" },
      info: `AlphaESS Open API on ${sim.url}: systems ${sim.systems.join(", ")}`,
      close: () => sim.close(),
      handle: sim,
    };
  },
  commands: () => COMMANDS,
};

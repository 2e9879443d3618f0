import { applyOk } from "../model/helpers.js";
import { OpenPowerError, ResponseFormatError, ValidationError } from "../core/errors/index.js";
import { isDisabledWindow, parseTimeOfDay, windowsOverlap } from "../core/time/schedule-grid.js";
import type {
  BatteryControlLimits,
  BatteryController,
  EnergyMeter,
  EvCharger,
  EvChargerInfo,
  EvChargerLimits,
  PowerHistory,
  PowerMeter,
  ReadOptions,
} from "../model/capabilities.js";
import type {
  ApplyOptions,
  ApplyResult,
  BatterySchedule,
  ControlPlan,
  EnergySystem,
  EnergyTotals,
  PlannedWrite,
  PowerFlow,
  WriteResult,
} from "../model/types.js";
import { fromBatterySchedule, toBatterySchedule, toEnergyTotals, toPowerFlow, toPowerHistory } from "./adapter.js";
import { chargeConfigFields, dischargeConfigFields } from "./bodies.js";
import type { AlphaESS } from "./client.js";
import { VENDOR } from "./envelope.js";
import type { AlphaEssWrite, ChargingSettings, DischargingSettings } from "./models.js";
import { parseChargingSettings, parseDischargingSettings, settingsOf } from "./parse.js";
import { asPlannedResult, configConstraints, plannedWrite, weeklyConstraints } from "./plans.js";
import {
  batteryControlLimits,
  fromWeeklySchedule,
  sameSchedule,
  toWeeklyInput,
  validateUnifiedSchedule,
  weeklyInputFromBody,
  type AlphaEssBackend,
} from "./schedule.js";
import { assertCurrentLimit, assertSerial, validateWeeklySchedule } from "./validate.js";
import { errorCodeOf, failedWriteSent } from "./write-outcome.js";

export { configConstraints };

export interface AlphaEssSystemOptions {
  /**
   * Which backend takes the battery schedule: "legacy" (default) writes the charge and discharge
   * configs; "weekly" writes the periodic schedule, the only write that takes effect on the
   * AU/NZ/UK cloud backend (2026). See docs/alphaess.md for how a unified plan maps onto each.
   */
  backend?: AlphaEssBackend;
}

/** The household current limit's range, A (no API bound is documented; see `assertCurrentLimit`). */
const EV_CURRENT = { minCurrentA: 6, maxCurrentA: 100 } as const;

/**
 * One AlphaESS system as a unified `EnergySystem` (obtain it with `client.system(sn)`). Every
 * AlphaESS system is a power meter, energy meter, power history, battery controller and EV
 * charger controller (the API serves chargers for every system; `listEvChargers` is `[]` when
 * none is fitted). The battery schedule goes to the backend chosen with `options.backend`.
 */
export class AlphaEssSystem implements EnergySystem, PowerMeter, EnergyMeter, PowerHistory, BatteryController, EvCharger {
  readonly vendor = "alphaess" as const;
  readonly id: string;
  readonly backend: AlphaEssBackend;
  readonly energyTotalsHistory = true;
  readonly historyStepMinutes = 5;
  readonly batteryControl: BatteryControlLimits;
  readonly evCharger: EvChargerLimits;

  constructor(
    private readonly client: AlphaESS,
    options: AlphaEssSystemOptions = {},
  ) {
    if (!client.serialNumber)
      throw new ValidationError("AlphaEssSystem needs a client scoped to a serial number (client.forDevice(sn)).", {
        vendor: VENDOR,
        field: "serialNumber",
      });
    this.id = client.serialNumber;
    const backend = options.backend ?? "legacy";
    if (backend !== "legacy" && backend !== "weekly")
      throw new ValidationError(`backend must be "legacy" or "weekly", got ${JSON.stringify(backend)}.`, {
        vendor: VENDOR,
        field: "backend",
      });
    this.backend = backend;
    const cooldownS = (endpoints: Parameters<AlphaESS["writeCooldownMs"]>[0][]) =>
      Math.ceil(Math.max(...endpoints.map((e) => client.writeCooldownMs(e))) / 1000);
    this.batteryControl = batteryControlLimits(
      backend,
      cooldownS(backend === "weekly" ? ["setTimeChargeBySn"] : ["updateChargeConfigInfo", "updateDisChargeConfigInfo"]),
    );
    this.evCharger = { ...EV_CURRENT, minWriteIntervalS: cooldownS(["setEvChargerCurrentsBySn", "remoteControlEvCharger"]) };
  }

  /** The client's time zone: the API does not report one, and local dates are counted in it. */
  get timeZone(): string {
    return this.client.timeZone;
  }

  async getPowerFlow(options: ReadOptions = {}): Promise<PowerFlow> {
    return toPowerFlow(await this.client.getRealtimePowerUsage({ signal: options.signal }));
  }

  /** Energy of one local day ("YYYY-MM-DD" in the client's time zone). */
  async getEnergyTotals(date: string, options: ReadOptions = {}): Promise<EnergyTotals> {
    return toEnergyTotals(await this.client.getHistoricalEnergyUsage(date, { signal: options.signal }));
  }

  /** The day's 5-minute samples, oldest first; battery power derived from the balance. */
  async getPowerHistory(date: string, options: ReadOptions = {}): Promise<PowerFlow[]> {
    return toPowerHistory(await this.client.getHistoricalPowerUsage(date, { signal: options.signal }));
  }

  async getBatterySchedule(options: ReadOptions = {}): Promise<BatterySchedule> {
    if (this.backend === "weekly") return fromWeeklySchedule(await this.client.getWeeklySchedule({ signal: options.signal }));
    const { charging, discharging } = await this.readConfigs(options);
    return toBatterySchedule(charging, discharging);
  }

  /**
   * Plans the writes that turn the current schedule into `desired`. The plan is validated once,
   * against this backend's limits, before anything is read: a plan the backend cannot do is refused
   * with a `ValidationError` naming the backend and why. Then the current state is read (never
   * written); a schedule that already matches needs no write.
   */
  async planBatterySchedule(desired: BatterySchedule, options: ReadOptions = {}): Promise<ControlPlan> {
    const wanted = validateUnifiedSchedule(desired, this.batteryControl);
    return this.backend === "weekly" ? this.planWeekly(desired, wanted, options) : this.planLegacy(desired, wanted, options);
  }

  private async planLegacy(desired: BatterySchedule, wanted: BatterySchedule, options: ReadOptions): Promise<ControlPlan> {
    const current = await this.readConfigs(options);
    // Windows the system holds stay in their slot; new ones take the free slots (no second validation: `wanted` is valid).
    const { charging, discharging } = fromBatterySchedule(wanted, current);
    const currentSchedule = toBatterySchedule(current.charging, current.discharging);
    const warnings: string[] = [];
    const windows: [string, ChargingSettings["firstPeriod"]][] = [
      ["charge", charging.firstPeriod],
      ["charge", charging.secondPeriod],
      ["discharge", discharging.firstPeriod],
      ["discharge", discharging.secondPeriod],
    ];
    for (const [side, w] of windows) {
      if (!isDisabledWindow(w) && parseTimeOfDay(w.end) < parseTimeOfDay(w.start)) {
        warnings.push(
          `The ${side} window ${w.start}-${w.end} runs past midnight; AlphaESS does not document how the device treats such windows.`,
        );
      }
    }
    const overlapping = wanted.charge.windows.some((c) => wanted.discharge.windows.some((d) => windowsOverlap(c, d)));
    if (overlapping && wanted.discharge.timeControl)
      warnings.push("A charge window overlaps a discharge window; the device decides which wins.");
    warnings.push(
      "AlphaESS may answer Success to a write and not apply it (writes are throttled, and on the newer AU/NZ/UK backend only the weekly schedule takes effect): apply with verify.",
    );
    const writes: PlannedWrite[] = [];
    const same = (side: "charge" | "discharge") =>
      sameSchedule({ ...currentSchedule, [side]: currentSchedule[side] }, { ...currentSchedule, [side]: wanted[side] });
    if (!same("charge")) {
      writes.push(
        plannedWrite(
          this.client,
          "updateChargeConfigInfo",
          `Replace the grid-charge settings of ${this.id} (full replacement: all 6 fields are sent)`,
          chargeConfigFields(current.charging),
          chargeConfigFields(charging),
          configConstraints(charging),
        ),
      );
    }
    if (!same("discharge")) {
      writes.push(
        plannedWrite(
          this.client,
          "updateDisChargeConfigInfo",
          `Replace the discharge settings of ${this.id} (full replacement: all 6 fields are sent)`,
          dischargeConfigFields(current.discharging),
          dischargeConfigFields(discharging),
          configConstraints(discharging),
        ),
      );
    }
    return this.plan(desired, currentSchedule, writes, warnings);
  }

  private async planWeekly(desired: BatterySchedule, wanted: BatterySchedule, options: ReadOptions): Promise<ControlPlan> {
    const read = await this.client.getWeeklySchedule({ signal: options.signal });
    const currentSchedule = fromWeeklySchedule(read);
    const input = toWeeklyInput(wanted);
    const { body } = validateWeeklySchedule(input);
    const warnings = [
      "The weekly schedule reads its on/off flags back as 0: a side that lists periods is taken as on. A write may answer Success and not be applied: apply with verify.",
    ];
    const writes: PlannedWrite[] = [];
    if (!sameSchedule(currentSchedule, wanted)) {
      const before = read.raw !== null && typeof read.raw === "object" ? { ...(read.raw as Record<string, unknown>) } : {};
      delete before.sysSn;
      writes.push(
        plannedWrite(
          this.client,
          "setTimeChargeBySn",
          `Replace the weekly schedule of ${this.id} (full replacement: ${input.charge.length} charge and ${input.discharge.length} discharge periods)`,
          before,
          { ...body },
          weeklyConstraints([...input.charge, ...input.discharge]),
        ),
      );
    }
    return this.plan(desired, currentSchedule, writes, warnings);
  }

  private plan(desired: unknown, current: unknown, writes: PlannedWrite[], warnings: string[]): ControlPlan {
    return { vendor: "alphaess", device: this.id, createdAt: new Date(this.client.clock.now()), desired, current, writes, warnings };
  }

  // ----------------------------------------------------------------------------------------
  // EV chargers

  async listEvChargers(options: ReadOptions = {}): Promise<EvChargerInfo[]> {
    const chargers = await this.client.getEvChargerList({ signal: options.signal });
    if (chargers.length === 0) return [];
    const limit = (await this.client.getEvChargerCurrentDrawSettings({ signal: options.signal })).currentLimitA;
    const out: EvChargerInfo[] = [];
    for (const charger of chargers) {
      const status = await this.client.getEvChargerStatus(charger.serialNumber, { signal: options.signal });
      out.push({
        vendor: "alphaess",
        id: charger.serialNumber,
        system: this.id,
        model: charger.model,
        status: status.state,
        currentLimitA: limit,
        raw: charger.raw,
      });
    }
    return out;
  }

  async getEvCharger(id: string, options: ReadOptions = {}): Promise<EvChargerInfo> {
    const sn = assertSerial(id, "id");
    const charger = (await this.client.getEvChargerList({ signal: options.signal })).find((c) => c.serialNumber === sn);
    if (!charger)
      throw new ValidationError(`AlphaESS system ${this.id} has no EV charger ${sn} (see listEvChargers()).`, {
        vendor: VENDOR,
        field: "id",
      });
    const [status, currents] = await Promise.all([
      this.client.getEvChargerStatus(sn, { signal: options.signal }),
      this.client.getEvChargerCurrentDrawSettings({ signal: options.signal }),
    ]);
    return {
      vendor: "alphaess",
      id: sn,
      system: this.id,
      model: charger.model,
      status: status.state,
      currentLimitA: currents.currentLimitA,
      raw: charger.raw,
    };
  }

  /**
   * Plans a start, a stop, or a new household current limit (shared by the system's chargers).
   * The action is checked before anything is read; planning reads, never writes.
   */
  async planEvCharging(
    id: string,
    action: { start: boolean } | { currentLimitA: number },
    options: ReadOptions = {},
  ): Promise<ControlPlan> {
    const sn = assertSerial(id, "id");
    if (typeof action === "object" && action !== null && "currentLimitA" in action) {
      const amps = assertCurrentLimit(action.currentLimitA, "currentLimitA");
      const current = await this.getEvCharger(sn, options);
      const writes =
        current.currentLimitA === amps
          ? []
          : [
              plannedWrite(
                this.client,
                "setEvChargerCurrentsBySn",
                `Set the household EV current limit of ${this.id} to ${amps} A`,
                { currentsetting: current.currentLimitA },
                { currentsetting: amps },
                [{ name: "range", ok: true, detail: `${amps} A is within ${EV_CURRENT.minCurrentA}-${EV_CURRENT.maxCurrentA} A` }],
              ),
            ];
      return this.plan(action, current, writes, []);
    }
    const start = (action as { start?: unknown } | null)?.start;
    if (typeof start !== "boolean")
      throw new ValidationError(
        `action must be { start: true | false } or { currentLimitA }, got ${JSON.stringify(action)}. Nothing was sent.`,
        {
          vendor: VENDOR,
          field: "action",
        },
      );
    const current = await this.getEvCharger(sn, options);
    const charging = current.status === "charging";
    const startable = ["preparing", "suspendedEVSE", "suspendedEV"].includes(current.status ?? "");
    const writes =
      charging === start
        ? []
        : [
            {
              ...plannedWrite(
                this.client,
                "remoteControlEvCharger",
                `${start ? "Start" : "Stop"} EV charger ${sn} of ${this.id}`,
                { charging },
                { charging: start },
                [{ name: "state", ok: !start || startable, detail: `the charger is ${current.status ?? "in an unknown state"}` }],
              ),
              payload: { sysSn: this.id, evchargerSn: sn, controlMode: start ? 1 : 0 },
            },
          ];
    return this.plan(action, current, writes, []);
  }

  // ----------------------------------------------------------------------------------------
  // Apply

  /**
   * Sends a plan's writes in order (never retried). `verify` (default true) reads each write back
   * and reports whether the device took it; `dryRun` sends nothing. After a failed write, later
   * writes are not sent. `sent` is false when a failed write provably did not reach the device,
   * null when it may have (a timeout, a lost connection, a 5xx). A write that went out but could
   * not be read back has `sent: true`, `taken: null` and the read-back error in `error`; the next
   * write is still sent.
   */
  async applyPlan(plan: ControlPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
    if (!plan || plan.vendor !== "alphaess" || plan.device !== this.id || !Array.isArray(plan.writes)) {
      throw new ValidationError(
        `This plan is not for AlphaESS system ${this.id}. Plan with this system's planBatterySchedule. Nothing was sent.`,
        {
          vendor: VENDOR,
          field: "plan",
        },
      );
    }
    const verify = options.verify ?? true;
    const dryRun = options.dryRun ?? false;
    const results: WriteResult[] = [];
    let failed = false;
    for (const write of plan.writes) {
      if (failed) {
        results.push({ write, sent: false, taken: null, error: "Not sent because an earlier write failed." });
        continue;
      }
      try {
        const result = asPlannedResult(write, await this.sendPlanned(write, { verify, dryRun, signal: options.signal }));
        if (result.sent !== true && result.taken !== true && !dryRun) failed = true;
        results.push(result);
      } catch (error) {
        if (!(error instanceof OpenPowerError)) throw error;
        failed = true;
        results.push({ write, sent: failedWriteSent(error), taken: null, error: error.message, errorCode: errorCodeOf(error) });
      }
    }
    const ok = applyOk({ dryRun, results }, { requireTaken: verify });
    return { vendor: "alphaess", device: this.id, appliedAt: new Date(this.client.clock.now()), dryRun, results, ok };
  }

  private async readConfigs(options: ReadOptions): Promise<{ charging: ChargingSettings; discharging: DischargingSettings }> {
    // Two endpoints, each paced on its own: read them together.
    const [charging, discharging] = await Promise.all([
      this.client.getChargingSettings({ signal: options.signal }),
      this.client.getDischargingSettings({ signal: options.signal }),
    ]);
    return { charging: settingsOf(charging), discharging: settingsOf(discharging) };
  }

  private async sendPlanned(
    write: PlannedWrite,
    options: { verify: boolean; dryRun: boolean; signal?: AbortSignal },
  ): Promise<AlphaEssWrite> {
    const body = write.payload as Record<string, unknown> | null;
    if (typeof body !== "object" || body === null || body.sysSn !== this.id) {
      throw new ValidationError(`The planned write targets ${String(body?.sysSn)}, not ${this.id}. Nothing was sent.`, {
        vendor: VENDOR,
        field: "plan",
      });
    }
    const opts = { verify: options.verify, dryRun: options.dryRun, signal: options.signal };
    switch (write.target) {
      case "POST updateChargeConfigInfo":
        return this.client.setChargingSettings(settingsOf(payloadSettings(parseChargingSettings, body, this.id)), opts);
      case "POST updateDisChargeConfigInfo":
        return this.client.setDischargingSettings(settingsOf(payloadSettings(parseDischargingSettings, body, this.id)), opts);
      case "POST setTimeChargeBySn":
        return this.client.setWeeklySchedule(weeklyInputFromBody(body), opts);
      case "POST setEvChargerCurrentsBySn":
        return this.client.setEvChargerCurrentDrawSettings(body.currentsetting as number, opts);
      case "POST remoteControlEvCharger":
        return this.client.controlEvCharger(String(body.evchargerSn), body.controlMode === 1, opts);
      default:
        throw new ValidationError(`Unknown planned write target ${JSON.stringify(write.target)}. Nothing was sent.`, {
          vendor: VENDOR,
          field: "plan",
        });
    }
  }
}

/** A planned payload as typed settings; a payload that is not a complete config is refused. */
function payloadSettings<T>(parse: (data: unknown, serialNumber: string) => T, body: unknown, serialNumber: string): T {
  try {
    return parse(body, serialNumber);
  } catch (error) {
    if (!(error instanceof ResponseFormatError)) throw error;
    const field = error.path ? ` (${error.path.replace(/^data\.?/, "") || "payload"})` : "";
    throw new ValidationError(
      `The planned write's payload is not a complete config${field}: plan again with planBatterySchedule. Nothing was sent.`,
      {
        vendor: VENDOR,
        field: "plan",
      },
    );
  }
}

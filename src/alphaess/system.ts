import { OpenPowerError, ResponseFormatError, ValidationError } from "../core/errors/index.js";
import { isDisabledWindow, isOnGrid, parseTimeOfDay, windowsOverlap, type TimeWindow } from "../core/time/schedule-grid.js";
import { fractionToPercent } from "../core/units.js";
import { diffFields } from "../model/helpers.js";
import type {
  ApplyOptions,
  ApplyResult,
  BatterySchedule,
  Capabilities,
  ConstraintCheck,
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
import type { AlphaEssWriteEndpoint } from "./endpoints.js";
import { VENDOR } from "./envelope.js";
import type { AlphaEssWriteResult, ChargingSettings, DischargingSettings } from "./models.js";
import { parseChargingSettings, parseDischargingSettings, settingsOf } from "./parse.js";
import { validateCompleteCharging, validateCompleteDischarging } from "./validate.js";
import { failedWriteSent } from "./write-outcome.js";

type Signal = { signal?: AbortSignal };

/**
 * One AlphaESS system as a unified `EnergySystem` (obtain it with `client.system(sn)`). The
 * battery schedule maps to the two legacy configs: the charge windows, grid charging and stop
 * level to `updateChargeConfigInfo`, the discharge side to `updateDisChargeConfigInfo`; at most
 * two windows each on the 15-minute grid.
 */
export class AlphaEssSystem implements EnergySystem {
  readonly vendor = "alphaess" as const;
  readonly id: string;

  constructor(private readonly client: AlphaESS) {
    if (!client.serialNumber)
      throw new ValidationError("AlphaEssSystem needs a client scoped to a serial number (client.forDevice(sn)).", {
        vendor: VENDOR,
        field: "serialNumber",
      });
    this.id = client.serialNumber;
  }

  /** The client's time zone: the API does not report one, and local dates are counted in it. */
  get timeZone(): string {
    return this.client.timeZone;
  }

  capabilities(): Capabilities {
    const cooldown = Math.max(
      this.client.writeCooldownMs("updateChargeConfigInfo"),
      this.client.writeCooldownMs("updateDisChargeConfigInfo"),
    );
    return {
      read: { powerFlow: true, energyTotals: true, energyTotalsHistory: true, history: true, prices: false },
      control: {
        batterySchedule: { maxChargeWindows: 2, maxDischargeWindows: 2, gridMinutes: 15, minWriteIntervalS: Math.ceil(cooldown / 1000) },
        // The API can start and stop AlphaESS chargers; whether this system has one fitted is
        // only known from getEvChargerList (capabilities are synchronous and read nothing).
        evCharger: true,
      },
    };
  }

  async getPowerFlow(options: Signal = {}): Promise<PowerFlow> {
    return toPowerFlow(await this.client.getRealtimePowerUsage({ signal: options.signal }));
  }

  /** Energy of one local day ("YYYY-MM-DD" in the client's time zone). */
  async getEnergyTotals(date: string, options: Signal = {}): Promise<EnergyTotals> {
    return toEnergyTotals(await this.client.getHistoricalEnergyUsage(date, { signal: options.signal }));
  }

  /** The day's 5-minute samples, oldest first; battery power derived from the balance. */
  async getPowerHistory(date: string, options: Signal = {}): Promise<PowerFlow[]> {
    return toPowerHistory(await this.client.getHistoricalPowerUsage(date, { signal: options.signal }));
  }

  async getBatterySchedule(options: Signal = {}): Promise<BatterySchedule> {
    const { charging, discharging } = await this.readConfigs(options);
    return toBatterySchedule(charging, discharging);
  }

  /**
   * Plans the writes that turn the current configs into `desired`. Reads both configs, never
   * writes. Invalid input throws `ValidationError` before anything is read. A config whose
   * schedule already matches needs no write: windows stay in the slot the device holds them in,
   * and any disabled period (start equal to end) counts as equal to any other.
   */
  async planBatterySchedule(desired: BatterySchedule, options: Signal = {}): Promise<ControlPlan> {
    if (
      typeof desired !== "object" ||
      desired === null ||
      typeof desired.charge !== "object" ||
      typeof desired.discharge !== "object" ||
      !desired.charge ||
      !desired.discharge
    ) {
      throw new ValidationError("desired must be a BatterySchedule { charge: {...}, discharge: {...} }. Nothing was sent.", {
        vendor: VENDOR,
        field: "desired",
      });
    }
    const unplaced = fromBatterySchedule(desired);
    validateCompleteCharging(unplaced.charging, "charge");
    validateCompleteDischarging(unplaced.discharging, "discharge");

    const current = await this.readConfigs(options);
    const mapped = fromBatterySchedule(desired, current);
    const charging = validateCompleteCharging(mapped.charging, "charge");
    const discharging = validateCompleteDischarging(mapped.discharging, "discharge");
    const currentSchedule = toBatterySchedule(current.charging, current.discharging);
    const wanted = toBatterySchedule(charging, discharging);

    const warnings: string[] = [];
    const windows: [string, TimeWindow][] = [
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
    const overlapping = [charging.firstPeriod, charging.secondPeriod].some((c) =>
      [discharging.firstPeriod, discharging.secondPeriod].some((d) => windowsOverlap(c, d)),
    );
    if (overlapping && discharging.enableTimeControl)
      warnings.push("A charge window overlaps a discharge window; the device decides which wins.");
    warnings.push(
      "AlphaESS may answer Success to a write and not apply it (writes are throttled, and on the newer AU/NZ/UK backend only the weekly schedule takes effect): apply with verify.",
    );

    const writes: PlannedWrite[] = [];
    const chargeSame =
      currentSchedule.charge.fromGrid === wanted.charge.fromGrid &&
      sameLevel(currentSchedule.charge.stopLevel, wanted.charge.stopLevel) &&
      sameWindows(currentSchedule.charge.windows, wanted.charge.windows);
    if (!chargeSame) {
      writes.push(
        this.plannedWrite(
          "updateChargeConfigInfo",
          "grid-charge settings",
          chargeConfigFields(current.charging),
          chargeConfigFields(charging),
          charging,
        ),
      );
    }
    const dischargeSame =
      currentSchedule.discharge.timeControl === wanted.discharge.timeControl &&
      sameLevel(currentSchedule.discharge.stopLevel, wanted.discharge.stopLevel) &&
      sameWindows(currentSchedule.discharge.windows, wanted.discharge.windows);
    if (!dischargeSame) {
      writes.push(
        this.plannedWrite(
          "updateDisChargeConfigInfo",
          "discharge settings",
          dischargeConfigFields(current.discharging),
          dischargeConfigFields(discharging),
          discharging,
        ),
      );
    }

    return {
      vendor: "alphaess",
      device: this.id,
      createdAt: new Date(this.client.clock.now()),
      desired,
      current: currentSchedule,
      writes,
      warnings,
    };
  }

  /**
   * Sends a plan's writes in order (never retried). `verify` (default true) reads each config back
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
        { vendor: VENDOR, field: "plan" },
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
        results.push(writeResult(write, await this.sendPlanned(write, { verify, dryRun, signal: options.signal })));
      } catch (error) {
        if (!(error instanceof OpenPowerError)) throw error;
        failed = true;
        results.push({ write, sent: failedWriteSent(error), taken: null, error: error.message });
      }
    }
    const ok = dryRun
      ? results.every((r) => r.error === undefined) && plan.writes.every((w) => w.constraints.every((c) => c.ok))
      : results.every((r) => r.sent === true && r.error === undefined && (!verify || r.taken === true));
    return { vendor: "alphaess", device: this.id, appliedAt: new Date(this.client.clock.now()), dryRun, results, ok };
  }

  private async readConfigs(options: Signal): Promise<{ charging: ChargingSettings; discharging: DischargingSettings }> {
    // Two endpoints, each paced on its own: read them together.
    const [charging, discharging] = await Promise.all([
      this.client.getChargingSettings({ signal: options.signal }),
      this.client.getDischargingSettings({ signal: options.signal }),
    ]);
    return { charging: settingsOf(charging), discharging: settingsOf(discharging) };
  }

  private plannedWrite(
    endpoint: AlphaEssWriteEndpoint,
    what: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    settings: Pick<ChargingSettings, "stopLevel" | "firstPeriod" | "secondPeriod">,
  ): PlannedWrite {
    const next = this.client.nextWriteAllowedAt(endpoint);
    const waitS = Math.ceil((next.getTime() - this.client.clock.now()) / 1000);
    const cooldown: ConstraintCheck = {
      name: "cooldown",
      ok: waitS <= 0,
      detail:
        waitS <= 0
          ? `no ${endpoint} write within the last ${Math.round(this.client.writeCooldownMs(endpoint) / 1000)} s`
          : `the next ${endpoint} write is allowed at ${next.toISOString()}`,
    };
    return {
      target: `POST ${endpoint}`,
      description: `Replace the ${what} of ${this.id} (full replacement: all ${Object.keys(after).length} fields are sent)`,
      before,
      after,
      changes: diffFields(before, after),
      constraints: [...configConstraints(settings), cooldown],
      payload: { sysSn: this.id, ...after },
    };
  }

  private async sendPlanned(
    write: PlannedWrite,
    options: { verify: boolean; dryRun: boolean; signal?: AbortSignal },
  ): Promise<AlphaEssWriteResult<unknown>> {
    const body = write.payload;
    if (typeof body !== "object" || body === null || (body as { sysSn?: unknown }).sysSn !== this.id) {
      throw new ValidationError(
        `The planned write targets ${String((body as { sysSn?: unknown } | null)?.sysSn)}, not ${this.id}. Nothing was sent.`,
        { vendor: VENDOR, field: "plan" },
      );
    }
    const opts = { verify: options.verify, dryRun: options.dryRun, signal: options.signal };
    switch (write.target) {
      case "POST updateChargeConfigInfo":
        return this.client.setChargingSettings(settingsOf(payloadSettings(parseChargingSettings, body, this.id)), opts);
      case "POST updateDisChargeConfigInfo":
        return this.client.setDischargingSettings(settingsOf(payloadSettings(parseDischargingSettings, body, this.id)), opts);
      default:
        throw new ValidationError(`Unknown planned write target ${JSON.stringify(write.target)}. Nothing was sent.`, {
          vendor: VENDOR,
          field: "plan",
        });
    }
  }
}

/**
 * The checks a config write passes, computed from the values it sends: both periods on the
 * 15-minute grid, the two periods not overlapping, the stop level within 0..1.
 */
export function configConstraints(settings: Pick<ChargingSettings, "stopLevel" | "firstPeriod" | "secondPeriod">): ConstraintCheck[] {
  const { firstPeriod: first, secondPeriod: second, stopLevel } = settings;
  const onGrid = [first.start, first.end, second.start, second.end].every((t) => isOnGrid(t));
  const apart = onGrid && !windowsOverlap(first, second);
  const levelOk = typeof stopLevel === "number" && stopLevel >= 0 && stopLevel <= 1;
  const periods = `periods ${first.start}-${first.end} and ${second.start}-${second.end}`;
  return [
    {
      name: "grid",
      ok: onGrid,
      detail: onGrid ? `${periods} are on the 15-minute grid (00:00-23:45)` : `${periods} are not all on the 15-minute grid (00:00-23:45)`,
    },
    {
      name: "windows",
      ok: apart,
      detail: apart ? "at most 2 windows, not overlapping each other" : `${periods} overlap or are not valid times`,
    },
    { name: "level", ok: levelOk, detail: `stop level ${stopLevel} ${levelOk ? "is" : "is not"} within 0..1` },
  ];
}

/** A client write result as the unified `WriteResult`. */
function writeResult(write: PlannedWrite, outcome: AlphaEssWriteResult<unknown>): WriteResult {
  const result: WriteResult = { write, sent: outcome.sent, taken: outcome.taken, mismatches: outcome.mismatches };
  if (outcome.readBack !== null) result.readBack = outcome.readBack;
  if (outcome.readBackError) {
    result.error = `Sent, but reading it back failed, so whether the system took it is unknown: ${outcome.readBackError.message}`;
  }
  return result;
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
      { vendor: VENDOR, field: "plan" },
    );
  }
}

function sameLevel(a: number, b: number): boolean {
  return fractionToPercent(a) === fractionToPercent(b);
}

/** The same enabled windows, in any slot order. */
function sameWindows(a: TimeWindow[], b: TimeWindow[]): boolean {
  const key = (list: TimeWindow[]) =>
    list
      .map((w) => `${w.start}-${w.end}`)
      .sort()
      .join(",");
  return key(a) === key(b);
}

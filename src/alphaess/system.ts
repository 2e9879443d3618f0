import { OpenPowerError, ValidationError } from "../core/errors/index.js";
import { isDisabledWindow, parseTimeOfDay, windowsOverlap, type TimeWindow } from "../core/time/schedule-grid.js";
import { percentToFraction } from "../core/units.js";
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
import type { AlphaESS } from "./client.js";
import type { AlphaEssWriteEndpoint } from "./endpoints.js";
import { VENDOR } from "./envelope.js";
import type { AlphaEssWriteResult } from "./models.js";
import { chargeConfigFields, dischargeConfigFields } from "./bodies.js";
import { validateCompleteCharging, validateCompleteDischarging } from "./validate.js";

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
    if (!client.serialNumber) throw new ValidationError("AlphaEssSystem needs a client scoped to a serial number (client.forDevice(sn)).", { vendor: VENDOR, field: "serialNumber" });
    this.id = client.serialNumber;
  }

  capabilities(): Capabilities {
    const cooldown = Math.max(this.client.writeCooldownMs("updateChargeConfigInfo"), this.client.writeCooldownMs("updateDisChargeConfigInfo"));
    return {
      read: { powerFlow: true, energyTotals: true, energyTotalsHistory: true, history: true, prices: false },
      control: {
        batterySchedule: { maxChargeWindows: 2, maxDischargeWindows: 2, gridMinutes: 15, minWriteIntervalS: Math.ceil(cooldown / 1000) },
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
    const charging = await this.client.getChargingSettings({ signal: options.signal });
    const discharging = await this.client.getDischargingSettings({ signal: options.signal });
    return toBatterySchedule(charging, discharging);
  }

  /**
   * Plans the writes that turn the current configs into `desired`. Reads both configs, never
   * writes. Invalid input throws `ValidationError`. A config that already matches needs no write.
   */
  async planBatterySchedule(desired: BatterySchedule, options: Signal = {}): Promise<ControlPlan> {
    if (typeof desired !== "object" || desired === null || typeof desired.charge !== "object" || typeof desired.discharge !== "object" || !desired.charge || !desired.discharge) {
      throw new ValidationError("desired must be a BatterySchedule { charge: {...}, discharge: {...} }. Nothing was sent.", { vendor: VENDOR, field: "desired" });
    }
    const mapped = fromBatterySchedule(desired);
    const charging = validateCompleteCharging(mapped.charging, "charge");
    const discharging = validateCompleteDischarging(mapped.discharging, "discharge");

    const currentCharging = strip(await this.client.getChargingSettings({ signal: options.signal }));
    const currentDischarging = strip(await this.client.getDischargingSettings({ signal: options.signal }));

    const warnings: string[] = [];
    const windows: [string, TimeWindow][] = [
      ["charge", charging.firstPeriod],
      ["charge", charging.secondPeriod],
      ["discharge", discharging.firstPeriod],
      ["discharge", discharging.secondPeriod],
    ];
    for (const [side, w] of windows) {
      if (!isDisabledWindow(w) && parseTimeOfDay(w.end) < parseTimeOfDay(w.start)) {
        warnings.push(`The ${side} window ${w.start}-${w.end} runs past midnight; AlphaESS does not document how the device treats such windows.`);
      }
    }
    const overlapping = [charging.firstPeriod, charging.secondPeriod].some((c) => [discharging.firstPeriod, discharging.secondPeriod].some((d) => windowsOverlap(c, d)));
    if (overlapping && discharging.enableTimeControl) warnings.push("A charge window overlaps a discharge window; the device decides which wins.");
    warnings.push(
      "AlphaESS may answer Success to a write and not apply it (writes are throttled, and on the newer AU/NZ/UK backend only the weekly schedule takes effect): apply with verify.",
    );

    const writes: PlannedWrite[] = [];
    const chargeWrite = this.plannedWrite("updateChargeConfigInfo", "grid-charge settings", chargeConfigFields(currentCharging), chargeConfigFields(charging), charging.firstPeriod, charging.secondPeriod);
    if (chargeWrite) writes.push(chargeWrite);
    const dischargeWrite = this.plannedWrite("updateDisChargeConfigInfo", "discharge settings", dischargeConfigFields(currentDischarging), dischargeConfigFields(discharging), discharging.firstPeriod, discharging.secondPeriod);
    if (dischargeWrite) writes.push(dischargeWrite);

    return { vendor: "alphaess", device: this.id, createdAt: new Date(this.client.clock.now()), desired, writes, warnings };
  }

  /**
   * Sends a plan's writes in order (never retried). `verify` (default true) reads each config back
   * and reports whether the device took it; `dryRun` sends nothing. After a failed write, later
   * writes are not sent.
   */
  async applyPlan(plan: ControlPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
    if (!plan || plan.vendor !== "alphaess" || plan.device !== this.id || !Array.isArray(plan.writes)) {
      throw new ValidationError(`This plan is not for AlphaESS system ${this.id}. Plan with this system's planBatterySchedule. Nothing was sent.`, { vendor: VENDOR, field: "plan" });
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
        const outcome = await this.sendPlanned(write, { verify, dryRun, signal: options.signal });
        results.push({ write, sent: outcome.sent, taken: outcome.taken, readBack: outcome.readBack ?? undefined, mismatches: outcome.mismatches });
      } catch (error) {
        failed = true;
        results.push({ write, sent: false, taken: null, error: error instanceof Error ? error.message : String(error) });
        if (!(error instanceof OpenPowerError)) throw error;
      }
    }
    const ok = !dryRun && results.every((r) => r.sent && r.error === undefined && (!verify || r.taken === true));
    return { vendor: "alphaess", device: this.id, appliedAt: new Date(this.client.clock.now()), dryRun, results, ok: dryRun ? results.every((r) => r.error === undefined) : ok };
  }

  private plannedWrite(
    endpoint: AlphaEssWriteEndpoint,
    what: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    first: TimeWindow,
    second: TimeWindow,
  ): PlannedWrite | null {
    const changes = diffFields(before, after);
    if (changes.length === 0) return null;
    const next = this.client.nextWriteAllowedAt(endpoint);
    const waitS = Math.ceil((next.getTime() - this.client.clock.now()) / 1000);
    const constraints: ConstraintCheck[] = [
      { name: "grid", ok: true, detail: `periods ${first.start}-${first.end} and ${second.start}-${second.end} are on the 15-minute grid (00:00-23:45)` },
      { name: "windows", ok: true, detail: "at most 2 windows, not overlapping each other" },
      { name: "level", ok: true, detail: "stop level within 0..1" },
      {
        name: "cooldown",
        ok: waitS <= 0,
        detail: waitS <= 0 ? `no ${endpoint} write within the last ${Math.round(this.client.writeCooldownMs(endpoint) / 1000)} s` : `the next ${endpoint} write is allowed at ${next.toISOString()}`,
      },
    ];
    return {
      target: `POST ${endpoint}`,
      description: `Replace the ${what} of ${this.id} (full replacement: all ${Object.keys(after).length} fields are sent)`,
      before,
      after,
      changes,
      constraints,
      payload: { sysSn: this.id, ...after },
    };
  }

  private async sendPlanned(write: PlannedWrite, options: { verify: boolean; dryRun: boolean; signal?: AbortSignal }): Promise<AlphaEssWriteResult<unknown>> {
    const body = (write.payload ?? {}) as Record<string, unknown>;
    if (body.sysSn !== this.id) throw new ValidationError(`The planned write targets ${String(body.sysSn)}, not ${this.id}. Nothing was sent.`, { vendor: VENDOR, field: "plan" });
    const opts = { verify: options.verify, dryRun: options.dryRun, signal: options.signal };
    switch (write.target) {
      case "POST updateChargeConfigInfo":
        return this.client.setChargingSettings(
          {
            stopLevel: percentToFraction(body.batHighCap as number)!,
            useGrid: body.gridCharge === 1,
            firstPeriod: { start: body.timeChaf1 as string, end: body.timeChae1 as string },
            secondPeriod: { start: body.timeChaf2 as string, end: body.timeChae2 as string },
          },
          opts,
        );
      case "POST updateDisChargeConfigInfo":
        return this.client.setDischargingSettings(
          {
            stopLevel: percentToFraction(body.batUseCap as number)!,
            enableTimeControl: body.ctrDis === 1,
            firstPeriod: { start: body.timeDisf1 as string, end: body.timeDise1 as string },
            secondPeriod: { start: body.timeDisf2 as string, end: body.timeDise2 as string },
          },
          opts,
        );
      default:
        throw new ValidationError(`Unknown planned write target ${JSON.stringify(write.target)}. Nothing was sent.`, { vendor: VENDOR, field: "plan" });
    }
  }
}

function strip<T extends { serialNumber: string; raw: unknown }>(result: T): Omit<T, "serialNumber" | "raw"> {
  const { serialNumber: _sn, raw: _raw, ...rest } = result;
  return rest;
}

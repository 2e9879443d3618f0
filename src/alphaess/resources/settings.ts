import { diffFields } from "../../model/helpers.js";
import { chargeConfigFields, dischargeConfigFields } from "../bodies.js";
import type {
  AlphaEssWrite,
  ChargingSettings,
  ChargingSettingsResult,
  DischargingSettings,
  DischargingSettingsResult,
  SchedulePeriod,
  WeeklySchedule,
  WeeklyScheduleInput,
} from "../models.js";
import type { ChargingSettingsInput, DischargingSettingsInput, SerialOrOptions, WriteCallOptions } from "../options.js";
import { parseChargingSettings, parseDischargingSettings, parseWeeklySchedule, settingsOf } from "../parse.js";
import { signalOf, writeOptionsOf, type AlphaEssRequester } from "../requester.js";
import {
  validateChargingInput,
  validateCompleteCharging,
  validateCompleteDischarging,
  validateDischargingInput,
  validateWeeklySchedule,
} from "../validate.js";
import type { UpdateChargeConfigBody, UpdateDischargeConfigBody } from "../wire.js";

/** Charge, discharge and weekly-schedule settings (`client.settings`). */
export class AlphaEssSettings {
  readonly #r: AlphaEssRequester;

  /** @internal Made by the client (`client.settings`). */
  constructor(requester: AlphaEssRequester) {
    this.#r = requester;
  }

  /** Grid-charge settings: stop level (fraction), grid charging on/off, two periods. */
  async getCharging(options?: SerialOrOptions): Promise<ChargingSettingsResult> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getChargeConfigInfo", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseChargingSettings(data, sn);
  }

  /**
   * Writes the grid-charge settings (`updateChargeConfigInfo`, a full replacement). Give any
   * subset of `{ stopLevel, useGrid, firstPeriod, secondPeriod }`: missing fields are read from
   * the device first and kept. Everything is validated before sending (periods on the 15-minute
   * grid 00:00-23:45, levels 0..1). Never retried; refused locally within the write cool-down;
   * `verify: true` reads back and reports `taken` and `mismatches`; `dryRun: true` sends nothing.
   */
  async setCharging(settings: ChargingSettingsInput, options?: string | WriteCallOptions): Promise<AlphaEssWrite<ChargingSettings>> {
    const sn = this.#r.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const given = validateChargingInput(settings);
    return this.#r.writeSettings<ChargingSettings>({
      sn,
      endpoint: "updateChargeConfigInfo",
      opts,
      given,
      keys: ["stopLevel", "useGrid", "firstPeriod", "secondPeriod"],
      read: async () => settingsOf(await this.getCharging({ serialNumber: sn, signal: opts.signal })),
      complete: (s, origin) => validateCompleteCharging(s, origin),
      payload: (s) => chargeBody(sn, s),
    });
  }

  /** Discharge settings: stop level (fraction), time control on/off, two periods. */
  async getDischarging(options?: SerialOrOptions): Promise<DischargingSettingsResult> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getDisChargeConfigInfo", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseDischargingSettings(data, sn);
  }

  /** Writes the discharge settings (`updateDisChargeConfigInfo`); same rules as `setChargingSettings`. */
  async setDischarging(
    settings: DischargingSettingsInput,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<DischargingSettings>> {
    const sn = this.#r.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const given = validateDischargingInput(settings);
    return this.#r.writeSettings<DischargingSettings>({
      sn,
      endpoint: "updateDisChargeConfigInfo",
      opts,
      given,
      keys: ["stopLevel", "enableTimeControl", "firstPeriod", "secondPeriod"],
      read: async () => settingsOf(await this.getDischarging({ serialNumber: sn, signal: opts.signal })),
      complete: (s, origin) => validateCompleteDischarging(s, origin),
      payload: (s) => dischargeBody(sn, s),
    });
  }

  // ----------------------------------------------------------------------------------------
  // Weekly ("periodic") schedule

  /**
   * The periodic schedule (`getTimeChargeBySn`). Many systems are not entitled to it: code 6017
   * is a `PermissionError`. The read always reports the cycle flags as 0, so `gridCharge` and
   * `dischargeTimeControl` are `null` unless the server says 1.
   */
  async getWeekly(options?: SerialOrOptions): Promise<WeeklySchedule> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getTimeChargeBySn", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseWeeklySchedule(data, sn);
  }

  /**
   * Writes the periodic schedule (`setTimeChargeBySn`), a full replacement. Checked before sending:
   * cycle, both lists non-empty, the 15-minute grid, limits 10-100 % (0.1..1), weekdays when
   * weekly, at most 6 periods a day and 28 a week, no overlaps. On the new AU/NZ/UK cloud backend
   * this is the only write that takes effect.
   */
  async setWeekly(schedule: WeeklyScheduleInput, options?: string | WriteCallOptions): Promise<AlphaEssWrite<WeeklyScheduleInput>> {
    const sn = this.#r.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const { schedule: requested, body } = validateWeeklySchedule(schedule);
    const payload = {
      sysSn: sn,
      executeCycleType: body.executeCycleType,
      ...(body.gridChargeCycle !== undefined ? { gridChargeCycle: body.gridChargeCycle } : {}),
      ...(body.ctrDisCycle !== undefined ? { ctrDisCycle: body.ctrDisCycle } : {}),
      chargeTimeList: body.chargeTimeList,
      dischargeTimeList: body.dischargeTimeList,
    };
    return this.#r.queuedWrite<WeeklyScheduleInput>({
      sn,
      endpoint: "setTimeChargeBySn",
      opts,
      before: null,
      requested,
      payload,
      readBack: async () => {
        const read = await this.getWeekly({ serialNumber: sn, signal: opts.signal });
        return { cycle: read.cycle, charge: read.charge, discharge: read.discharge };
      },
      compare: (want, got) => diffFields(comparableSchedule(want), comparableSchedule(got as WeeklyScheduleInput, want)),
    });
  }
}

function chargeBody(sysSn: string, s: ChargingSettings): UpdateChargeConfigBody & Record<string, unknown> {
  return { sysSn, ...chargeConfigFields(s) };
}

function dischargeBody(sysSn: string, s: DischargingSettings): UpdateDischargeConfigBody & Record<string, unknown> {
  return { sysSn, ...dischargeConfigFields(s) };
}

/**
 * The parts of a schedule the read reports faithfully (not the cycle flags), in a canonical order.
 * Given the requested schedule, a read-back period's power is ignored where the request left it
 * out: the device may report its own default there, which is not a change that failed.
 */
function comparableSchedule(
  s: Pick<WeeklyScheduleInput, "cycle" | "charge" | "discharge">,
  requested?: Pick<WeeklyScheduleInput, "charge" | "discharge">,
): unknown {
  const weekly = s.cycle === "weekly";
  const unset = (list: SchedulePeriod[] | undefined) =>
    new Set((list ?? []).filter((p) => p.powerW === undefined).map((p) => `${p.start}-${p.end}`));
  const periods = (list: SchedulePeriod[], noPower: Set<string>) =>
    list
      .map((p) => ({
        start: p.start,
        end: p.end,
        weekdays: weekly ? [...(p.weekdays ?? [])].sort((a, b) => a - b) : null,
        powerW: noPower.has(`${p.start}-${p.end}`) ? null : (p.powerW ?? null),
        limit: p.limit,
      }))
      .sort((a, b) => (a.start + a.end).localeCompare(b.start + b.end));
  return {
    cycle: s.cycle,
    charge: periods(s.charge, unset(requested?.charge)),
    discharge: periods(s.discharge, unset(requested?.discharge)),
  };
}

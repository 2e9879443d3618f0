import { ResponseFormatError } from "../core/errors/index.js";
import { parseLocalTimestamp } from "../core/time/zoned.js";
import { percentToFraction, roundTo } from "../core/units.js";
import { parseWith, type z } from "../core/validation.js";
import { VENDOR } from "./envelope.js";
import type {
  AlphaEssDailyEnergy,
  AlphaEssPowerHistory,
  AlphaEssPowerSample,
  AlphaEssRealtimePower,
  AlphaEssSystemInfo,
  AlphaEssSystemSummary,
  ChargingSettingsResult,
  DischargingSettingsResult,
  EvCharger,
  EvChargerCurrentSettings,
  EvChargerState,
  EvChargerStatus,
  SchedulePeriod,
  WeeklySchedule,
} from "./models.js";
import * as wire from "./wire.js";

/**
 * Pure conversions from the envelope's `data` member to our typed results: validation with zod
 * (a failure names the path, e.g. `data[3].uploadTime`), percent to fractions, our field names.
 * Exported so that a caller holding a raw body can convert it without a network call.
 */

function parse<S extends z.ZodType>(schema: S, data: unknown, operation: string): z.output<S> {
  return parseWith(schema, data, { vendor: VENDOR, operation, pathPrefix: "data" });
}

export function parseSystemList(data: unknown): AlphaEssSystemInfo[] {
  return parse(wire.essList, data, "getEssList").map((s, i) => ({
    serialNumber: s.sysSn,
    inverterModel: s.minv ?? null,
    inverterRatedKw: s.poinv,
    pvRatedKw: s.popv,
    batteryModel: s.mbat ?? null,
    batteryCapacityKwh: s.cobat,
    batteryRemainingCapacityKwh: s.surplusCobat,
    usableCapacity: percentToFraction(s.usCapacity),
    emsStatus: s.emsStatus ?? null,
    raw: (data as unknown[])[i],
  }));
}

export function parseRealtimePower(data: unknown, serialNumber: string, observedAt: Date): AlphaEssRealtimePower {
  const d = parse(wire.lastPowerData, data, "getLastPowerData");
  const pv = d?.ppvDetail ?? null;
  const grid = d?.pgridDetail ?? null;
  const ev = d?.pevDetail ?? null;
  const result: AlphaEssRealtimePower = {
    serialNumber,
    observedAt,
    allNull: false,
    pvW: d?.ppv ?? null,
    pvStringsW: pv ? [pv.ppv1, pv.ppv2, pv.ppv3, pv.ppv4] : null,
    pvDcMeterW: pv?.pmeterDc ?? null,
    loadW: d?.pload ?? null,
    soc: percentToFraction(d?.soc),
    gridW: d?.pgrid ?? null,
    gridPhasesW: grid ? [grid.pmeterL1, grid.pmeterL2, grid.pmeterL3] : null,
    batteryW: d?.pbat ?? null,
    inverterPhasesW: [d?.prealL1 ?? null, d?.prealL2 ?? null, d?.prealL3 ?? null],
    evW: d?.pev ?? null,
    evChargersW:
      ev && [ev.ev1Power, ev.ev2Power, ev.ev3Power, ev.ev4Power].some((v) => v !== null)
        ? [ev.ev1Power, ev.ev2Power, ev.ev3Power, ev.ev4Power]
        : null,
    raw: data,
  };
  const readings = [result.pvW, result.loadW, result.soc, result.gridW, result.batteryW, result.evW, ...result.inverterPhasesW];
  result.allNull = readings.every((v) => v === null) && pv === null && grid === null;
  return result;
}

/** Ratios the API sends as fractions; values outside 0..1 (a VT1000 sent −6.1) are not usable readings. */
function ratio(value: number | null): number | null {
  return value !== null && value >= 0 && value <= 1 ? value : null;
}

export function parseSystemSummary(data: unknown, serialNumber: string): AlphaEssSystemSummary {
  const d = parse(wire.sumData, data, "getSumDataForCustomer");
  return {
    serialNumber,
    pvTodayKwh: d?.epvtoday ?? null,
    pvTotalKwh: d?.epvtotal ?? null,
    loadTodayKwh: d?.eload ?? null,
    exportTodayKwh: d?.eoutput ?? null,
    importTodayKwh: d?.einput ?? null,
    chargeTodayKwh: d?.echarge ?? null,
    dischargeTodayKwh: d?.edischarge ?? null,
    incomeToday: d?.todayIncome ?? null,
    incomeTotal: d?.totalIncome ?? null,
    currency: d?.moneyType ?? null,
    selfConsumption: ratio(d?.eselfConsumption ?? null),
    selfSufficiency: ratio(d?.eselfSufficiency ?? null),
    treesPlanted: d?.treeNum ?? null,
    co2SavedKg: d?.carbonNum ?? null,
    raw: data,
  };
}

/**
 * The day series, oldest first (the API sends newest first). `uploadTime` has no zone: it is the
 * system's wall-clock time, parsed in `timeZone`. The order of the list is what tells the two
 * passes through the repeated hour of a daylight-saving fall-back apart (both read "02:07"): each
 * time is taken as the earlier instant unless that would not come after the previous sample.
 */
export function parsePowerHistory(data: unknown, serialNumber: string, date: string, timeZone: string): AlphaEssPowerHistory {
  const items = parse(wire.oneDayPower, data, "getOneDayPowerBySn");
  const raws = data as unknown[];
  const order = items.map((_, i) => i);
  // Newest first, as the API sends it (the wall-clock strings compare in time order at both ends of a day).
  if (items.length > 1 && items[0]!.uploadTime > items[items.length - 1]!.uploadTime) order.reverse();
  const samples: AlphaEssPowerSample[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    const item = items[i]!;
    let at = parseLocalTimestamp(item.uploadTime, timeZone, "earlier");
    if (at && at.getTime() <= previous) at = parseLocalTimestamp(item.uploadTime, timeZone, "later");
    if (!at) {
      throw new ResponseFormatError(
        `Unexpected response from getOneDayPowerBySn: data[${i}].uploadTime ${JSON.stringify(item.uploadTime)} is not "yyyy-MM-dd HH:mm:ss". Please report it.`,
        {
          vendor: VENDOR,
          operation: "getOneDayPowerBySn",
          path: `data[${i}].uploadTime`,
        },
      );
    }
    previous = Math.max(previous, at.getTime());
    const feedInW = item.feedIn;
    const importW = item.gridCharge;
    samples.push({
      at,
      uploadTime: item.uploadTime,
      pvW: item.ppv,
      loadW: item.load,
      soc: percentToFraction(item.cbat ?? item.cobat),
      feedInW,
      importW,
      gridW: feedInW !== null && importW !== null ? roundTo(importW - feedInW, 3) : null,
      evW: item.pchargingPile ?? item.pChargingPile,
      raw: raws[i],
    });
  }
  // A list out of order within itself (never seen) still comes out oldest first; a stable sort
  // leaves an ordered one, the fall-back hour included, as it is.
  samples.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { serialNumber, date, timeZone, samples };
}

export function parseDailyEnergy(data: unknown, serialNumber: string, date: string): AlphaEssDailyEnergy {
  const d = parse(wire.oneDateEnergy, data, "getOneDateEnergyBySn");
  const chargeKwh = d ? (d.eCharge ?? d.echarge) : null;
  const dischargeKwh = d ? (d.eDischarge ?? d.edischarge) : null;
  const importKwh = d ? (d.eInput ?? d.einput) : null;
  const exportKwh = d ? (d.eOutput ?? d.eoutput) : null;
  const pvKwh = d?.epv ?? null;
  const evKwh = d?.eChargingPile ?? null;
  const terms = [pvKwh, importKwh, dischargeKwh, exportKwh, chargeKwh];
  const loadKwh = terms.every((v) => v !== null)
    ? roundTo(pvKwh! + importKwh! + dischargeKwh! - exportKwh! - chargeKwh! - (evKwh ?? 0), 3)
    : null;
  return {
    serialNumber,
    date: d?.theDate ?? date,
    aggregated: d !== null,
    pvKwh,
    chargeKwh,
    dischargeKwh,
    gridChargeKwh: d?.eGridCharge ?? null,
    importKwh,
    exportKwh,
    evKwh,
    loadKwh,
    raw: data,
  };
}

function requireData(data: unknown, operation: string): unknown {
  if (data === null || data === undefined) {
    throw new ResponseFormatError(
      `Unexpected response from ${operation}: "data" is null on a successful answer. Try again; report it if it persists.`,
      {
        vendor: VENDOR,
        operation,
        path: "data",
        retryable: true,
      },
    );
  }
  return data;
}

/** The settings of a parsed result, without the result-only fields (serial number, raw). */
export function settingsOf<T extends { serialNumber: string; raw: unknown }>(result: T): Omit<T, "serialNumber" | "raw"> {
  const { serialNumber: _sn, raw: _raw, ...settings } = result;
  return settings;
}

export function parseChargingSettings(data: unknown, serialNumber: string): ChargingSettingsResult {
  const d = parse(wire.chargeConfig, requireData(data, "getChargeConfigInfo"), "getChargeConfigInfo");
  return {
    serialNumber,
    stopLevel: percentToFraction(d.batHighCap)!,
    useGrid: d.gridCharge,
    firstPeriod: { start: d.timeChaf1, end: d.timeChae1 },
    secondPeriod: { start: d.timeChaf2, end: d.timeChae2 },
    raw: data,
  };
}

export function parseDischargingSettings(data: unknown, serialNumber: string): DischargingSettingsResult {
  const d = parse(wire.dischargeConfig, requireData(data, "getDisChargeConfigInfo"), "getDisChargeConfigInfo");
  return {
    serialNumber,
    stopLevel: percentToFraction(d.batUseCap)!,
    enableTimeControl: d.ctrDis,
    firstPeriod: { start: d.timeDisf1, end: d.timeDise1 },
    secondPeriod: { start: d.timeDisf2, end: d.timeDise2 },
    raw: data,
  };
}

function schedulePeriod(item: wire.WireTimeChargeItem, weekly: boolean, field: string): SchedulePeriod {
  if (item.chargeLimit === null) {
    throw new ResponseFormatError(`Unexpected response from getTimeChargeBySn: ${field}.chargeLimit is missing. Please report it.`, {
      vendor: VENDOR,
      operation: "getTimeChargeBySn",
      path: `${field}.chargeLimit`,
    });
  }
  const period: SchedulePeriod = { start: item.beginTime, end: item.endTime, limit: percentToFraction(item.chargeLimit)! };
  if (item.weeks && (weekly || item.weeks.length > 0)) period.weekdays = [...item.weeks].sort((a, b) => a - b);
  if (item.chargePower !== null) period.powerW = item.chargePower;
  return period;
}

export function parseWeeklySchedule(data: unknown, serialNumber: string): WeeklySchedule {
  const d = parse(wire.timeCharge, requireData(data, "getTimeChargeBySn"), "getTimeChargeBySn");
  const weekly = d.executeCycleType === 1;
  return {
    serialNumber,
    cycle: weekly ? "weekly" : "daily",
    gridCharge: d.gridChargeCycle === true ? true : null,
    dischargeTimeControl: d.ctrDisCycle === true ? true : null,
    charge: d.chargeTimeList.map((p, i) => schedulePeriod(p, weekly, `data.chargeTimeList[${i}]`)),
    discharge: d.dischargeTimeList.map((p, i) => schedulePeriod(p, weekly, `data.dischargeTimeList[${i}]`)),
    raw: data,
  };
}

export function parseEvChargers(data: unknown): EvCharger[] {
  return parse(wire.evChargerList, data, "getEvChargerConfigList").map((c, i) => ({
    serialNumber: c.evchargerSn,
    model: c.evchargerModel ?? null,
    raw: (data as unknown[])[i],
  }));
}

export function parseEvChargerCurrents(data: unknown, serialNumber: string): EvChargerCurrentSettings {
  const d = parse(wire.evChargerCurrents, requireData(data, "getEvChargerCurrentsBySn"), "getEvChargerCurrentsBySn");
  return { serialNumber, currentLimitA: d.currentsetting, raw: data };
}

const EV_STATES: Record<number, EvChargerState> = {
  1: "available",
  2: "preparing",
  3: "charging",
  4: "suspendedEVSE",
  5: "suspendedEV",
  6: "finishing",
  9: "faulted",
};

export function evChargerState(code: number): EvChargerState {
  return EV_STATES[code] ?? "unknown";
}

export function parseEvChargerStatus(data: unknown, serialNumber: string, chargerSerialNumber: string): EvChargerStatus {
  const d = parse(wire.evChargerStatus, requireData(data, "getEvChargerStatusBySn"), "getEvChargerStatusBySn");
  const code = d.evchargerStatus;
  return {
    serialNumber,
    chargerSerialNumber,
    code,
    state: evChargerState(code),
    canStart: code === 2 || code === 4 || code === 5,
    canStop: code === 3 || code === 4 || code === 5,
    raw: data,
  };
}

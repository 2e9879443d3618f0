import { addDays, pad2 } from "../../core/time/calendar-date.js";
import { localDate, wallTimeOf, zonedTimeToInstant } from "../../core/time/zoned.js";
import type { HouseModel, HouseSnapshot } from "../kernel.js";

/**
 * Renders one simulated house as SEMS would show it: the monitor detail (power flow with
 * unsigned "N(W)" strings and direction flags, statistics, inverter tiles) and the day chart
 * (5-minute points). Shapes follow fixtures/goodwe/sems-*.json (synthesized, not copied).
 * Direction flags: grid −1 importing / 1 exporting; battery 1 discharging / −1 charging.
 */

export interface SemsPlant {
  powerStationId: string;
  stationName: string;
  inverterSerial: string;
  inverterModel: string;
  capacityKwp: number;
  batteryCapacityKwh: number;
  /** 1 normal, 0 stopped (after SaveRemoteControlInverter "2"). */
  inverterStatus: number;
  currency: string;
  /** Lifetime counters before the simulation started, kWh. */
  base: { pv: number; buy: number; sell: number; charge: number; discharge: number; load: number };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const watts = (v: number) => `${Math.round(Math.abs(v))}(W)`;
const flag = (v: number, positive: number, negative: number) => (Math.round(v) > 0 ? positive : Math.round(v) < 0 ? negative : 0);

/** "MM/dd/yyyy HH:mm:ss" local. */
export function semsTime(instant: number, timeZone: string): string {
  const w = wallTimeOf(instant, timeZone);
  return `${pad2(w.month)}/${pad2(w.day)}/${w.year} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
}

/** Per house: the PV energy of the current month's finished days (they no longer change). */
const finishedDays = new WeakMap<HouseModel, { before: string; kwh: number }>();

/** PV energy from the first of `today`'s month through `today`: the finished days are summed once. */
function monthPvKwh(house: HouseModel, today: string): number {
  const monthStart = `${today.slice(0, 8)}01`;
  let cached = finishedDays.get(house);
  if (!cached || cached.before > today || cached.before.slice(0, 8) !== today.slice(0, 8)) cached = { before: monthStart, kwh: 0 };
  for (; cached.before < today; cached.before = addDays(cached.before, 1)) cached.kwh += house.dayTotals(cached.before).pvKwh;
  finishedDays.set(house, cached);
  return cached.kwh + house.dayTotals(today).pvKwh;
}

export function renderMonitorDetail(
  house: HouseModel,
  plant: SemsPlant,
  now: number,
  options: { offline?: boolean } = {},
): Record<string, unknown> {
  const tz = house.config.timeZone;
  const s = house.now();
  const today = localDate(now, tz);
  const day = house.dayTotals(today);
  const totals = house.totals();
  const offline = options.offline === true;
  const uploaded = Math.floor(now / 300_000) * 300_000;
  const time = semsTime(uploaded, tz);
  const socPct = Math.round(s.soc * 100);
  const running = plant.inverterStatus === 1 && !offline;
  const load = s.loadW + s.evW;
  const month = monthPvKwh(house, today);
  const vbat = 400 + 30 * s.soc;
  const stats = (
    c: { pvKwh: number; importKwh: number; exportKwh: number; loadKwh: number; evKwh: number; chargeKwh: number; dischargeKwh: number },
    base?: SemsPlant["base"],
  ) => {
    const sum = c.pvKwh + (base?.pv ?? 0);
    const sell = c.exportKwh + (base?.sell ?? 0);
    const buy = c.importKwh + (base?.buy ?? 0);
    const consumption = c.loadKwh + c.evKwh + (base?.load ?? 0);
    return {
      contributingRate: consumption > 0 ? round1(((consumption - buy) / consumption) * 100) / 100 : 0,
      selfUseRate: sum > 0 ? round1(((sum - sell) / sum) * 100) / 100 : 0,
      sum: round1(sum),
      buy: round1(buy),
      sell: round1(sell),
      selfUseOfPv: round1(Math.max(0, sum - sell)),
      consumptionOfLoad: round1(consumption),
      chartsType: 1,
      hasPv: true,
      hasCharge: true,
      charge: round1(c.chargeKwh + (base?.charge ?? 0)),
      disCharge: round1(c.dischargeKwh + (base?.discharge ?? 0)),
      isStored: true,
    };
  };
  return {
    info: {
      powerstation_id: plant.powerStationId,
      time,
      date_format: "dd/MM/yyyy",
      stationname: plant.stationName,
      address: "Simulated Street 1",
      battery_capacity: plant.batteryCapacityKwh,
      capacity: plant.capacityKwp,
      powerstation_type: "Residential",
      status: offline ? -1 : 1,
      is_stored: true,
      is_powerflow: true,
      charts_type: 1,
      has_pv: true,
      time_span: 1.0,
      org_code: "GW000000",
      org_name: "Simulated Installer",
    },
    kpi: {
      month_generation: round1(month),
      pac: running ? Math.round(s.pvW) : 0,
      power: round1(day.pvKwh),
      total_power: round1(plant.base.pv + totals.pvKwh),
      day_income: round1(day.pvKwh * 0.25),
      total_income: round1((plant.base.pv + totals.pvKwh) * 0.25),
      yield_rate: 0.25,
      currency: plant.currency,
    },
    powercontrol_status: 0,
    images: [],
    inverter: [
      {
        sn: plant.inverterSerial,
        is_stored: true,
        name: "Simulated ET",
        eday: round1(day.pvKwh),
        emonth: round1(month),
        etotal: round1(plant.base.pv + totals.pvKwh),
        status: offline ? -1 : plant.inverterStatus,
        type: plant.inverterModel,
        capacity: plant.capacityKwp,
        tempperature: round1(30 + s.pvW / 1000),
        time,
        battery: `${round1(vbat)}V/${round1(Math.abs(s.batteryW) / vbat)}A/${Math.round(Math.abs(s.batteryW))}W`,
        soc: `${socPct}%`,
        soh: "99%",
        output_power: `${Math.round(s.pvW + s.batteryW)}W`,
        last_refresh_time: time,
        battery_power: Math.round(s.batteryW),
        eday_buy: round1(day.importKwh),
        echarge_day: round1(day.chargeKwh),
        edischarge_day: round1(day.dischargeKwh),
        mtactivepower_r: Math.round(-s.gridW),
        d: {
          model: plant.inverterModel,
          soc: `${socPct}%`,
          pac: Math.round(s.pvW + s.batteryW),
          eDay: round1(day.pvKwh),
          eTotal: round1(plant.base.pv + totals.pvKwh),
        },
        invert_full: {
          sn: plant.inverterSerial,
          powerstation_id: plant.powerStationId,
          pac: Math.round(s.pvW + s.batteryW),
          eday: round1(day.pvKwh),
          etotal: round1(plant.base.pv + totals.pvKwh),
          vpv1: s.pvStringsW[0] ? 350.2 : 12.1,
          ipv1: s.pvStringsW[0] ? round1(s.pvStringsW[0] / 350.2) : 0,
          vpv3: 6553.5,
          ipv3: 6553.5,
          fac1: 50.01,
          vbattery1: round1(vbat),
          ibattery1: round1(s.batteryW / vbat),
          soc: socPct,
          soh: 99,
          pmeter: Math.round(-s.gridW),
          eDayBuy: round1(day.importKwh),
          eChargeDay: round1(day.chargeKwh),
          eDischargeDay: round1(day.dischargeKwh),
          battery_count: 1,
          more_batterys: [],
        },
        points: [],
      },
    ],
    hjgx: {
      co2: round1((plant.base.pv + totals.pvKwh) * 0.001),
      tree: Math.round(plant.base.pv / 20),
      coal: round1((plant.base.pv + totals.pvKwh) * 0.0004),
    },
    homKit: { homeKitLimit: false, sn: null },
    isTigo: false,
    hasPowerflow: true,
    hasGenset: false,
    hasMicroGrid: false,
    powerflow: {
      pv: offline ? "" : watts(s.pvW),
      pvStatus: offline ? 0 : flag(s.pvW, 1, 0),
      bettery: offline ? "" : watts(s.batteryW),
      betteryStatus: offline ? 0 : flag(s.batteryW, 1, -1),
      betteryStatusStr: null,
      load: offline ? "" : watts(load),
      loadStatus: offline ? 0 : flag(load, 1, 0),
      grid: offline ? "" : watts(s.gridW),
      gridStatus: offline ? 0 : flag(s.gridW, -1, 1),
      soc: socPct,
      socText: `${socPct}%`,
      hasEquipment: true,
      isHomKit: false,
      genset: "0(W)",
      gensetStatus: 0,
    },
    hasGridLoad: false,
    isShowBattery: true,
    isParallelInventers: false,
    isEvCharge: false,
    evCharge: null,
    hasEnergeStatisticsCharts: true,
    energeStatisticsCharts: stats(day),
    energeStatisticsTotals: stats(totals, plant.base),
    soc: { power: socPct, status: flag(s.batteryW, 1, -1) },
    equipment: [{ type: "5", title: "Simulated ET", status: plant.inverterStatus, sn: plant.inverterSerial, soc: `SOC: ${socPct}%` }],
    isSec1000EtPlant: false,
  };
}

/** The day's 5-minute chart up to now (empty for days not simulated or beyond the kept history). */
export function renderPlantPowerChart(house: HouseModel, plant: SemsPlant, date: string, now: number): Record<string, unknown> {
  const tz = house.config.timeZone;
  const start = zonedTimeToInstant(date, "00:00", tz).getTime();
  const end = Math.min(zonedTimeToInstant(addDays(date, 1), "00:00", tz).getTime(), Math.floor(now / 300_000) * 300_000);
  let samples: HouseSnapshot[] = [];
  try {
    samples = end > start ? house.history(Math.max(start, house.start.getTime()), end) : [];
  } catch {
    samples = [];
  }
  const buckets = new Map<number, HouseSnapshot[]>();
  for (const s of samples) {
    const key = Math.floor(s.at.getTime() / 300_000) * 300_000;
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key)!.push(s);
  }
  const points = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const mean = (list: HouseSnapshot[], f: (s: HouseSnapshot) => number) => list.reduce((sum, s) => sum + f(s), 0) / list.length;
  const line = (key: string, unit: string, color: string, sort: number, f: (s: HouseSnapshot) => number) => ({
    key,
    unit,
    frontColor: color,
    isActive: true,
    axis: key === "PCurve_Power_SOC" ? 1 : 0,
    sort,
    type: "line",
    xy: points.map(([at, list]) => {
      const w = wallTimeOf(at, tz);
      return { x: `${pad2(w.hour)}:${pad2(w.minute)}`, y: Math.round(mean(list, f)), z: null };
    }),
  });
  const pvKwh = house.dayTotals(date).pvKwh;
  return {
    generateData: [
      { key: "Generation", value: round1(pvKwh), unit_Key: "kWh" },
      { key: "Income", value: round1(pvKwh * 0.25), unit_Key: plant.currency },
    ],
    lines: [
      line("PCurve_Power_PV", "W", "#ffa800", 1, (s) => s.pvW),
      line("PCurve_Power_Battery", "W", "#3ac87a", 2, (s) => s.batteryW),
      line("PCurve_Power_Meter", "W", "#f15f5f", 3, (s) => s.gridW),
      line("PCurve_Power_Load", "W", "#5b8ff9", 4, (s) => s.loadW + s.evW),
      line("PCurve_Power_SOC", "%", "#9d6bf2", 5, (s) => s.soc * 100),
    ],
  };
}

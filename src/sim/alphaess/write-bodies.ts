import type { ChargeConfig, DischargeConfig, PeriodicConfig, PeriodItem } from "./types.js";

/** Validation of write bodies, as the live API validates them (independent of the client's checks, so they test each other). */

export const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const isFlag = (v: unknown): v is 0 | 1 => v === 0 || v === 1;
const isPercent = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100;

export function chargeBody(b: Record<string, unknown>): ChargeConfig | null {
  const times = [b.timeChaf1, b.timeChae1, b.timeChaf2, b.timeChae2];
  const cap = typeof b.batHighCap === "string" && /^\d+(\.\d+)?$/.test(b.batHighCap) ? Number(b.batHighCap) : b.batHighCap;
  if (!isFlag(b.gridCharge) || !isPercent(cap) || !times.every((t) => typeof t === "string" && HHMM.test(t))) return null;
  return {
    gridCharge: b.gridCharge,
    timeChaf1: b.timeChaf1 as string,
    timeChae1: b.timeChae1 as string,
    timeChaf2: b.timeChaf2 as string,
    timeChae2: b.timeChae2 as string,
    batHighCap: cap,
  };
}

export function dischargeBody(b: Record<string, unknown>): DischargeConfig | null {
  const times = [b.timeDisf1, b.timeDise1, b.timeDisf2, b.timeDise2];
  const cap = typeof b.batUseCap === "string" && /^\d+(\.\d+)?$/.test(b.batUseCap) ? Number(b.batUseCap) : b.batUseCap;
  if (!isFlag(b.ctrDis) || !isPercent(cap) || !times.every((t) => typeof t === "string" && HHMM.test(t))) return null;
  return {
    ctrDis: b.ctrDis,
    timeDisf1: b.timeDisf1 as string,
    timeDise1: b.timeDise1 as string,
    timeDisf2: b.timeDisf2 as string,
    timeDise2: b.timeDise2 as string,
    batUseCap: cap,
  };
}

/** setTimeChargeBySn checks, in the live order: 10001 for an omitted list, 6001 for bad values, 6008 for overlaps. */
export function periodicBody(b: Record<string, unknown>): { code: number; expMsg?: string } | PeriodicConfig {
  if (!("chargeTimeList" in b) || !("dischargeTimeList" in b)) return { code: 10001 };
  const type = b.executeCycleType;
  if (type !== 0 && type !== 1) return { code: 6001 };
  if (b.gridChargeCycle !== undefined && !isFlag(b.gridChargeCycle)) return { code: 6001 };
  if (b.ctrDisCycle !== undefined && !isFlag(b.ctrDisCycle)) return { code: 6001 };
  const lists: PeriodItem[][] = [];
  for (const raw of [b.chargeTimeList, b.dischargeTimeList]) {
    if (raw === null || (Array.isArray(raw) && raw.length === 0)) return { code: 6001, expMsg: "time list is null" };
    if (!Array.isArray(raw)) return { code: 10001 };
    const list: PeriodItem[] = [];
    for (const item of raw as Record<string, unknown>[]) {
      if (typeof item !== "object" || item === null) return { code: 6001 };
      const { beginTime, endTime, weeks, chargePower, chargeLimit } = item;
      if (typeof beginTime !== "string" || !HHMM.test(beginTime) || typeof endTime !== "string" || !HHMM.test(endTime))
        return { code: 6001 };
      if (typeof chargeLimit !== "number" || !(chargeLimit >= 10 && chargeLimit <= 100)) return { code: 6001 };
      if (
        chargePower !== undefined &&
        chargePower !== null &&
        (typeof chargePower !== "number" || !Number.isInteger(chargePower) || chargePower < 0)
      )
        return { code: 6001 };
      if (type === 1 && (!Array.isArray(weeks) || weeks.length === 0)) return { code: 6001 };
      if (weeks !== undefined && weeks !== null && (!Array.isArray(weeks) || !weeks.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)))
        return { code: 6001 };
      list.push({
        beginTime,
        endTime,
        ...(Array.isArray(weeks) ? { weeks: [...(weeks as number[])] } : {}),
        ...(typeof chargePower === "number" ? { chargePower } : {}),
        chargeLimit,
      });
    }
    lists.push(list);
  }
  const [charge, discharge] = lists as [PeriodItem[], PeriodItem[]];
  // At most 6 periods on any day and 28 in the week; no minute of the week used twice.
  const perDay = new Array(8).fill(0);
  const used = new Uint8Array(7 * 1440);
  let overlap = false;
  for (const item of [...charge, ...discharge]) {
    const days = type === 1 ? item.weeks! : [1, 2, 3, 4, 5, 6, 7];
    const s = Number(item.beginTime.slice(0, 2)) * 60 + Number(item.beginTime.slice(3));
    const e = Number(item.endTime.slice(0, 2)) * 60 + Number(item.endTime.slice(3));
    const length = (e - s + 1440) % 1440;
    for (const d of new Set(days)) {
      perDay[d]++;
      for (let m = 0; m < length; m++) {
        const idx = ((d - 1) * 1440 + s + m) % (7 * 1440);
        if (used[idx]) overlap = true;
        used[idx] = 1;
      }
    }
  }
  const total = perDay.reduce((a: number, b: number) => a + b, 0);
  if (perDay.some((n: number) => n > 6) || (type === 1 && total > 28)) return { code: 6001 };
  if (overlap) return { code: 6008 };
  return {
    executeCycleType: type,
    gridChargeCycle: (b.gridChargeCycle as number | undefined) ?? -1,
    ctrDisCycle: (b.ctrDisCycle as number | undefined) ?? -1,
    chargeTimeList: charge,
    dischargeTimeList: discharge,
  };
}

import { nullableNumber, numberLike, z } from "../core/validation.js";

/**
 * zod schemas of the AlphaESS wire bodies (the envelope's `data` member), spec §2. Objects are
 * loose (unknown fields pass through), every reading is `number | null`, and the field-name quirks
 * are accepted in both spellings (`cbat`/`cobat`, `pchargingPile`/`pChargingPile`,
 * `eOutput`/`eoutput`). The client converts these into the typed results of `models.ts`.
 */

/** A 0/1 flag (also accepts booleans and "0"/"1", which the server has not sent but peers do). */
export const flag = z
  .union([z.literal(0), z.literal(1), z.boolean(), z.literal("0"), z.literal("1")])
  .transform((v) => v === 1 || v === true || v === "1");

/** A detail object that may be null, missing, or a bare number (`pevDetail: 0` in a 2023 sample). */
function detail<S extends z.ZodType>(schema: S) {
  return z
    .union([schema, z.null(), z.number(), z.string()])
    .optional()
    .transform((v) => (typeof v === "object" && v !== null ? (v as z.output<S>) : null));
}

/** A reading that may be a number, null or missing (missing keys come out as null). */
const n = nullableNumber.optional().transform((v) => v ?? null);

export const essListItem = z.looseObject({
  sysSn: z.string().min(1),
  popv: n,
  minv: z.string().nullish(),
  poinv: n,
  cobat: n,
  mbat: z.string().nullish(),
  surplusCobat: n,
  usCapacity: n,
  emsStatus: z.string().nullish(),
});
export const essList = z
  .array(essListItem)
  .nullable()
  .transform((v) => v ?? []);
export type WireEssListItem = z.output<typeof essListItem>;

export const lastPowerData = z
  .looseObject({
    ppv: n,
    ppvDetail: detail(z.looseObject({ ppv1: n, ppv2: n, ppv3: n, ppv4: n, pmeterDc: n })),
    soc: n,
    pev: n,
    pevDetail: detail(z.looseObject({ ev1Power: n, ev2Power: n, ev3Power: n, ev4Power: n })),
    prealL1: n,
    prealL2: n,
    prealL3: n,
    pgrid: n,
    pgridDetail: detail(z.looseObject({ pmeterL1: n, pmeterL2: n, pmeterL3: n })),
    pbat: n,
    pload: n,
  })
  .nullable();
export type WireLastPowerData = NonNullable<z.output<typeof lastPowerData>>;

export const oneDayPowerItem = z.looseObject({
  sysSn: z.string().nullish(),
  uploadTime: z.string(),
  ppv: n,
  load: n,
  /** Live key; the portal documents `cobat`. */
  cbat: n,
  cobat: n,
  feedIn: n,
  gridCharge: n,
  /** Live key; the portal documents `pChargingPile`. */
  pchargingPile: n,
  pChargingPile: n,
});
export const oneDayPower = z
  .array(oneDayPowerItem)
  .nullable()
  .transform((v) => v ?? []);
export type WireOneDayPowerItem = z.output<typeof oneDayPowerItem>;

export const oneDateEnergy = z
  .looseObject({
    sysSn: z.string().nullish(),
    theDate: z.string().nullish(),
    epv: n,
    eCharge: n,
    eDischarge: n,
    eGridCharge: n,
    eInput: n,
    eOutput: n,
    eChargingPile: n,
    // Lower-case spellings as in getSumDataForCustomer, in case the endpoint drifts.
    echarge: n,
    edischarge: n,
    einput: n,
    eoutput: n,
  })
  .nullable();
export type WireOneDateEnergy = NonNullable<z.output<typeof oneDateEnergy>>;

export const sumData = z
  .looseObject({
    epvtoday: n,
    epvtotal: n,
    eload: n,
    eoutput: n,
    einput: n,
    echarge: n,
    edischarge: n,
    todayIncome: n,
    totalIncome: n,
    eselfConsumption: n,
    eselfSufficiency: n,
    treeNum: n,
    carbonNum: n,
    moneyType: z.string().nullish(),
  })
  .nullable();
export type WireSumData = NonNullable<z.output<typeof sumData>>;

const hhmm = z.string();

export const chargeConfig = z.looseObject({
  gridCharge: flag,
  timeChaf1: hhmm,
  timeChae1: hhmm,
  timeChaf2: hhmm,
  timeChae2: hhmm,
  /** `100.0` (2023) or `100`/`90` (2026); a string in the official Postman example. */
  batHighCap: numberLike,
});
export type WireChargeConfig = z.output<typeof chargeConfig>;

export const dischargeConfig = z.looseObject({
  ctrDis: flag,
  timeDisf1: hhmm,
  timeDise1: hhmm,
  timeDisf2: hhmm,
  timeDise2: hhmm,
  batUseCap: numberLike,
});
export type WireDischargeConfig = z.output<typeof dischargeConfig>;

export const timeChargeItem = z.looseObject({
  beginTime: hhmm,
  endTime: hhmm,
  weeks: z.array(z.union([z.number().int(), z.string().regex(/^\d$/).transform(Number)])).nullish(),
  chargePower: n,
  chargeLimit: n,
  // Portal-only per-element fields (not confirmed live).
  executeCycleType: z.number().nullish(),
  strategyType: z.number().nullish(),
  sort: z.number().nullish(),
});
export const timeCharge = z.looseObject({
  sysSn: z.string().nullish(),
  executeCycleType: z.union([z.literal(0), z.literal(1), z.literal("0"), z.literal("1")]).transform(Number),
  gridChargeCycle: flag.nullish(),
  ctrDisCycle: flag.nullish(),
  chargeTimeList: z
    .array(timeChargeItem)
    .nullish()
    .transform((v) => v ?? []),
  dischargeTimeList: z
    .array(timeChargeItem)
    .nullish()
    .transform((v) => v ?? []),
});
export type WireTimeCharge = z.output<typeof timeCharge>;
export type WireTimeChargeItem = z.output<typeof timeChargeItem>;

export const evChargerItem = z.looseObject({ evchargerSn: z.string().min(1), evchargerModel: z.string().nullish() });
export const evChargerList = z
  .array(evChargerItem)
  .nullable()
  .transform((v) => v ?? []);
export type WireEvChargerItem = z.output<typeof evChargerItem>;

export const evChargerCurrents = z.looseObject({ currentsetting: n });

const evStatusObject = z.looseObject({ evchargerStatus: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]) });
/** The portal documents `List<data>` but a single object comes back: accept both. */
export const evChargerStatus = z.union([
  evStatusObject,
  z
    .array(evStatusObject)
    .min(1)
    .transform((list) => list[0]!),
]);

/** Request bodies we send (documented for tests and the simulator). */
export interface UpdateChargeConfigBody {
  sysSn: string;
  batHighCap: number;
  gridCharge: 0 | 1;
  timeChaf1: string;
  timeChae1: string;
  timeChaf2: string;
  timeChae2: string;
}
export interface UpdateDischargeConfigBody {
  sysSn: string;
  batUseCap: number;
  ctrDis: 0 | 1;
  timeDisf1: string;
  timeDise1: string;
  timeDisf2: string;
  timeDise2: string;
}
export interface TimeChargeBodyItem {
  beginTime: string;
  endTime: string;
  weeks?: number[];
  chargePower?: number;
  chargeLimit: number;
}
export interface SetTimeChargeBody {
  sysSn: string;
  executeCycleType: 0 | 1;
  gridChargeCycle?: 0 | 1;
  ctrDisCycle?: 0 | 1;
  chargeTimeList: TimeChargeBodyItem[];
  dischargeTimeList: TimeChargeBodyItem[];
}

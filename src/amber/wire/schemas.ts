import { tolerantEnum, z } from "../../core/validation.js";
import type { components } from "./openapi.js";

/**
 * Run-time validation of Amber's responses (contract 2.0.0, `specs/amber-openapi.yaml`).
 *
 * - Objects are loose: fields Amber adds later pass through unchanged.
 * - String enums are tolerant (`descriptor`, `spikeStatus`, `channelType`, tariff periods, ...):
 *   an unknown value is kept as a string instead of failing the whole response.
 * - What the client relies on is strict: the interval `type` (it decides actual/current/forecast),
 *   `duration`, the timestamps, the prices and `estimate`.
 *
 * The type-level checks at the bottom of this file compare every wire schema with the types
 * generated from the contract (`openapi.ts`): same field names, same required fields, and every
 * value the contract allows is accepted. A contract change that the schemas do not follow breaks
 * the build (`tsc`), not production.
 */

type Schemas = components["schemas"];

export const CHANNEL_TYPES = ["general", "controlledLoad", "feedIn"] as const;
export const SITE_STATUSES = ["pending", "active", "closed"] as const;
export const SPIKE_STATUSES = ["none", "potential", "spike"] as const;
export const PRICE_DESCRIPTORS = ["negative", "extremelyLow", "veryLow", "low", "neutral", "high", "spike"] as const;
export const RENEWABLE_DESCRIPTORS = ["best", "great", "ok", "notGreat", "worst"] as const;
export const TARIFF_PERIODS = ["offPeak", "shoulder", "solarSponge", "peak"] as const;
export const TARIFF_SEASONS = [
  "default",
  "summer",
  "autumn",
  "winter",
  "spring",
  "nonSummer",
  "holiday",
  "weekend",
  "weekendHoliday",
  "weekday",
] as const;
export const USAGE_QUALITIES = ["estimated", "billable"] as const;
export const RENEWABLE_TYPES = ["ActualRenewable", "CurrentRenewable", "ForecastRenewable"] as const;

/** "general" | "controlledLoad" | "feedIn", or a channel type Amber adds later. */
export type ChannelType = (typeof CHANNEL_TYPES)[number] | (string & {});

/** A "YYYY-MM-DD" shape (the fast path in `fast-parse.ts` checks the same). */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 8601 date-time with an explicit zone (Amber sends `Z` for startTime/endTime, `+10:00` for nemTime). */
export const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A "YYYY-MM-DD" calendar date (Amber's `date`, `activeFrom`, `closedOn`). */
export const wireDate = z.string().regex(DATE_RE, "expected a YYYY-MM-DD date");
/** An ISO 8601 instant with an explicit offset that `Date.parse` understands. */
export const wireDateTime = z
  .string()
  .regex(DATE_TIME_RE, "expected an ISO 8601 date-time with a zone")
  .refine((s) => !Number.isNaN(Date.parse(s)), "not a real date-time");
export const wireDuration = z.union([z.literal(5), z.literal(15), z.literal(30)]);

export const channelSchema = z.looseObject({
  identifier: z.string(),
  type: tolerantEnum(CHANNEL_TYPES),
  tariff: z.string(),
});

export const siteSchema = z.looseObject({
  id: z.string().min(1),
  nmi: z.string(),
  channels: z.array(channelSchema),
  network: z.string(),
  status: tolerantEnum(SITE_STATUSES),
  activeFrom: wireDate.optional(),
  closedOn: wireDate.optional(),
  /** Billing interval length in minutes (5 or 30 today; a later value is kept). */
  intervalLength: z.number().int().positive(),
});

export const rangeSchema = z.looseObject({ min: z.number(), max: z.number() });
export const advancedPriceSchema = z.looseObject({ low: z.number(), predicted: z.number(), high: z.number() });
export const tariffInformationSchema = z.looseObject({
  period: tolerantEnum(TARIFF_PERIODS).optional(),
  season: tolerantEnum(TARIFF_SEASONS).optional(),
  block: z.number().optional(),
  demandWindow: z.boolean().optional(),
});

const baseIntervalShape = {
  duration: wireDuration,
  spotPerKwh: z.number(),
  perKwh: z.number(),
  date: wireDate,
  nemTime: wireDateTime,
  startTime: wireDateTime,
  endTime: wireDateTime,
  renewables: z.number(),
  channelType: tolerantEnum(CHANNEL_TYPES),
  tariffInformation: tariffInformationSchema.nullish(),
  spikeStatus: tolerantEnum(SPIKE_STATUSES),
  descriptor: tolerantEnum(PRICE_DESCRIPTORS),
};

export const actualIntervalWire = z.looseObject({ type: z.literal("ActualInterval"), ...baseIntervalShape });
export const currentIntervalWire = z.looseObject({
  type: z.literal("CurrentInterval"),
  ...baseIntervalShape,
  estimate: z.boolean(),
  range: rangeSchema.nullish(),
  advancedPrice: advancedPriceSchema.nullish(),
});
export const forecastIntervalWire = z.looseObject({
  type: z.literal("ForecastInterval"),
  ...baseIntervalShape,
  range: rangeSchema.nullish(),
  advancedPrice: advancedPriceSchema.nullish(),
});
/** One price interval as sent, discriminated by `type`. An unknown `type` is an error: we could not tell actual from forecast. */
export const intervalWire = z.discriminatedUnion("type", [actualIntervalWire, currentIntervalWire, forecastIntervalWire]);

export const usageWire = z.looseObject({
  type: z.string(),
  ...baseIntervalShape,
  channelIdentifier: z.string(),
  kwh: z.number(),
  quality: tolerantEnum(USAGE_QUALITIES),
  cost: z.number(),
});

export const renewableWire = z.looseObject({
  type: tolerantEnum(RENEWABLE_TYPES),
  duration: wireDuration,
  date: wireDate,
  nemTime: wireDateTime,
  startTime: wireDateTime,
  endTime: wireDateTime,
  renewables: z.number(),
  descriptor: tolerantEnum(RENEWABLE_DESCRIPTORS),
});

export type WireSite = z.output<typeof siteSchema>;
export type WireInterval = z.output<typeof intervalWire>;
export type WireUsage = z.output<typeof usageWire>;
export type WireRenewable = z.output<typeof renewableWire>;
export type TariffInformation = z.output<typeof tariffInformationSchema>;
export type AdvancedPrice = z.output<typeof advancedPriceSchema>;
export type PriceRange = z.output<typeof rangeSchema>;

// ---------------------------------------------------------------------------------------------
// Type-level drift checks against the generated contract types. Nothing here exists at run time.

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** Drops the `[key: string]: unknown` that loose objects add, leaving the declared fields. */
type Declared<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** Our schema declares exactly the contract's fields, requires exactly its required ones, and accepts every value it allows. */
type Matches<Contract, S extends z.ZodType> =
  Equals<keyof Contract, keyof Declared<z.input<S>>> extends true
    ? Equals<RequiredKeys<Contract>, RequiredKeys<Declared<z.input<S>>>> extends true
      ? Contract extends z.input<S>
        ? true
        : "a value the contract allows is rejected"
      : "required fields differ"
    : "field names differ";

export type ContractChecks = [
  Assert<Matches<Schemas["Channel"], typeof channelSchema>>,
  Assert<Matches<Schemas["Site"], typeof siteSchema>>,
  Assert<Matches<Schemas["Range"], typeof rangeSchema>>,
  Assert<Matches<Schemas["AdvancedPrice"], typeof advancedPriceSchema>>,
  Assert<Matches<Schemas["TariffInformation"], typeof tariffInformationSchema>>,
  Assert<Matches<Schemas["ActualInterval"], typeof actualIntervalWire>>,
  Assert<Matches<Schemas["CurrentInterval"], typeof currentIntervalWire>>,
  Assert<Matches<Schemas["ForecastInterval"], typeof forecastIntervalWire>>,
  Assert<Matches<Schemas["Usage"], typeof usageWire>>,
  Assert<Matches<Schemas["ActualRenewable"], typeof renewableWire>>,
  Assert<Matches<Schemas["CurrentRenewable"], typeof renewableWire>>,
  Assert<Matches<Schemas["ForecastRenewable"], typeof renewableWire>>,
  Assert<Equals<Schemas["Interval"]["type"], z.input<typeof intervalWire>["type"]>>,
];

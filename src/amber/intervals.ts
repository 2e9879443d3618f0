import { ResponseFormatError } from "../core/errors/index.js";
import { dateTimeMs, fastInterval, intervalStartMs } from "./fast-parse.js";
import { parseWith, z, type ParseContext } from "../core/validation.js";
import {
  CHANNEL_TYPES,
  intervalWire,
  renewableWire,
  siteSchema,
  usageWire,
  type AdvancedPrice,
  type ChannelType,
  type PriceRange,
  type TariffInformation,
  type WireInterval,
  type WireRenewable,
  type WireSite,
  type WireUsage,
} from "./wire/schemas.js";

/**
 * Amber's intervals as typed values.
 *
 * Every record keeps all the fields Amber sent, unchanged (unknown ones included), and gains two
 * instants: `start` (= `endTime − duration`) and `end` (= `endTime`). Together they tile time
 * without Amber's one-second gap (`startTime` is always `HH:MM:01Z`), so "the interval at time t"
 * is `start <= t < end`.
 */

export type { ChannelType, TariffInformation, AdvancedPrice, PriceRange };
export type SpikeStatus = "none" | "potential" | "spike" | (string & {});
/** Relative to Amber's DMO/VMO reference; `negative` is deprecated (replaced by `extremelyLow`). On feedIn, `high` = a good export price. */
export type PriceDescriptor = "negative" | "extremelyLow" | "veryLow" | "low" | "neutral" | "high" | "spike" | (string & {});
export type RenewableDescriptor = "best" | "great" | "ok" | "notGreat" | "worst" | (string & {});
export type IntervalDuration = 5 | 15 | 30;

/** Fields shared by every price interval and usage record. Prices are c/kWh including GST. */
export interface AmberIntervalFields {
  /** Length of the interval in minutes. 5-minute sites get 5-minute forecasts for about an hour, then 30-minute ones. */
  duration: IntervalDuration;
  /** NEM wholesale spot price, c/kWh incl. GST. **Never** sign-inverted: a feedIn interval repeats the general spot price. */
  spotPerKwh: number;
  /**
   * What the customer pays, c/kWh incl. GST, network and market fees. On `feedIn` the sign is
   * inverted by Amber: **negative = the customer is paid** for exporting; positive = exporting costs money.
   */
  perKwh: number;
  /** The NEM trading day (UTC+10, "YYYY-MM-DD") the interval belongs to; for the 23:30-24:00 interval it is the day before `nemTime`'s date. */
  date: string;
  /** The interval's **end** in NEM time, always `+10:00`, e.g. "2024-09-04T14:30:00+10:00". */
  nemTime: string;
  /** Amber's start in UTC, one second after the previous end ("…:00:01Z"). Use `start` for lookups. */
  startTime: string;
  /** End in UTC ("…:30:00Z"). */
  endTime: string;
  /** Share of renewables in the region's grid, percent 0..100 (long float tails are normal). */
  renewables: number;
  channelType: ChannelType;
  /** Present on general/controlledLoad for tariffs that use it; absent on feedIn. `demandWindow` has been unreliable. */
  tariffInformation?: TariffInformation | null;
  spikeStatus: SpikeStatus;
  descriptor: PriceDescriptor;
  /** Start of the interval: `endTime − duration` (one second before Amber's `startTime`). */
  start: Date;
  /** End of the interval, exclusive: `endTime`. */
  end: Date;
}

/** A settled price. Never has `estimate`, `range` or `advancedPrice`. */
export interface ActualInterval extends AmberIntervalFields {
  type: "ActualInterval";
}

/** The interval containing "now". */
export interface CurrentInterval extends AmberIntervalFields {
  type: "CurrentInterval";
  /**
   * True while the price is an estimate. 5-minute sites: true for the first ~15-60 s of the
   * interval. 30-minute sites: true until the last 5 minutes of the half-hour.
   */
  estimate: boolean;
  /** Possible NEM spot range (c/kWh, never inverted), only sometimes present. */
  range?: PriceRange | null;
  /** Amber's own forecast band (c/kWh incl. fees), same sign as `perKwh` (so on feedIn `low >= predicted >= high`). */
  advancedPrice?: AdvancedPrice | null;
}

/** A forecast (AEMO pre-dispatch). `advancedPrice` only on the nearer ~24 h; `range` only sometimes. */
export interface ForecastInterval extends AmberIntervalFields {
  type: "ForecastInterval";
  range?: PriceRange | null;
  advancedPrice?: AdvancedPrice | null;
}

/** A price interval: discriminate on `type`. */
export type AmberInterval = ActualInterval | CurrentInterval | ForecastInterval;
export type IntervalType = AmberInterval["type"];

/** One metered usage record (one per channel identifier per interval). */
export interface UsageRecord extends AmberIntervalFields {
  type: "Usage" | (string & {});
  /** Meter channel, e.g. "E1" (general), "E2" (controlled load), "B1" (feed-in). A site may have several per type. */
  channelIdentifier: string;
  /** Energy in kWh. The contract says exports are negative; the live API sends them positive. Kept as sent. */
  kwh: number;
  quality: "estimated" | "billable" | (string & {});
  /** Cost in **cents** incl. GST (kwh × perKwh); negative = a credit. */
  cost: number;
}

/** Renewables share of one state's grid for one interval (no auth needed). */
export interface Renewable {
  type: "ActualRenewable" | "CurrentRenewable" | "ForecastRenewable" | (string & {});
  duration: IntervalDuration;
  date: string;
  nemTime: string;
  startTime: string;
  endTime: string;
  /** Percent 0..100. */
  renewables: number;
  descriptor: RenewableDescriptor;
  start: Date;
  end: Date;
}

/** A site from `GET /sites`. Pending and closed sites are listed too: filter on `status`. */
export interface Site {
  /** 26-character ULID, upper-case Crockford base32. */
  id: string;
  /** National Metering Identifier. */
  nmi: string;
  channels: Array<{ identifier: string; type: ChannelType; tariff: string }>;
  /** Distribution network, e.g. "Energex". */
  network: string;
  status: "pending" | "active" | "closed" | (string & {});
  /** "YYYY-MM-DD"; in the future for pending sites; may be missing. */
  activeFrom?: string;
  /** "YYYY-MM-DD"; only on closed sites. */
  closedOn?: string;
  /** Billing interval length in minutes (5 or 30): the default resolution of the price endpoints. */
  intervalLength: number;
}

interface Bounded {
  start: Date;
  end: Date;
}

// The zod outputs plus bounds must fit the documented interfaces (checked by tsc, no run-time cost).
type Fits<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;
export type IntervalTypeChecks = [
  Assert<Fits<WireInterval & Bounded, AmberInterval>>,
  Assert<Fits<WireUsage & Bounded, UsageRecord>>,
  Assert<Fits<WireRenewable & Bounded, Renewable>>,
  Assert<Fits<WireSite, Site>>,
];

/**
 * Adds `start`/`end` to a parsed record, checking that Amber's `startTime` agrees with `endTime`
 * and `duration` (one second after `endTime − duration`; a plain `:00` start is accepted too).
 */
function bound<T extends { duration: number; startTime: string; endTime: string }>(
  record: T,
  index: number,
  ctx: ParseContext,
): T & Bounded {
  // The schema has checked both strings, so dateTimeMs (= Date.parse, faster) cannot give NaN here.
  const endMs = dateTimeMs(record.endTime);
  const startMs = intervalStartMs(endMs, dateTimeMs(record.startTime), record.duration);
  if (Number.isNaN(startMs)) {
    const path = `${ctx.pathPrefix ?? ""}[${index}].startTime`;
    throw new ResponseFormatError(
      `Unexpected response from ${ctx.operation ?? "amber"}: ${path} ${record.startTime} does not match endTime ${record.endTime} and duration ${record.duration} min. ` +
        `The vendor may have changed its API; please report it with this message.`,
      { vendor: ctx.vendor, operation: ctx.operation, path, issues: [`${path}: inconsistent with endTime and duration`] },
    );
  }
  const out = record as T & Bounded;
  out.start = new Date(startMs);
  out.end = new Date(endMs);
  return out;
}

const intervalsSchema = z.array(intervalWire);
const usageListSchema = z.array(usageWire);
const renewablesSchema = z.array(renewableWire);
const sitesSchema = z.array(siteSchema);

function ctxOf(operation: string): ParseContext {
  return { vendor: "amber", operation, pathPrefix: "body" };
}

/**
 * Validates a prices body (`/prices`, `/prices/current`) into typed intervals. Throws
 * `ResponseFormatError`. The records are copies unless `inPlace` (the client's own response bodies).
 */
export function parseIntervals(data: unknown, operation = "getPrices", options: { inPlace?: boolean } = {}): AmberInterval[] {
  const ctx = ctxOf(operation);
  // Fast path (never looser than the schema; see fast-parse.ts); anything it refuses goes to zod, which decides and names the path.
  if (Array.isArray(data)) {
    const out: AmberInterval[] = new Array<AmberInterval>(data.length);
    let i = 0;
    for (; i < data.length; i++) {
      const interval = fastInterval(data[i], !options.inPlace);
      if (!interval) break;
      out[i] = interval as unknown as AmberInterval;
    }
    if (i === data.length) return out;
  }
  const parsed = parseWith(intervalsSchema, data, ctx);
  return parsed.map((record, i) => bound(record, i, ctx) as AmberInterval);
}

/** Validates a `/usage` body. */
export function parseUsage(data: unknown, operation = "getUsage"): UsageRecord[] {
  const ctx = ctxOf(operation);
  const parsed = parseWith(usageListSchema, data, ctx);
  return parsed.map((record, i) => bound(record, i, ctx) as UsageRecord);
}

/** Validates a renewables body. */
export function parseRenewables(data: unknown, operation = "getCurrentRenewables"): Renewable[] {
  const ctx = ctxOf(operation);
  const parsed = parseWith(renewablesSchema, data, ctx);
  return parsed.map((record, i) => bound(record, i, ctx) as Renewable);
}

/** Validates a `/sites` body. */
export function parseSites(data: unknown, operation = "listSites"): Site[] {
  return parseWith(sitesSchema, data, ctxOf(operation)) as Site[];
}

/** "actual" | "current" | "forecast" for a price interval. */
export function kindOf(interval: Pick<AmberInterval, "type">): "actual" | "current" | "forecast" {
  return interval.type === "ActualInterval" ? "actual" : interval.type === "CurrentInterval" ? "current" : "forecast";
}

/** Whether the price may still change: forecasts always, the current interval while `estimate` is true. */
export function isEstimate(interval: AmberInterval): boolean {
  if (interval.type === "ActualInterval") return false;
  if (interval.type === "CurrentInterval") return interval.estimate;
  return true;
}

const CHANNEL_RANK = new Map<string, number>(CHANNEL_TYPES.map((c, i) => [c, i]));

/**
 * Groups records by `channelType` (never by array position: Amber's offsets shift when a channel
 * is added or removed). Keys come in Amber's order (general, controlledLoad, feedIn, then unknown
 * types as first seen); each group is chronological by `end`, mixed durations included.
 */
export function groupByChannel<T extends { channelType: string; end: Date }>(records: readonly T[]): Map<ChannelType, T[]> {
  return groupBy(records, (r) => r.channelType);
}

/** Groups usage by meter channel identifier ("E1", "E2", "B1", ...), ordered like `groupByChannel`. */
export function groupByChannelIdentifier(records: readonly UsageRecord[]): Map<string, UsageRecord[]> {
  return groupBy(
    records,
    (r) => r.channelIdentifier,
    (r) => r.channelType,
  );
}

function groupBy<T extends { end: Date; channelType: string }>(
  records: readonly T[],
  key: (r: T) => string,
  typeOf: (r: T) => string = key,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  const firstSeen = new Map<string, number>();
  const types = new Map<string, string>();
  for (const record of records) {
    const k = key(record);
    let group = groups.get(k);
    if (!group) {
      group = [];
      groups.set(k, group);
      firstSeen.set(k, firstSeen.size);
      types.set(k, typeOf(record));
    }
    group.push(record);
  }
  const rank = (k: string) => CHANNEL_RANK.get(types.get(k)!) ?? CHANNEL_TYPES.length;
  const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || firstSeen.get(a)! - firstSeen.get(b)!);
  const out = new Map<string, T[]>();
  for (const k of keys) {
    const group = groups.get(k)!;
    out.set(k, isChronological(group) ? group : [...group].sort((a, b) => a.end.getTime() - b.end.getTime()));
  }
  return out;
}

function isChronological(records: readonly { end: Date }[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i]!.end.getTime() < records[i - 1]!.end.getTime()) return false;
  return true;
}

/**
 * The record of `channel` whose `[start, end)` contains `at`, or `undefined`. It works in the
 * second between Amber's `endTime` and the next `startTime`, where a naive
 * `startTime <= t <= endTime` finds nothing. Should two records overlap (mixed durations), the
 * shorter one wins, being the more precise price.
 */
export function intervalAt<T extends { channelType: string; start: Date; end: Date; duration: number }>(
  records: readonly T[],
  at: Date | number,
  channel: ChannelType = "general",
): T | undefined {
  const t = typeof at === "number" ? at : at.getTime();
  let best: T | undefined;
  for (const record of records) {
    if (record.channelType !== channel) continue;
    if (record.start.getTime() <= t && t < record.end.getTime()) {
      if (!best || record.duration < best.duration) best = record;
    }
  }
  return best;
}

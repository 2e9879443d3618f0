import { addDays, daysBetween, eachDay, type CalendarDate } from "../../core/time/calendar-date.js";
import { formatNemTime, nemDate, nemDateOfIntervalEnd, nemDayStart, nemIntervalEnd, nemMinuteOfDay } from "../../core/time/nem.js";
import { NemPriceModel, hash01ab, subSeed, valueNoise1D, type NemRegion } from "../kernel.js";
import { orderedChannels, type AmberSimChannel, type AmberSimSite } from "./sites.js";

/**
 * Turns the NEM price model into Amber's intervals, exactly as the Amber spec (§4, §6, §7, §11)
 * describes them:
 * - intervals end on multiples of their duration in NEM time; `endTime` is that boundary in UTC
 *   (`…:00Z`), `startTime` is one second after the previous boundary (`…:01Z`), `nemTime` is the
 *   end at `+10:00`, and `date` is the NEM date of `endTime − 1 s`;
 * - the interval containing "now" is a `CurrentInterval`, earlier ones are actuals, later ones
 *   forecasts; on 5-minute requests the forecasts are 5-minute up to the first half-hour boundary
 *   an hour ahead, then 30-minute;
 * - a 5-minute current price is an estimate for the first `estimateSeconds` of the interval; a
 *   30-minute one until its last 5 minutes (a blend of settled 5-minute prices and forecasts);
 * - feed-in `perKwh` and `advancedPrice` are sign-inverted (negative = the customer is paid);
 *   `spotPerKwh` and `range` are not;
 * - `advancedPrice` only on current and forecast intervals up to 24 h ahead; `range` only on some
 *   forecasts; `tariffInformation` never on feed-in;
 * - field order as in the captured responses; actual renewables with three decimals (and the
 *   float tails Amber's own rounding leaves), forecast renewables unrounded.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export type WireRecord = Record<string, unknown>;

export interface AmberPricingOptions {
  seed: number;
  /** Seconds into a 5-minute interval before its price locks in (estimate → false). */
  estimateSeconds: number;
  /** Fixed forecast horizon in hours; default: AEMO's (end of today NEM, or of tomorrow after 12:30 NEM). */
  forecastHorizonHours?: number;
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Three decimals the way Amber's backend produces them: `55.266999999999996` happens. */
const threeDecimals = (value: number): number => Math.round(value * 1000) * 0.001;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

export class AmberPricing {
  private readonly models = new Map<NemRegion, NemPriceModel>();
  private readonly rangeSeed: number;
  private readonly usageSeed: number;

  constructor(private readonly options: AmberPricingOptions) {
    this.rangeSeed = subSeed(options.seed, "amber.range");
    this.usageSeed = subSeed(options.seed, "amber.usage");
  }

  model(region: NemRegion): NemPriceModel {
    let model = this.models.get(region);
    if (!model) {
      model = new NemPriceModel({ seed: this.options.seed, region });
      this.models.set(region, model);
    }
    return model;
  }

  /** The end of the furthest forecast interval published at `now`. */
  horizon(now: number): number {
    if (this.options.forecastHorizonHours !== undefined) return now + this.options.forecastHorizonHours * HOUR;
    const today = nemDate(now);
    const nextDayPublished = nemMinuteOfDay(now) >= 12 * 60 + 30;
    return nemDayStart(addDays(today, nextDayPublished ? 2 : 1)).getTime();
  }

  /** `/prices/current`: per channel, `previous` actuals, the current interval, `next` forecasts. */
  currentPrices(site: AmberSimSite, now: number, previous: number, next: number, resolution: 5 | 30): WireRecord[] {
    const step = resolution * MINUTE;
    const currentEnd = nemIntervalEnd(now, resolution).getTime();
    const horizon = this.horizon(now);
    const forecasts: Array<{ end: number; duration: 5 | 30 }> = [];
    let end = currentEnd;
    if (resolution === 5) {
      const lastFive = Math.ceil((now + HOUR) / (30 * MINUTE)) * 30 * MINUTE;
      while (forecasts.length < next && end + step <= lastFive && end + step <= horizon) {
        end += step;
        forecasts.push({ end, duration: 5 });
      }
    }
    while (forecasts.length < next) {
      const following = Math.floor(end / (30 * MINUTE)) * 30 * MINUTE + 30 * MINUTE;
      if (following > horizon) break;
      end = following;
      forecasts.push({ end, duration: 30 });
    }
    const out: WireRecord[] = [];
    for (const channel of orderedChannels(site)) {
      for (let k = previous; k >= 1; k--) out.push(this.interval(site, channel, currentEnd - k * step, resolution, now));
      out.push(this.interval(site, channel, currentEnd, resolution, now));
      for (const f of forecasts) out.push(this.interval(site, channel, f.end, f.duration, now));
    }
    return out;
  }

  /** `/prices`: every interval of the NEM dates `start`..`end` at `resolution`, up to the forecast horizon. */
  prices(site: AmberSimSite, now: number, start: CalendarDate, end: CalendarDate, resolution: 5 | 30): WireRecord[] {
    const step = resolution * MINUTE;
    const horizon = this.horizon(now);
    const days = eachDay(start, end);
    const out: WireRecord[] = [];
    for (const channel of orderedChannels(site)) {
      for (const day of days) {
        const dayStart = nemDayStart(day).getTime();
        for (let intervalEnd = dayStart + step; intervalEnd <= dayStart + DAY; intervalEnd += step) {
          if (intervalEnd - step > now && intervalEnd > horizon) break;
          out.push(this.interval(site, channel, intervalEnd, resolution, now));
        }
      }
    }
    return out;
  }

  /** One price interval of `channel` ending at `end`, as it looks at `now`. */
  interval(site: AmberSimSite, channel: AmberSimChannel, end: number, duration: 5 | 30, now: number): WireRecord {
    const model = this.model(site.region);
    const start = end - duration * MINUTE;
    const type = end <= now ? "ActualInterval" : start <= now ? "CurrentInterval" : "ForecastInterval";
    let spot: number;
    let estimate = false;
    if (type === "ActualInterval") {
      spot = model.spotCents(end, duration);
    } else if (type === "CurrentInterval") {
      estimate = duration === 5 ? now - start < this.options.estimateSeconds * 1000 : end - now > 5 * MINUTE;
      spot = estimate ? this.blendedSpot(model, end, duration, now) : model.spotCents(end, duration);
    } else {
      spot = model.forecastCents(end, duration, now);
    }
    const perKwh = retail(channel, spot, end, site);
    const renewables = model.renewablesPct(end, duration);
    // The forecast band, computed once: it feeds spikeStatus, range and advancedPrice.
    const band = type === "ActualInterval" ? null : model.forecastRange(end, duration, now);
    const out: WireRecord = {
      type,
      date: nemDateOfIntervalEnd(end),
      duration,
      startTime: iso(start + 1000),
      endTime: iso(end),
      nemTime: formatNemTime(end),
      perKwh: round(perKwh, 5),
      renewables: type === "ForecastInterval" ? renewables : threeDecimals(renewables),
      spotPerKwh: round(spot, 5),
      channelType: channel.type,
      spikeStatus:
        type !== "ForecastInterval"
          ? model.isSpike(end, duration)
            ? "spike"
            : "none"
          : spot >= 100
            ? "spike"
            : band!.max >= 60
              ? "potential"
              : "none",
    };
    const tariff = tariffInformation(site, channel, end);
    if (tariff) out.tariffInformation = tariff;
    out.descriptor = descriptor(channel, perKwh, spot);
    if (type === "CurrentInterval") out.estimate = estimate;
    if (band) {
      // `range` only sometimes (Amber: when the call lands near the end of a minute, and prices are volatile).
      if (type === "ForecastInterval" && hash01ab(this.rangeSeed, end / MINUTE, Math.floor(now / MINUTE)) < 0.4) {
        out.range = { min: round(band.min, 5), max: round(band.max, 5) };
      }
      if (end - now <= 24 * HOUR) {
        // The band's widths around the forecast, moved onto the spot actually used: a locked-in
        // current price is the actual, which may lie outside the forecast's band.
        const centre = type === "CurrentInterval" && !estimate ? model.forecastCents(end, duration, now) : spot;
        const below = Math.max(0, centre - band.min) * 0.6;
        const above = Math.max(0, band.max - centre) * 0.6;
        const prices = [spot - below, spot, spot + above].map((s) => round(retail(channel, s, end, site), 5));
        out.advancedPrice = { low: prices[0], predicted: prices[1], high: prices[2] };
      }
    }
    return out;
  }

  /** A 30-minute current price: settled 5-minute prices so far, forecasts for the rest. */
  private blendedSpot(model: NemPriceModel, end: number, duration: 5 | 30, now: number): number {
    if (duration === 5) return model.forecastCents(end, 5, now);
    let sum = 0;
    for (let e = end - 25 * MINUTE; e <= end; e += 5 * MINUTE) sum += e <= now ? model.spotCents(e, 5) : model.forecastCents(e, 5, now);
    return sum / 6;
  }

  /**
   * `/usage`: one record per channel identifier per interval of the NEM dates `start`..`end`, at
   * the site's interval length. Days from today on have no meter data yet.
   */
  usage(site: AmberSimSite, now: number, start: CalendarDate, end: CalendarDate): WireRecord[] {
    const today = nemDate(now);
    const lastDay = daysBetween(end, today) >= 1 ? end : addDays(today, -1);
    if (daysBetween(start, lastDay) < 0) return [];
    const duration = site.intervalLength;
    const step = duration * MINUTE;
    const model = this.model(site.region);
    const out: WireRecord[] = [];
    for (const channel of orderedChannels(site)) {
      for (const day of eachDay(start, lastDay)) {
        const dayStart = nemDayStart(day).getTime();
        const quality = daysBetween(day, today) > 3 ? "billable" : "estimated";
        for (let intervalEnd = dayStart + step; intervalEnd <= dayStart + DAY; intervalEnd += step) {
          const spot = model.spotCents(intervalEnd, duration);
          const perKwh = round(retail(channel, spot, intervalEnd, site), 5);
          const kwh = round(this.energyKwh(site, channel, intervalEnd, duration), 3);
          const record: WireRecord = {
            type: "Usage",
            duration,
            date: nemDateOfIntervalEnd(intervalEnd),
            endTime: iso(intervalEnd),
            quality,
            kwh,
            nemTime: formatNemTime(intervalEnd),
            perKwh,
            channelType: channel.type,
            channelIdentifier: channel.identifier,
            cost: round(kwh * perKwh, 4),
            renewables: model.renewablesPct(intervalEnd, duration),
            spotPerKwh: round(spot, 5),
            startTime: iso(intervalEnd - step + 1000),
            spikeStatus: model.isSpike(intervalEnd, duration) ? "spike" : "none",
          };
          const tariff = tariffInformation(site, channel, intervalEnd);
          if (tariff) record.tariffInformation = tariff;
          record.descriptor = descriptor(channel, perKwh, spot);
          out.push(record);
        }
      }
    }
    return out;
  }

  /**
   * Metered energy of one channel in the interval ending at `end`, kWh >= 0 (feed-in positive, as
   * the live API sends it): a household load with morning and evening peaks, rooftop PV under a
   * day-to-day cloud cover, a controlled load overnight.
   */
  energyKwh(site: AmberSimSite, channel: AmberSimChannel, end: number, duration: number): number {
    const mid = end - (duration * MINUTE) / 2;
    const hour = nemMinuteOfDay(mid) / 60;
    const day = Math.floor((mid + 10 * HOUR) / DAY);
    const h = site.household;
    const jitter = 0.75 + 0.5 * hash01ab(this.usageSeed, Math.floor(mid / MINUTE), channel.identifier.charCodeAt(0));
    const load = (h.baseLoadW + h.peakLoadW * (0.45 * bell(hour, 7.5, 1.2) + bell(hour, 18.5, 1.8))) * jitter;
    const clouds = 0.35 + 0.65 * valueNoise1D(this.usageSeed, day / 2);
    const pv = h.pvKw * 1000 * clouds * bell(hour, 12.5, 2.4);
    const hours = duration / 60;
    switch (channel.type) {
      case "general":
        return (Math.max(0, load - pv) * hours) / 1000;
      case "feedIn":
        return (Math.max(0, pv - load) * hours) / 1000;
      case "controlledLoad":
        return hour >= 0 && hour < 4 ? (h.controlledLoadW * hours) / 1000 : 0;
    }
  }

  /** Renewables of a state's region at `resolution`: `previous` actuals, current, `next` forecasts. */
  renewables(region: NemRegion, now: number, previous: number, next: number, resolution: 5 | 30): WireRecord[] {
    const model = this.model(region);
    const step = resolution * MINUTE;
    const currentEnd = nemIntervalEnd(now, resolution).getTime();
    const out: WireRecord[] = [];
    for (let k = -previous; k <= next; k++) {
      const end = currentEnd + k * step;
      const type = k < 0 ? "ActualRenewable" : k === 0 ? "CurrentRenewable" : "ForecastRenewable";
      const pct = model.renewablesPct(end, resolution);
      const renewables = k > 0 ? pct : threeDecimals(pct);
      out.push({
        type,
        duration: resolution,
        date: nemDateOfIntervalEnd(end),
        startTime: iso(end - step + 1000),
        endTime: iso(end),
        nemTime: formatNemTime(end),
        renewables,
        descriptor:
          renewables >= 45 ? "best" : renewables >= 35 ? "great" : renewables >= 20 ? "ok" : renewables >= 5 ? "notGreat" : "worst",
      });
    }
    return out;
  }
}

function bell(h: number, mean: number, sd: number): number {
  const z = (h - mean) / sd;
  return Math.exp(-0.5 * z * z);
}

/** Network + market charges on top of spot, c/kWh incl. GST, for a general or controlled-load channel. */
function networkCents(site: AmberSimSite, channel: AmberSimChannel, end: number): number {
  if (channel.type === "controlledLoad") return 3.6;
  if (site.tariffKind !== "tou") return 7.5;
  const period = touPeriod(end);
  return period === "peak" ? 17.8 : period === "shoulder" ? 9.2 : period === "solarSponge" ? 3.1 : 5.4;
}

function touPeriod(end: number): "offPeak" | "shoulder" | "solarSponge" | "peak" {
  const hour = nemMinuteOfDay(end - 1000) / 60;
  if (hour >= 16 && hour < 21) return "peak";
  if (hour >= 10 && hour < 15) return "solarSponge";
  if (hour >= 7) return "shoulder";
  return "offPeak";
}

/**
 * What the customer pays, c/kWh incl. GST. Feed-in is inverted: the customer is paid about the
 * spot price less a small fee, shown as a negative number, and pays to export when spot is negative.
 */
export function retail(channel: AmberSimChannel, spot: number, end: number, site: AmberSimSite): number {
  if (channel.type === "feedIn") return -(spot - 0.4);
  return spot + networkCents(site, channel, end);
}

function tariffInformation(site: AmberSimSite, channel: AmberSimChannel, end: number): Record<string, unknown> | undefined {
  if (channel.type === "feedIn" || site.tariffKind === "flat") return undefined;
  if (site.tariffKind === "tou") return { period: touPeriod(end), season: "default" };
  const hour = nemMinuteOfDay(end - 1000) / 60;
  return { demandWindow: channel.type === "general" && hour >= 15 && hour < 21 };
}

/** Amber's descriptor: how good the price is for this channel (for feed-in, how good for exporting). */
function descriptor(channel: AmberSimChannel, perKwh: number, spot: number): string {
  if (spot >= 100) return "spike";
  if (channel.type === "feedIn") {
    const earns = -perKwh;
    return earns >= 5 ? "high" : earns >= 2 ? "neutral" : earns >= 0 ? "low" : earns >= -1 ? "veryLow" : "extremelyLow";
  }
  return perKwh <= 8
    ? "extremelyLow"
    : perKwh <= 22
      ? "veryLow"
      : perKwh <= 45
        ? "low"
        : perKwh <= 60
          ? "neutral"
          : perKwh < 100
            ? "high"
            : "spike";
}

import { parseIntervals } from "../../amber/intervals.js";
import { ValidationError } from "../../core/errors/index.js";

/** A price series the backtest settles against and plans with. */
export interface PriceSeries {
  /** The actual price of the 30-minute interval starting at `startMs`. */
  actual(startMs: number): { importCents: number; exportCents: number };
  /** What was forecast for that interval at `issuedMs`. */
  forecast(startMs: number, issuedMs: number): { importCents: number; exportCents: number };
  /** End of the known prices (exclusive): plans are cut there. Undefined: unbounded. */
  readonly endMs?: number;
}

const HALF_HOUR = 30 * 60_000;

/**
 * Real Amber prices (a `/prices` response with general and feedIn channels) as a backtest price
 * series on the 30-minute grid: import = general perKwh, export earns −feedIn perKwh (Amber
 * inverts the feed-in sign). A 5-minute site's intervals are averaged into their half-hour.
 * A capture holds one issue of prices, so the forecast of an interval is the captured price itself.
 */
export class AmberPriceDays implements PriceSeries {
  readonly startMs: number;
  readonly endMs: number;
  private readonly slots: { importCents: number; exportCents: number }[];

  constructor(body: unknown) {
    const intervals = parseIntervals(body);
    const general = intervals.filter((i) => i.channelType === "general");
    if (general.length === 0) throw new ValidationError("Amber prices: no general-channel interval", { field: "channelType" });
    const start = Math.min(...general.map((i) => i.start.getTime()));
    this.startMs = Math.floor(start / HALF_HOUR) * HALF_HOUR;
    const end = Math.max(...general.map((i) => i.end.getTime()));
    const count = Math.ceil((end - this.startMs) / HALF_HOUR);
    const sums = Array.from({ length: count }, () => ({ imp: 0, impMin: 0, exp: 0, expMin: 0 }));
    for (const i of intervals) {
      const slot = sums[Math.floor((i.start.getTime() - this.startMs) / HALF_HOUR)];
      if (!slot) continue;
      if (i.channelType === "general") {
        slot.imp += i.perKwh * i.duration;
        slot.impMin += i.duration;
      } else if (i.channelType === "feedIn") {
        slot.exp -= i.perKwh * i.duration;
        slot.expMin += i.duration;
      }
    }
    // Only whole half-hours with a general price count; the series ends at the first gap.
    const firstGap = sums.findIndex((s) => s.impMin < 30);
    const whole = firstGap < 0 ? sums : sums.slice(0, firstGap);
    this.slots = whole.map((s) => ({ importCents: s.imp / s.impMin, exportCents: s.expMin > 0 ? s.exp / s.expMin : 0 }));
    this.endMs = this.startMs + this.slots.length * HALF_HOUR;
  }

  /** Whole days (48 half-hours) of prices. */
  get days(): number {
    return Math.floor(this.slots.length / 48);
  }

  actual(startMs: number): { importCents: number; exportCents: number } {
    const slot = this.slots[Math.floor((startMs - this.startMs) / HALF_HOUR)];
    if (!slot) throw new RangeError(`no Amber price at ${new Date(startMs).toISOString()}`);
    return slot;
  }

  forecast(startMs: number): { importCents: number; exportCents: number } {
    return this.actual(startMs);
  }
}

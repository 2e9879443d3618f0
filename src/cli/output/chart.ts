import asciichart from "asciichart";
import { systemTimeZone } from "../../core/time/zoned.js";
import { earningsPerKwhCents } from "../../model/helpers.js";
import { zonedClock } from "./format.js";
import type { PriceInterval } from "../../model/types.js";

export interface ChartOptions {
  /** Width of the plot area in characters (the series is resampled to fit). */
  width: number;
  height?: number;
  color: boolean;
  /** Zone of the time axis labels (default: this machine's). */
  timeZone?: string;
}

/**
 * A terminal line chart of prices ahead: what you pay per kWh on the general channel and, when
 * present, what you earn per exported kWh (feed-in with its sign flipped, so both read "higher is
 * more money"). One column per time slot; intervals longer than a slot fill several columns.
 */
export function priceChart(intervals: readonly PriceInterval[], options: ChartOptions): string {
  const general = intervals.filter((i) => i.channel === "general").sort((a, b) => a.start.getTime() - b.start.getTime());
  if (general.length === 0) return "(no general-channel prices to chart)";
  const feedIn = intervals.filter((i) => i.channel === "feedIn");
  const from = general[0]!.start.getTime();
  const to = general[general.length - 1]!.end.getTime();
  const columns = Math.max(8, Math.min(options.width, 240));
  const step = (to - from) / columns;
  const sample = (list: readonly PriceInterval[], value: (i: PriceInterval) => number): number[] => {
    const out: number[] = [];
    for (let c = 0; c < columns; c++) {
      const t = from + (c + 0.5) * step;
      const hit = list.find((i) => i.start.getTime() <= t && t < i.end.getTime());
      out.push(hit ? value(hit) : Number.NaN);
    }
    return fillGaps(out);
  };
  const buy = sample(general, (i) => i.perKwhCents);
  const earn = feedIn.length > 0 ? sample(feedIn, earningsPerKwhCents) : undefined;
  const plot = (series: number[][], colors: asciichart.Color[] | undefined, height: number) =>
    asciichart.plot(series, { height, colors, format: (x: number) => `${x.toFixed(1).padStart(7)} c ` });
  const axisLine = `${" ".repeat(11)}${axis(from, to, columns, options.timeZone)}`;
  const height = options.height ?? 10;
  const BUY = "buy price (general, c/kWh)";
  const EARN = "feed-in earnings (c/kWh, + = paid)";
  if (!earn) return `${plot([buy], undefined, height)}\n${axisLine}\n${" ".repeat(11)}${BUY}`;
  if (options.color) {
    const legend = `${asciichart.yellow}━━${asciichart.reset} ${BUY}   ${asciichart.green}━━${asciichart.reset} ${EARN}`;
    return `${plot([buy, earn], [asciichart.yellow, asciichart.green], height)}\n${axisLine}\n${" ".repeat(11)}${legend}`;
  }
  // Without colour two lines drawn with the same characters cannot be told apart: one chart each.
  const half = Math.max(4, Math.round(height / 2));
  return [
    `${" ".repeat(11)}${BUY}`,
    plot([buy], undefined, half),
    axisLine,
    `${" ".repeat(11)}${EARN}`,
    plot([earn], undefined, half),
    axisLine,
  ].join("\n");
}

/** Carries the last known value across slots with no interval (a gap would break the line). */
function fillGaps(values: number[]): number[] {
  const firstKnown = values.find((v) => Number.isFinite(v)) ?? 0;
  let last = firstKnown;
  return values.map((v) => {
    if (Number.isFinite(v)) last = v;
    return last;
  });
}

/** A time axis with local "HH:mm" labels at the start, middle and end. */
function axis(from: number, to: number, columns: number, timeZone?: string): string {
  const { time } = zonedClock(timeZone ?? systemTimeZone());
  const label = (t: number) => time(new Date(t));
  const left = label(from);
  const mid = label((from + to) / 2);
  const right = label(to);
  const line = Array.from({ length: columns + 1 }, () => " ");
  const put = (at: number, text: string) => {
    for (let i = 0; i < text.length && at + i < line.length; i++) line[Math.max(0, at) + i] = text[i]!;
  };
  put(0, left);
  put(Math.floor(columns / 2) - 2, mid);
  put(columns - right.length + 1, right);
  return line.join("");
}

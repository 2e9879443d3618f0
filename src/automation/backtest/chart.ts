import type { BacktestResult } from "./backtest.js";

const COLORS = ["#888888", "#d98c00", "#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#17becf", "#8c564b"];

/** An SVG line chart of each strategy's cumulative saving against self-consumption, in dollars per day. */
export function backtestSvg(result: BacktestResult): string {
  const width = 1100;
  const height = 420;
  const pad = { left: 60, right: 440, top: 30, bottom: 40 };
  const base = result.strategies[0]!.dailyCostCents;
  const series = result.strategies.map((s) => {
    let sum = 0;
    return s.dailyCostCents.map((c, d) => (sum += (base[d]! - c) / 100));
  });
  const all = series.flat();
  const lo = Math.min(0, ...all);
  const hi = Math.max(1, ...all);
  const days = base.length;
  const x = (d: number) => pad.left + ((d + 1) / Math.max(1, days)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + ((hi - v) / (hi - lo)) * (height - pad.top - pad.bottom);
  const lines = series.map((values, i) => {
    const points = [`${pad.left},${y(0)}`, ...values.map((v, d) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`)].join(" ");
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${points}"/>`;
  });
  const legend = result.strategies.map(
    (s, i) =>
      `<text x="${width - pad.right + 12}" y="${pad.top + 18 * i + 10}" font-size="12" fill="${COLORS[i % COLORS.length]}">${escape(s.name)}: $${(s.savingCents / 100).toFixed(2)}</text>`,
  );
  const ticks = [lo, 0, hi].map(
    (v) => `<text x="${pad.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">$${v.toFixed(0)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.left}" y="18" font-size="14">Cumulative saving against self-consumption, ${days} days, seed ${result.seed}</text>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#ccc"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#ccc"/>`,
    ...ticks,
    `<text x="${(pad.left + width - pad.right) / 2}" y="${height - 10}" font-size="11" text-anchor="middle">day</text>`,
    ...lines,
    ...legend,
    `</svg>`,
  ].join("\n");
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

import type { OptimizeInput } from "./input.js";
import type { PlannedInterval } from "./optimize.js";

/** Below this, W, the battery counts as idle when grouping blocks. */
const IDLE_W = 1;

interface Block {
  kind: "charge" | "discharge";
  from: number;
  to: number; // exclusive
}

/**
 * One sentence per charge or discharge block, saying what the block costs or earns and what it
 * is for, e.g. "charge 01:00–04:30 at 9–11 c from the grid: the 17:00–20:00 discharge avoids 48 c".
 */
export function explainPlan(input: OptimizeInput, plan: PlannedInterval[]): string[] {
  const blocks = findBlocks(plan);
  if (blocks.length === 0) return [idleReason(input)];
  return blocks.map((block) =>
    block.kind === "charge" ? explainCharge(input, plan, block, blocks) : explainDischarge(input, plan, block),
  );
}

function findBlocks(plan: PlannedInterval[]): Block[] {
  const blocks: Block[] = [];
  plan.forEach((p, t) => {
    const kind = p.batteryW < -IDLE_W ? "charge" : p.batteryW > IDLE_W ? "discharge" : undefined;
    const last = blocks.at(-1);
    if (kind && last?.kind === kind && last.to === t) last.to = t + 1;
    else if (kind) blocks.push({ kind, from: t, to: t + 1 });
  });
  return blocks;
}

function explainCharge(input: OptimizeInput, plan: PlannedInterval[], block: Block, blocks: Block[]): string {
  const { intervals } = input;
  const energy = blockEnergyKwh(input, plan, block);
  const fromGrid = range(block).some((t) => plan[t]!.gridW > IDLE_W && plan[t]!.batteryW < -IDLE_W);
  const prices = range(block).map((t) => (plan[t]!.gridW > IDLE_W ? intervals[t]!.importCentsPerKwh : intervals[t]!.exportCentsPerKwh));
  const source = fromGrid ? `from the grid at ${priceRange(prices)}` : `from surplus PV (export would earn ${priceRange(prices)})`;
  const later = blocks.find((b) => b.kind === "discharge" && b.from >= block.to);
  const reason = later
    ? `the ${span(input, later)} discharge is worth ${cents(average(range(later).map((t) => dischargeValue(input, plan, t))))}`
    : `energy left at the end is worth ${cents(input.endValueCentsPerKwh)}/kWh`;
  const negative = prices.some((p) => (fromGrid ? p < 0 : false)) ? " (importing pays)" : "";
  return `charge ${span(input, block)} ${fmt(energy)} kWh ${source}${negative}: ${reason}.`;
}

function explainDischarge(input: OptimizeInput, plan: PlannedInterval[], block: Block): string {
  const values = range(block).map((t) => dischargeValue(input, plan, t));
  const exports = range(block).some((t) => plan[t]!.gridW < -IDLE_W);
  const what = exports ? "covers the house and exports" : "covers the house instead of importing";
  const stored = storedCost(input, plan, block.from);
  const reason = stored === undefined ? "the battery already holds the energy" : `the energy was stored at about ${cents(stored)}`;
  return `discharge ${span(input, block)} ${fmt(blockEnergyKwh(input, plan, block))} kWh, ${what} at ${priceRange(values)}: ${reason}.`;
}

/** What a kWh discharged in interval t is worth: the import it avoids, or the export it earns. */
function dischargeValue(input: OptimizeInput, plan: PlannedInterval[], t: number): number {
  const interval = input.intervals[t]!;
  return plan[t]!.gridW < -IDLE_W ? interval.exportCentsPerKwh : interval.importCentsPerKwh;
}

/** Average price of the energy charged before interval t, or undefined when nothing was charged. */
function storedCost(input: OptimizeInput, plan: PlannedInterval[], before: number): number | undefined {
  let kwh = 0;
  let cost = 0;
  for (let t = 0; t < before; t++) {
    const p = plan[t]!;
    if (p.batteryW >= -IDLE_W) continue;
    const e = (-p.batteryW / 1000) * (input.intervals[t]!.minutes / 60);
    const i = input.intervals[t]!;
    kwh += e;
    cost += e * (p.gridW > IDLE_W ? i.importCentsPerKwh : i.exportCentsPerKwh);
  }
  return kwh > 0 ? cost / kwh : undefined;
}

function idleReason(input: OptimizeInput): string {
  const imports = input.intervals.map((i) => i.importCentsPerKwh);
  const spread = Math.max(...imports) - Math.min(...imports);
  const { chargeEfficiency, dischargeEfficiency, cycleCostCentsPerKwh } = input.battery;
  return `idle: the import price spread (${cents(spread)}) does not pay for the round-trip loss (${Math.round((1 - chargeEfficiency * dischargeEfficiency) * 100)} %) and the cycle cost (${cents(cycleCostCentsPerKwh)}/kWh), or the battery cannot move.`;
}

function blockEnergyKwh(input: OptimizeInput, plan: PlannedInterval[], block: Block): number {
  return range(block).reduce((sum, t) => sum + (Math.abs(plan[t]!.batteryW) / 1000) * (input.intervals[t]!.minutes / 60), 0);
}

function span(input: OptimizeInput, block: Block): string {
  const first = input.intervals[block.from]!;
  const last = input.intervals[block.to - 1]!;
  const end = Date.parse(last.start) + last.minutes * 60_000;
  return `${wallClock(first.start, Date.parse(first.start))}–${wallClock(first.start, end)}`;
}

/** HH:MM of an instant in the zone offset that `iso` carries (the input's own local time). */
export function wallClock(iso: string, ms: number): string {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  const offsetMin = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(ms + offsetMin * 60_000);
  return `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
}

function range(block: Block): number[] {
  return Array.from({ length: block.to - block.from }, (_, i) => block.from + i);
}

function average(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function priceRange(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return Math.round(lo) === Math.round(hi) ? cents(lo) : `${Math.round(lo)}–${cents(hi)}`;
}

function cents(x: number): string {
  return `${Math.round(x * 10) / 10} c`;
}

function fmt(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

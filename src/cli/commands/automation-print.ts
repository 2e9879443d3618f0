import asciichart from "asciichart";
import type { AutomationDecision, PlanRow } from "../../automation/controller.js";
import type { EnergySystem } from "../../model/types.js";
import type { CommandContext } from "../context.js";
import type { Column } from "../output/output.js";
import { scheduleLines } from "./battery.js";

/** The plan's wall-clock "HH:MM" from its ISO start with offset ("2026-03-01T17:30:00+10:00"). */
const clock = (iso: string) => iso.slice(11, 16);

const COLUMNS: Column<PlanRow>[] = [
  { header: "from", key: "start", value: (r) => r.start, show: (r) => clock(r.start) },
  {
    header: "buy c",
    key: "importCentsPerKwh",
    value: (r) => r.importCentsPerKwh,
    show: (r) => r.importCentsPerKwh.toFixed(1),
    align: "right",
  },
  {
    header: "earn c",
    key: "exportCentsPerKwh",
    value: (r) => r.exportCentsPerKwh,
    show: (r) => r.exportCentsPerKwh.toFixed(1),
    align: "right",
    drop: 2,
  },
  { header: "load W", key: "loadW", value: (r) => r.loadW, show: (r) => r.loadW.toFixed(0), align: "right", drop: 3 },
  { header: "PV W", key: "pvW", value: (r) => r.pvW, show: (r) => r.pvW.toFixed(0), align: "right", drop: 3 },
  {
    header: "battery W",
    key: "batteryW",
    value: (r) => r.batteryW,
    show: (r) => (Math.abs(r.batteryW) < 50 ? "idle" : `${r.batteryW < 0 ? "charge" : "discharge"} ${Math.abs(r.batteryW).toFixed(0)}`),
    align: "right",
  },
  { header: "grid W", key: "gridW", value: (r) => r.gridW, show: (r) => (Math.round(r.gridW) || 0).toFixed(0), align: "right", drop: 1 },
  { header: "SOC", key: "socEnd", value: (r) => r.socEnd, show: (r) => `${Math.round(r.socEnd * 100)} %`, align: "right" },
];

/** SOC (%) and the buy price (c/kWh) over the plan, one column per interval, as two small charts. */
export function planChart(rows: readonly PlanRow[], height = 8): string {
  if (rows.length < 2) return "";
  const axis = (() => {
    const line = Array.from({ length: rows.length }, () => " ");
    for (let i = 0; i < rows.length; i += 8)
      for (const [k, ch] of [...clock(rows[i]!.start)].entries()) if (i + k < line.length) line[i + k] = ch;
    return `${" ".repeat(11)}${line.join("")}`;
  })();
  const plot = (values: number[], unit: string) =>
    asciichart.plot(values, { height, format: (x: number) => `${x.toFixed(0).padStart(7)} ${unit}`.padEnd(10) });
  return [
    `${" ".repeat(11)}state of charge (%)`,
    plot(
      rows.map((r) => r.socEnd * 100),
      "%",
    ),
    axis,
    `${" ".repeat(11)}buy price (c/kWh)`,
    plot(
      rows.map((r) => r.importCentsPerKwh),
      "c",
    ),
    axis,
  ].join("\n");
}

/** The decision for people: what was done and why, the plan as a table and a chart, the schedule, the explanation, the cost. */
export function printDecision(ctx: CommandContext, system: EnergySystem, d: AutomationDecision, notes: string[]): void {
  const c = ctx.out.c;
  ctx.out.print(c.bold(`${system.vendor}:${system.id} — ${d.action}: ${d.reason}`));
  for (const n of notes) ctx.out.print(c.dim(n));
  if (d.intervals && d.intervals.length > 0) {
    ctx.out.table(COLUMNS, d.intervals, { title: `Plan, ${d.intervals.length / 2} h from ${clock(d.intervals[0]!.start)}` });
    ctx.out.print(planChart(d.intervals));
  }
  if (d.schedule) {
    ctx.out.print(c.bold("Compiled schedule"));
    for (const line of scheduleLines(d.schedule)) ctx.out.print(`  ${line}`);
  }
  if (d.explanation.length > 0) {
    ctx.out.print(c.bold("Why"));
    for (const line of d.explanation) ctx.out.print(`  ${line}`);
  }
  if (d.costCents !== undefined && d.baselineCostCents !== undefined)
    ctx.out.print(
      `plan cost ${(d.costCents / 100).toFixed(2)} $ against ${(d.baselineCostCents / 100).toFixed(2)} $ with the battery idle`,
    );
}

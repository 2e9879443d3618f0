import { describe, expect, it } from "vitest";
import type { PowerFlow, PriceInterval } from "../../model/types.js";
import { ENERGY_COLUMNS } from "../commands/history.js";
import { columns as priceColumns, priceRows } from "../commands/prices.js";
import { FLOW_COLUMNS } from "../commands/status.js";
import type { FlowRow } from "../commands/systems.js";
import { fakeIo } from "../test-support/fake-io.js";
import { Output, type Column } from "./output.js";

// Issue 12 item 3: tables fit the terminal, keep the identifying part of an id, and drop the least
// important columns before anything wraps.

function render<T>(width: number, columns: readonly Column<T>[], rows: readonly T[]): { out: string; err: string } {
  const f = fakeIo({ tty: true, columns: width });
  new Output(f.io, "table", false).table(columns, rows);
  return { out: f.stdout(), err: f.stderr() };
}

const flow = (pvW: number): PowerFlow =>
  ({
    observedAt: new Date("2026-12-06T01:00:00Z"),
    pvW,
    loadW: 1234,
    gridW: -2345,
    batteryW: 456,
    soc: 0.87,
    evW: 7200,
  }) as PowerFlow;
const statusRows: FlowRow[] = [
  { vendor: "alphaess", device: "AL7011023030601", flow: flow(5100), ageMs: 35_000, stale: false, error: null },
  { vendor: "alphaess", device: "AL7011023030602", flow: flow(4100), ageMs: 12_000, stale: false, error: null },
  { vendor: "powertrack", device: "S38292", flow: flow(31946.240225210844), ageMs: 120_000, stale: false, error: null },
];

const lines = (text: string) => text.trimEnd().split("\n");

describe("tables fit the terminal", () => {
  it.each([100, 80])("status at %i columns: no line wider, one line per row, both AlphaESS ids told apart", (width) => {
    const { out, err } = render(width, FLOW_COLUMNS, statusRows);
    for (const line of lines(out)) expect([...line].length, line).toBeLessThanOrEqual(width);
    // A header, its rule, three rows and the borders: nothing wrapped onto a second line.
    expect(lines(out)).toHaveLength(3 + 2 * statusRows.length);
    expect(out).toMatch(/0601/);
    expect(out).toMatch(/0602/);
    if (width < 100) expect(err).toMatch(/left out to fit/);
  });

  it("prices (9 columns) at 80 drops the least important columns, never the buy price", () => {
    const start = new Date("2026-12-06T00:00:00Z").getTime();
    const intervals: PriceInterval[] = [];
    for (let i = 0; i < 4; i++) {
      for (const channel of ["general", "feedIn"] as const) {
        intervals.push({
          start: new Date(start + i * 1_800_000),
          end: new Date(start + (i + 1) * 1_800_000),
          durationMin: 30,
          channel,
          kind: "forecast",
          estimate: true,
          perKwhCents: channel === "general" ? 31.2 : -8.1,
          spotPerKwhCents: 12.3,
          renewablesPct: 44,
          descriptor: "neutral",
          spike: "none",
        });
      }
    }
    const { out } = render(80, priceColumns("Australia/Sydney"), priceRows(intervals));
    for (const line of lines(out)) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(out).toMatch(/buy c\/kWh/);
    expect(out).toMatch(/earn c\/kWh/);
    expect(lines(out)).toHaveLength(3 + 2 * 4);
  });

  it("history energy at 80 columns fits", () => {
    const totals = { pvKwh: 31.25, loadKwh: 22.5, importKwh: 10.25, exportKwh: 19.5, chargeKwh: 8.25, dischargeKwh: 7.75 };
    const rows = ["2026-12-01", "2026-12-02"].map((date) => ({ date, totals, samples: [flow(5000)], error: null }));
    const { out } = render(80, ENERGY_COLUMNS, rows as never);
    for (const line of lines(out)) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(out).toMatch(/pvKwh/);
  });
});

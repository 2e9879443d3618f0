import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Collector } from "../collector/collector.js";

/**
 * The Prometheus view of the service: per-system power, SOC and energy, prices, and the collector's
 * own figures. Only ids and vendor names become labels: no credential, token or URL ever does.
 */
export function createMetrics(collector: Collector, options: { processMetrics?: boolean } = {}): Registry {
  const register = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register, prefix: "openpower_" });
  const power = new Gauge({
    name: "openpower_power_watts",
    help: "Power by flow (grid + import, battery + discharge), W",
    labelNames: ["vendor", "system", "flow"],
    registers: [register],
  });
  const soc = new Gauge({
    name: "openpower_soc_ratio",
    help: "Battery state of charge, 0..1",
    labelNames: ["vendor", "system"],
    registers: [register],
  });
  const observed = new Gauge({
    name: "openpower_reading_timestamp_seconds",
    help: "When the newest reading was measured",
    labelNames: ["vendor", "system"],
    registers: [register],
  });
  const energy = new Gauge({
    name: "openpower_energy_today_kwh",
    help: "Today's energy totals, kWh",
    labelNames: ["vendor", "system", "kind"],
    registers: [register],
  });
  const price = new Gauge({
    name: "openpower_price_cents_per_kwh",
    help: "Current price incl. GST, c/kWh (feed-in negative = paid)",
    labelNames: ["source", "channel"],
    registers: [register],
  });
  const renewables = new Gauge({
    name: "openpower_renewables_percent",
    help: "Renewables share of the current interval",
    labelNames: ["source", "channel"],
    registers: [register],
  });
  const polls = new Counter({
    name: "openpower_collector_runs_total",
    help: "Polls and backfills by outcome",
    labelNames: ["vendor", "kind", "outcome"],
    registers: [register],
  });
  const errors = new Counter({
    name: "openpower_collector_errors_total",
    help: "Failed polls and backfills by error class",
    labelNames: ["vendor", "error_class"],
    registers: [register],
  });
  const lag = new Gauge({
    name: "openpower_collector_lag_seconds",
    help: "Now minus the instant of the newest reading",
    labelNames: ["vendor", "source"],
    registers: [register],
  });
  const cadence = new Gauge({
    name: "openpower_collector_cadence_seconds",
    help: "Poll spacing chosen within the vendor's budget",
    labelNames: ["vendor", "source"],
    registers: [register],
  });
  const backfill = new Gauge({
    name: "openpower_backfill_progress_ratio",
    help: "Days of the running backfill done, 0..1",
    labelNames: ["source"],
    registers: [register],
  });
  const budgetLeft = new Gauge({
    name: "openpower_vendor_budget_remaining",
    help: "Requests left in the vendor's current rate-limit window, per account (where the client knows it)",
    labelNames: ["vendor", "account"],
    registers: [register],
  });
  const budgetLimit = new Gauge({
    name: "openpower_vendor_budget_limit",
    help: "Requests the vendor allows per rate-limit window, per account (where known)",
    labelNames: ["vendor", "account"],
    registers: [register],
  });
  const backfillLeft = new Gauge({
    name: "openpower_backfill_remaining_steps",
    help: "Days (or requests) the running backfill still has to read, 0 when done",
    labelNames: ["source"],
    registers: [register],
  });
  const backfillAdded = new Gauge({
    name: "openpower_backfill_rows_added",
    help: "Rows the latest backfill of a source added so far",
    labelNames: ["source"],
    registers: [register],
  });
  const duration = new Gauge({
    name: "openpower_collector_last_duration_seconds",
    help: "Duration of the last poll (collector clock)",
    labelNames: ["vendor", "source"],
    registers: [register],
  });

  collector.on("sample", ({ system, vendor, row }) => {
    for (const [flow, value] of [
      ["pv", row.pvW],
      ["load", row.loadW],
      ["grid", row.gridW],
      ["battery", row.batteryW],
      ["ev", row.evW],
    ] as const) {
      if (value !== null) power.set({ vendor, system, flow }, value);
    }
    if (row.soc !== null) soc.set({ vendor, system }, row.soc);
    observed.set({ vendor, system }, row.t / 1000);
  });
  collector.on("energy", ({ system, row }) => {
    const vendor = system.slice(0, system.indexOf(":"));
    for (const [kind, value] of Object.entries({
      pv: row.pvKwh,
      load: row.loadKwh,
      import: row.importKwh,
      export: row.exportKwh,
      charge: row.chargeKwh,
      discharge: row.dischargeKwh,
    })) {
      if (value !== null) energy.set({ vendor, system, kind }, value);
    }
  });
  collector.on("prices", ({ source, rows }) => {
    for (const r of rows) {
      if (r.kind !== "current") continue;
      price.set({ source, channel: r.channel }, r.perKwhCents);
      renewables.set({ source, channel: r.channel }, r.renewablesPct);
    }
  });
  collector.on("poll", (p) => {
    polls.inc({ vendor: p.vendor, kind: p.kind, outcome: p.ok ? "ok" : "error" });
    if (p.errorClass) errors.inc({ vendor: p.vendor, error_class: p.errorClass });
    if (p.kind === "poll") duration.set({ vendor: p.vendor, source: p.source }, p.durationMs / 1000);
  });
  collector.on("backfill", (p) => backfill.set({ source: p.system }, p.total === 0 ? 1 : p.done / p.total));
  // Lag and cadence are read when scraped, so they grow while a source is silent.
  const refresh = () => {
    for (const s of collector.states.values()) {
      if (s.lagMs !== null && s.lastObservedAt !== null)
        lag.set({ vendor: s.vendor, source: s.source }, Math.max(0, (collector.now() - s.lastObservedAt) / 1000));
      cadence.set({ vendor: s.vendor, source: s.source }, s.cadenceMs / 1000);
      if (s.backfill.total > 0) {
        backfill.set({ source: s.source }, s.backfill.done / s.backfill.total);
        backfillLeft.set({ source: s.source }, s.backfill.total - s.backfill.done);
        backfillAdded.set({ source: s.source }, s.backfill.added);
      }
    }
    for (const b of collector.budgets()) {
      if (b.remaining !== null) budgetLeft.set({ vendor: b.vendor, account: b.account }, b.remaining);
      if (b.limit !== null) budgetLimit.set({ vendor: b.vendor, account: b.account }, b.limit);
    }
  };
  const metrics = register.metrics.bind(register);
  register.metrics = async () => {
    refresh();
    return metrics();
  };
  return register;
}

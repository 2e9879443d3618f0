/**
 * The service's storage, as one interface: the collector and the HTTP API only ever see this, so a
 * second backend (PostgreSQL for fleets) is one more implementation, not a change to either. Every method is
 * async, because a networked database is.
 * Times are epoch milliseconds; power W, energy kWh, SOC 0..1, prices c/kWh; a missing reading is null.
 */

/** One power-flow sample, at the instant the device measured it. */
export interface SampleRow {
  /** `vendor:device`. */
  system: string;
  t: number;
  pvW: number | null;
  loadW: number | null;
  gridW: number | null;
  batteryW: number | null;
  soc: number | null;
  evW: number | null;
}

export const SAMPLE_FIELDS = ["pvW", "loadW", "gridW", "batteryW", "soc", "evW"] as const;
export type SampleField = (typeof SAMPLE_FIELDS)[number];

/** Samples in columns (cheap to serialise for a year of 5-minute data). */
export interface SampleColumns {
  t: number[];
  pvW: (number | null)[];
  loadW: (number | null)[];
  gridW: (number | null)[];
  batteryW: (number | null)[];
  soc: (number | null)[];
  evW: (number | null)[];
}

export interface EnergyRow {
  system: string;
  /** Local calendar day of the system, "YYYY-MM-DD". */
  date: string;
  pvKwh: number | null;
  loadKwh: number | null;
  importKwh: number | null;
  exportKwh: number | null;
  chargeKwh: number | null;
  dischargeKwh: number | null;
  /** When this total was read (a day's totals grow until the day ends; the last read wins). */
  readAt: number;
}

/** One price interval as one forecast vintage: the same interval is kept once per `issuedAt`. */
export interface PriceRow {
  /** `amber:<site>`. */
  source: string;
  channel: string;
  start: number;
  end: number;
  /** The vintage: the 5-minute boundary at (or before) which this forecast was issued. */
  issuedAt: number;
  kind: string;
  estimate: boolean;
  perKwhCents: number;
  spotPerKwhCents: number;
  renewablesPct: number;
  descriptor: string;
  spike: string;
}

/** Metered usage of one meter channel over one interval (Amber `/usage`). */
export interface UsageRow {
  /** `amber:<site>`. */
  source: string;
  /** The meter channel identifier ("E1", "B1"). */
  channel: string;
  /** "general", "controlledLoad", "feedIn". */
  channelType: string;
  start: number;
  end: number;
  kwh: number;
  /** Cents incl. GST; negative = a credit. */
  costCents: number;
  /** "estimated" until the meter data is "billable". */
  quality: string;
}

export interface SystemRow {
  id: string;
  vendor: string;
  device: string;
  name: string | null;
  timeZone: string | null;
  capabilities: string[];
  /** Poll spacing chosen for it, ms. */
  cadenceMs: number | null;
  lastSeen: number | null;
  /**
   * When it left its vendor's list (epoch ms, the collector's clock): no longer polled, its history kept. Null while in
   * service; listed rows always have it. Upserting a system says it is listed: absent or null puts it back in service.
   */
  retiredAt?: number | null;
}

export interface RunRow {
  /** The collector source: `vendor:device` or `amber:<site>`. */
  source: string;
  kind: "poll" | "backfill";
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  /** Rows written. */
  items: number;
  errorClass: string | null;
  error: string | null;
}

export interface GapRow {
  system: string;
  from: number;
  to: number;
  /** Why it could not be filled ("no history at this vendor", an error class). */
  reason: string;
}

export interface AuditRow {
  id?: number;
  at: number;
  system: string;
  action: "plan" | "apply";
  /** What was asked for, the plan, and the result with its read-back, as JSON-able values. */
  request: unknown;
  plan: unknown;
  result: unknown;
  ok: boolean | null;
}

/** One decision of the battery automation (`automation.mode` advise or control), with why it was taken. */
export interface DecisionRow {
  id?: number;
  at: number;
  system: string;
  mode: string;
  /** off, skip, hold, advise, write. */
  action: string;
  reason: string;
  /** The rest of the decision (explanation, schedule, costs, plan, result), as JSON-able values. */
  detail: unknown;
}

/** One interval of a load or PV forecast, as issued (the automation stores each forecast it plans with). */
export interface ForecastRow {
  system: string;
  /** "loadW" or "pvW". */
  quantity: string;
  /** Where it came from: "history" (the profile of recent days), "open-meteo", or "blend" (what the plan used). */
  source: string;
  /** When the forecast was made. */
  issuedAt: number;
  start: number;
  minutes: number;
  /** Mean power over the interval, W; null when the source had none. */
  value: number | null;
}

export interface Storage {
  /** Schema version after migrations. */
  readonly schemaVersion: number;
  upsertSystems(rows: readonly SystemRow[]): Promise<void>;
  listSystems(): Promise<SystemRow[]>;
  /**
   * Marks these systems retired at `at` (one retired already keeps its first instant), or back in service with null.
   * Unknown ids are ignored. Returns the rows changed.
   */
  retireSystems(ids: readonly string[], at: number | null): Promise<number>;
  /** Inserts samples; the same (system, t) twice stays one row. Returns the rows that were new. */
  insertSamples(rows: readonly SampleRow[]): Promise<number>;
  /**
   * Several callers' `insertSamples` as one write (one statement or transaction, all or nothing): the result is, per
   * batch, how many of its rows were new, as if the batches had been inserted one after another in this order.
   */
  insertSampleBatches(batches: readonly (readonly SampleRow[])[]): Promise<number[]>;
  latestSample(system: string): Promise<SampleRow | undefined>;
  /** Raw samples (and 30-minute aggregates past retention) in [from, to); `stepMs` averages into buckets. */
  samples(system: string, from: number, to: number, stepMs?: number): Promise<SampleColumns>;
  /** The same as `samples`, as the JSON text of `SampleColumns` (the backend's own JSON: a year of samples stays cheap). */
  samplesJson(system: string, from: number, to: number, stepMs?: number): Promise<{ count: number; json: string }>;
  upsertEnergy(rows: readonly EnergyRow[]): Promise<number>;
  /** Several callers' `upsertEnergy` as one write (all or nothing): per batch, its rows written, as if applied one batch after another. */
  upsertEnergyBatches(batches: readonly (readonly EnergyRow[])[]): Promise<number[]>;
  energy(system: string, fromDate: string, toDate: string): Promise<EnergyRow[]>;
  /**
   * Stores forecast vintages: (source, channel, start, issuedAt) twice stays one row (the later read wins), and a
   * vintage equal to the previous one is not stored again (the forecast at X is the latest vintage issued at or before X).
   */
  upsertPrices(rows: readonly PriceRow[]): Promise<number>;
  prices(query: { from: number; to: number; source?: string; channel?: string; vintages: "latest" | "all" }): Promise<PriceRow[]>;
  /** The latest interval start stored for a price source, or undefined. */
  latestPriceStart(source: string): Promise<number | undefined>;
  /** Stores usage; (source, channel, start) twice stays one row, the later read (estimated -> billable) wins. Returns rows new or changed. */
  upsertUsage(rows: readonly UsageRow[]): Promise<number>;
  usage(query: { source: string; from: number; to: number; channel?: string }): Promise<UsageRow[]>;
  /** The latest interval start stored for a usage source, or undefined. */
  latestUsageStart(source: string): Promise<number | undefined>;
  recordRun(row: RunRow): Promise<void>;
  /** Several runs as one write (one statement or transaction, all or nothing), stored in this order. */
  recordRuns(rows: readonly RunRow[]): Promise<void>;
  /** The last run per source and the last successful one. */
  runSummary(): Promise<{ source: string; last: RunRow; lastOk: RunRow | null; errors: number }[]>;
  recordGap(row: GapRow): Promise<void>;
  gaps(system?: string): Promise<GapRow[]>;
  recordAudit(row: AuditRow): Promise<number>;
  audit(system?: string, limit?: number): Promise<AuditRow[]>;
  recordDecision(row: DecisionRow): Promise<number>;
  /** The latest decision of each system, or of one system. */
  latestDecisions(system?: string): Promise<DecisionRow[]>;
  /** Stores forecast intervals; (system, quantity, source, start, issuedAt) twice stays one row (the later wins). Returns rows written. */
  recordForecast(rows: readonly ForecastRow[]): Promise<number>;
  /** Forecast intervals starting in [from, to), every issue, ordered by start then issue time. */
  forecasts(query: { from: number; to: number; system?: string; quantity?: string; source?: string }): Promise<ForecastRow[]>;
  /** Folds raw samples older than `before` into 30-minute aggregates and deletes them. Returns rows folded. */
  applyRetention(before: number): Promise<number>;
  close(): Promise<void>;
}

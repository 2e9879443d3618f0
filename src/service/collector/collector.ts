import { EventEmitter, setMaxListeners } from "node:events";
import type { Clock } from "../../core/clock.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { localDate, systemTimeZone } from "../../core/time/zoned.js";
import { capabilityNames, isEnergyMeter, isPowerHistory, isPriceSource } from "../../model/capabilities.js";
import type { EnergySystem, PriceSource } from "../../model/types.js";
import type { VendorSession } from "../../cli/vendors/types.js";
import type { EnergyRow, PriceRow, SampleRow, Storage } from "../storage/types.js";
import { backfillSystem, type BackfillProgress } from "./backfill.js";
import { budgetOf, type VendorBudget } from "./budget.js";
import { cadenceMs, POLL_RULES, ruleFor, type PollRule } from "./cadence.js";
import { energyRow, errorClass, FIVE_MIN_MS, priceRow, sampleRow, systemKey, vintageOf } from "./convert.js";
import { eachLimited, sleepOn, withDeadline } from "./pool.js";
import { nextUsagePass, usageReaderOf, usageRow, type UsageReader } from "./usage.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CollectorOptions {
  storage: Storage;
  /** The time every schedule runs on: the wall clock, or the simulators' accelerated clock. */
  clock: Clock;
  sessions: readonly VendorSession[];
  logger?: Logger;
  /** Slower cadences per kind, ms (a faster one than the vendor's floor is ignored). */
  cadenceMs?: Partial<Record<PollRule["kind"], number>>;
  /** Real-time limit of one request, ms (default 30 s): a hung vendor never holds its loop for long. */
  pollTimeoutMs?: number;
  /** How far back to backfill a system with nothing stored yet (default one day). */
  initialBackfillMs?: number;
  /** How often today's energy totals are read (default 15 min). */
  energyEveryMs?: number;
  /** Raw samples are kept this many days, then folded into 30-minute aggregates (default 30). */
  retentionDays?: number;
}

/** What the health endpoint and the metrics say about one source. */
export interface SourceState {
  source: string;
  vendor: string;
  kind: PollRule["kind"];
  cadenceMs: number;
  state: "starting" | "ok" | "failing" | "stopped";
  lastAttempt: number | null;
  lastSuccess: number | null;
  lastErrorClass: string | null;
  consecutiveFailures: number;
  /** Now minus the instant of the newest reading, ms. */
  lagMs: number | null;
  lastObservedAt: number | null;
  backfill: { running: boolean; done: number; total: number; added: number };
}

export interface CollectorEvents {
  sample: [{ system: string; vendor: string; row: SampleRow }];
  energy: [{ system: string; row: EnergyRow }];
  prices: [{ source: string; rows: PriceRow[] }];
  poll: [{ source: string; vendor: string; kind: "poll" | "backfill"; ok: boolean; errorClass: string | null; durationMs: number }];
  backfill: [BackfillProgress];
}

interface Tracked {
  key: string;
  system: EnergySystem;
  state: SourceState;
  lastEnergyAt: number;
  /** The zone its local dates are counted in (the system's, else its account's, else this machine's). */
  zone: string;
  /** A range a failed backfill left to fill, retried after the next good poll. */
  pending: { from: number; to: number } | null;
}

/**
 * One scheduler for every configured system and price feed. Each account (vendor session and kind)
 * runs its own loop within its budget, so a slow or failing vendor never delays another; readings
 * are stored at the instant the device measured them; gaps are backfilled from history.
 */
export class Collector extends EventEmitter<CollectorEvents> {
  readonly states = new Map<string, SourceState>();
  readonly systems = new Map<string, EnergySystem>();
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly log: Logger;
  /** A non-secret name for each session's account, for the budget gauges. */
  private readonly accounts = new Map<VendorSession, string>();
  /** Each price source's interval length, minutes, as its current interval shows it. */
  private readonly priceResolution = new Map<string, 5 | 30>();

  constructor(private readonly options: CollectorOptions) {
    super();
    // Every request in flight listens to this one (PowerTrack: 4 per account at once).
    setMaxListeners(0, this.abort.signal);
    this.log = options.logger ?? silentLogger;
  }

  /** The collector's time (virtual under the simulators). */
  now(): number {
    return this.clock.now();
  }

  private get clock(): Clock {
    return this.options.clock;
  }

  /** What is left of each account's request budget, where its client exposes its limiter. */
  budgets(): VendorBudget[] {
    const out: VendorBudget[] = [];
    for (const [session, account] of this.accounts) {
      const budget = budgetOf(session.client);
      if (budget) out.push({ vendor: session.vendor, account, ...budget });
    }
    return out;
  }

  /** Starts every loop; resolves once each session was asked for its systems (a failing one retries on its own). */
  async start(): Promise<void> {
    await Promise.all(this.options.sessions.map((s) => this.startSession(s)));
    this.loops.push(this.retentionLoop());
  }

  /** Stops polling and waits for the loops: a write or insert in flight finishes first. */
  async stop(): Promise<void> {
    this.abort.abort(new Error("collector stopped"));
    await Promise.allSettled(this.loops);
    for (const s of this.states.values()) s.state = "stopped";
  }

  private async startSession(session: VendorSession): Promise<void> {
    const signal = this.abort.signal;
    if (session.priceSource) {
      const priceSource = session.priceSource;
      this.loops.push(
        (async () => {
          for (;;) {
            try {
              const ps = await priceSource.call(session);
              if (isPriceSource(ps)) {
                this.accounts.set(session, `${ps.vendor}:${ps.id}`);
                const usage = usageReaderOf(session.client, ps.id);
                await Promise.all([this.priceLoop(ps), usage && this.usageLoop(ps, usage)]);
                return;
              }
            } catch (error) {
              this.log.warn("price source unavailable; retrying", { vendor: session.vendor, errorClass: errorClass(error) });
            }
            if (!(await sleepOn(this.clock, 60_000, signal))) return;
          }
        })(),
      );
    }
    let systems: EnergySystem[] | undefined;
    while (!systems) {
      try {
        systems = await session.systems();
      } catch (error) {
        this.log.warn("systems unavailable; retrying", { vendor: session.vendor, errorClass: errorClass(error) });
        if (!(await sleepOn(this.clock, 60_000, signal))) return;
      }
    }
    if (systems[0] && !this.accounts.has(session)) this.accounts.set(session, systemKey(systems[0]));
    const groups = new Map<PollRule["kind"], Tracked[]>();
    for (const system of systems) {
      const rule = ruleFor(system);
      const key = systemKey(system);
      const tracked: Tracked = {
        key,
        system,
        state: this.newState(key, system.vendor, rule),
        lastEnergyAt: -Infinity,
        pending: null,
        zone: system.timeZone ?? session.timeZone ?? systemTimeZone(),
      };
      this.systems.set(key, system);
      groups.set(rule.kind, [...(groups.get(rule.kind) ?? []), tracked]);
    }
    for (const [kind, members] of groups) {
      const rule = POLL_RULES[kind];
      // The session's budget covers its account; a GoodWe session's figure is SEMS's, not the local inverter's.
      const budget = kind === "goodwe-local" ? 0 : session.refreshIntervalMs(members.length);
      const cadence = cadenceMs(rule, budget, this.options.cadenceMs?.[kind]);
      for (const m of members) m.state.cadenceMs = cadence;
      await this.options.storage.upsertSystems(
        members.map((m) => ({
          id: m.key,
          vendor: m.system.vendor,
          device: m.system.id,
          name: m.system.name ?? null,
          timeZone: m.system.timeZone ?? null,
          capabilities: capabilityNames(m.system),
          cadenceMs: cadence,
          lastSeen: null,
        })),
      );
      this.loops.push(this.systemLoop(rule, cadence, members));
    }
  }

  private newState(source: string, vendor: string, rule: PollRule): SourceState {
    const state: SourceState = {
      source,
      vendor,
      kind: rule.kind,
      cadenceMs: rule.floorMs,
      state: "starting",
      lastAttempt: null,
      lastSuccess: null,
      lastErrorClass: null,
      consecutiveFailures: 0,
      lagMs: null,
      lastObservedAt: null,
      backfill: { running: false, done: 0, total: 0, added: 0 },
    };
    this.states.set(source, state);
    return state;
  }

  /** One vendor request, aborted on stop or after `pollTimeoutMs` (real time). */
  private request<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withDeadline(this.abort.signal, this.options.pollTimeoutMs ?? 30_000, call);
  }

  /** One account's loop: a round over its systems every `cadence`, backfills queued beside it on the same budget. */
  private async systemLoop(rule: PollRule, cadence: number, members: Tracked[]): Promise<void> {
    const signal = this.abort.signal;
    const queue: { m: Tracked; from: number; to: number }[] = [];
    let wake: (() => void) | undefined;
    signal.addEventListener("abort", () => wake?.(), { once: true });
    const enqueue = (m: Tracked, from: number, to: number) => {
      queue.push({ m, from, to });
      wake?.();
    };
    const initial = this.clock.now() - (this.options.initialBackfillMs ?? DAY_MS);
    for (const m of members) {
      const last = (await this.options.storage.latestSample(m.key))?.t;
      m.state.lastObservedAt = last ?? null;
      // A new source without history has nothing to fill; one with history starts from a day back.
      if (last !== undefined || isPowerHistory(m.system)) {
        const to = this.clock.now();
        enqueue(m, last ?? initial, to);
        // Covered up to `to` once that backfill runs: a first poll long after it (a slow start) is a gap too.
        m.state.lastObservedAt = to;
      }
    }
    const backfills = (async () => {
      while (!signal.aborted) {
        const job = queue.shift();
        if (!job) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        await this.backfill(job.m, job.from, job.to);
      }
    })();
    while (!signal.aborted) {
      const roundStart = this.clock.now();
      await eachLimited(members, rule.concurrency, (m) => this.pollSystem(m, enqueue));
      if (!(await sleepOn(this.clock, roundStart + cadence - this.clock.now(), signal))) break;
    }
    await backfills;
  }

  private async pollSystem(m: Tracked, enqueue: (m: Tracked, from: number, to: number) => void): Promise<void> {
    const { storage } = this.options;
    const started = this.clock.now();
    m.state.lastAttempt = started;
    try {
      const flow = await this.request((signal) => m.system.getPowerFlow({ signal }));
      const row = sampleRow(m.key, flow);
      const previous = m.state.lastObservedAt;
      let items = await storage.insertSamples([row]);
      if (items > 0) this.emit("sample", { system: m.key, vendor: m.system.vendor, row });
      // Twice the cadence, or a whole history step, without a reading: fill it from history.
      const step = isPowerHistory(m.system) ? m.system.historyStepMinutes * 60_000 : 0;
      const threshold = Math.max(2 * m.state.cadenceMs, step || 0) + 60_000;
      const skippedStep = step > 0 && previous !== null && Math.floor(row.t / step) - Math.floor(previous / step) > 1;
      if (previous !== null && (row.t - previous > threshold || skippedStep)) enqueue(m, previous, row.t);
      if (m.pending) {
        enqueue(m, m.pending.from, m.pending.to);
        m.pending = null;
      }
      m.state.lastObservedAt = Math.max(previous ?? -Infinity, row.t);
      items += await this.readEnergy(m, started).catch((error: unknown) => {
        // Energy totals are secondary: their failure is logged, the power reading still counts.
        if (!this.abort.signal.aborted) this.log.warn("energy totals failed", { source: m.key, errorClass: errorClass(error) });
        return 0;
      });
      await this.finish(m.state, "poll", started, items, null);
    } catch (error) {
      if (this.abort.signal.aborted) return;
      await this.finish(m.state, "poll", started, 0, error);
    }
  }

  /** Today's totals every `energyEveryMs`, and yesterday's final ones once the day has turned. */
  private async readEnergy(m: Tracked, now: number): Promise<number> {
    const meter = m.system;
    if (!isEnergyMeter(meter) || now - m.lastEnergyAt < (this.options.energyEveryMs ?? 15 * 60_000)) return 0;
    // A site that learned its zone since (PowerTrack reads `tz` on first use) counts in it.
    const zone = m.system.timeZone ?? m.zone;
    const today = localDate(now, zone);
    const dates =
      m.lastEnergyAt > 0 && localDate(m.lastEnergyAt, zone) !== today && meter.energyTotalsHistory
        ? [localDate(m.lastEnergyAt, zone), today]
        : [today];
    m.lastEnergyAt = now;
    let n = 0;
    for (const date of dates) {
      const row = energyRow(m.key, await this.request((signal) => meter.getEnergyTotals(date, { signal })), now);
      n += await this.options.storage.upsertEnergy([row]);
      this.emit("energy", { system: m.key, row });
    }
    return n;
  }

  private async backfill(m: Tracked, from: number, to: number): Promise<void> {
    if (to - from <= 2 * m.state.cadenceMs) return;
    const started = this.clock.now();
    m.state.backfill = { running: true, done: 0, total: 0, added: 0 };
    try {
      const result = await backfillSystem(
        this.options.storage,
        m.key,
        m.system,
        { from, to },
        {
          signal: this.abort.signal,
          logger: this.log,
          now: started,
          onProgress: (p) => {
            m.state.backfill = { running: true, done: p.done, total: p.total, added: p.added };
            this.emit("backfill", p);
          },
        },
      );
      await this.finish(m.state, "backfill", started, result.added, null);
    } catch (error) {
      if (!this.abort.signal.aborted) {
        m.pending = { from: Math.min(from, m.pending?.from ?? from), to: Math.max(to, m.pending?.to ?? to) };
        await this.finish(m.state, "backfill", started, 0, error);
      }
    } finally {
      m.state.backfill.running = false;
    }
  }

  private async finish(state: SourceState, kind: "poll" | "backfill", started: number, items: number, error: unknown): Promise<void> {
    const now = this.clock.now();
    const cls = error === null ? null : errorClass(error);
    if (kind === "poll") {
      if (cls === null) {
        state.state = "ok";
        state.lastSuccess = now;
        state.consecutiveFailures = 0;
      } else {
        state.state = "failing";
        state.consecutiveFailures++;
      }
    }
    if (cls !== null) {
      state.lastErrorClass = cls;
      this.log.warn(`${kind} failed`, { source: state.source, errorClass: cls });
    }
    state.lagMs = state.lastObservedAt === null ? null : Math.max(0, now - state.lastObservedAt);
    await this.options.storage.recordRun({
      source: state.source,
      kind,
      startedAt: started,
      finishedAt: now,
      ok: cls === null,
      items,
      errorClass: cls,
      error: cls,
    });
    this.emit("poll", { source: state.source, vendor: state.vendor, kind, ok: cls === null, errorClass: cls, durationMs: now - started });
  }

  /** Amber: right after each 5-minute boundary, and again while the interval just ended is still an estimate. */
  private async priceLoop(ps: PriceSource): Promise<void> {
    const signal = this.abort.signal;
    const source = `${ps.vendor}:${ps.id}`;
    const state = this.newState(source, ps.vendor, POLL_RULES.amber);
    state.cadenceMs = FIVE_MIN_MS;
    const lastOk = (await this.options.storage.runSummary()).find((r) => r.source === source)?.lastOk?.startedAt;
    // Covered up to here; the first round fills from it (a restart: the last good read; new: the initial backfill).
    let covered = lastOk ?? this.clock.now() - (this.options.initialBackfillMs ?? DAY_MS);
    let retries = 0;
    while (!signal.aborted) {
      const started = this.clock.now();
      const gap = started - covered > 2 * FIVE_MIN_MS;
      // The current read first: it tells the site's interval length, which the history read then asks for.
      const unfirm = await this.readPrices(ps, state, { previous: 6, next: 288 });
      // Polls missed (new, vendor down, machine asleep): the actuals of the gap come from the history endpoint.
      if (
        unfirm !== null &&
        (!gap ||
          (await this.readPrices(ps, state, {
            from: new Date(covered - FIVE_MIN_MS),
            to: new Date(started),
            resolution: this.priceResolution.get(source),
          })) !== null)
      )
        covered = started;
      const now = this.clock.now();
      const boundary = Math.floor(now / FIVE_MIN_MS) * FIVE_MIN_MS + FIVE_MIN_MS + 2_000;
      const again = unfirm === true && retries < 4 && boundary - now > 60_000;
      retries = again ? retries + 1 : 0;
      if (!(await sleepOn(this.clock, again ? 30_000 : boundary - now, signal))) break;
    }
  }

  /** Reads and stores one vintage; true when an interval that has ended is still an estimate, null when the read failed. */
  private async readPrices(
    ps: PriceSource,
    state: SourceState,
    query: { from?: Date; to?: Date; previous?: number; next?: number; resolution?: 5 | 30 },
  ): Promise<boolean | null> {
    const started = this.clock.now();
    state.lastAttempt = started;
    try {
      const intervals = await this.request((signal) => ps.getPriceIntervals({ ...query, signal }));
      const issuedAt = vintageOf(started);
      const rows = intervals.map((p) => priceRow(state.source, p, issuedAt));
      const items = await this.options.storage.upsertPrices(rows);
      if (items > 0) this.emit("prices", { source: state.source, rows });
      const current = intervals.find((p) => p.kind === "current");
      if (current) {
        state.lastObservedAt = current.start.getTime();
        // A 5-minute site's current interval is 5 minutes long: its history is read at that resolution too.
        this.priceResolution.set(state.source, current.end.getTime() - current.start.getTime() <= FIVE_MIN_MS ? 5 : 30);
      }
      await this.finish(state, query.from ? "backfill" : "poll", started, items, null);
      return intervals.some((p) => p.estimate && p.end.getTime() <= started);
    } catch (error) {
      if (!this.abort.signal.aborted) await this.finish(state, query.from ? "backfill" : "poll", started, 0, error);
      return null;
    }
  }

  /**
   * Amber usage: hourly, yesterday's meter data (and the day before the latest stored, which may have been partial);
   * after a gap every missing day, a few requests a pass and only while Amber's window has room to spare for prices.
   */
  private async usageLoop(ps: PriceSource, reader: UsageReader): Promise<void> {
    const source = `${ps.vendor}:${ps.id}`;
    const state = this.newState(`${source}/usage`, ps.vendor, POLL_RULES.amber);
    state.cadenceMs = HOUR_MS;
    let wait: number;
    do {
      const more = await this.readUsage(source, state, reader);
      wait = more ? FIVE_MIN_MS : HOUR_MS;
    } while (await sleepOn(this.clock, wait, this.abort.signal));
  }

  /** One pass; true when days are left for the next one. */
  private async readUsage(source: string, state: SourceState, reader: UsageReader): Promise<boolean> {
    const { storage } = this.options;
    const started = this.clock.now();
    const next = nextUsagePass(
      reader,
      started,
      await storage.latestUsageStart(source),
      started - (this.options.initialBackfillMs ?? DAY_MS),
    );
    if (typeof next === "boolean") return next;
    const { plan, pass } = next;
    const kind = plan.length > 1 ? "backfill" : "poll";
    state.lastAttempt = started;
    let added = 0;
    try {
      for (const [i, range] of pass.entries()) {
        const records = await this.request((signal) => reader.read(range.start, range.end, signal));
        added += await storage.upsertUsage(records.map((r) => usageRow(source, r)));
        for (const r of records) state.lastObservedAt = Math.max(state.lastObservedAt ?? -Infinity, r.end.getTime());
        if (kind === "backfill") {
          const progress = { system: state.source, date: range.end, done: i + 1, total: plan.length, added };
          state.backfill = { running: i + 1 < plan.length, done: progress.done, total: progress.total, added };
          this.log.info("usage backfill progress", { ...progress });
          this.emit("backfill", progress);
        }
      }
      if (kind === "backfill") Object.assign(state, { state: "ok", lastSuccess: this.clock.now(), consecutiveFailures: 0 });
      // The last pass of a backfill reads what was left: the progress says done.
      if (plan.length <= pass.length && state.backfill.total > 0)
        state.backfill = { ...state.backfill, running: false, done: state.backfill.total };
      await this.finish(state, kind, started, added, null);
    } catch (error) {
      if (this.abort.signal.aborted) return false;
      await this.finish(state, kind, started, added, error);
      return true;
    }
    return plan.length > pass.length;
  }

  private async retentionLoop(): Promise<void> {
    const days = this.options.retentionDays ?? 30;
    do {
      const folded = await this.options.storage.applyRetention(this.clock.now() - days * DAY_MS);
      if (folded > 0) this.log.info("retention: raw samples folded into 30-minute aggregates", { rows: folded });
    } while (await sleepOn(this.clock, HOUR_MS, this.abort.signal));
  }
}

import { EventEmitter, setMaxListeners } from "node:events";
import type { Clock } from "../../core/clock.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { localDate, systemTimeZone } from "../../core/time/zoned.js";
import { capabilityNames, isEnergyMeter, isPowerHistory, isPriceSource } from "../../model/capabilities.js";
import type { EnergySystem } from "../../model/types.js";
import type { VendorSession } from "../../cli/vendors/types.js";
import type { EnergyRow, PriceRow, SampleRow, Storage } from "../storage/types.js";
import { backfillSystem, type BackfillProgress } from "./backfill.js";
import { budgetOf, type VendorBudget } from "./budget.js";
import { cadenceMs, POLL_RULES, ruleFor, type PollRule } from "./cadence.js";
import { energyRow, errorClass, sampleRow, systemKey } from "./convert.js";
import { OWN_EVERYTHING, type Ownership } from "./ownership.js";
import { eachLimited, sleepOn, withDeadline } from "./pool.js";
import { priceLoop, usageLoop, type PriceLoopContext } from "./price-loops.js";
import { newSourceState, type SourceState } from "./state.js";
import { firstPollAfterTakeOver } from "./take-over.js";
import { usageReaderOf } from "./usage.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How often a fleet worker's loop looks for sources it may poll now (simulated ms). */
const OWNERSHIP_RECHECK_MS = 60_000;

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
  /** Requests of one account's loop in flight, per kind (default the rule's); a fleet budget in PostgreSQL paces them. */
  concurrency?: Partial<Record<PollRule["kind"], number>>;
  /** Fleet workers: the sources this process may poll (default every one). */
  ownership?: Ownership;
  /** How each session's systems are listed (default `session.systems()`); a fleet worker lists the shared registry. */
  listSystems?: (session: VendorSession) => Promise<EnergySystem[]>;
  /** How often a fleet worker's loop looks for sources it took over since (simulated ms, default 1 minute). */
  ownershipRecheckMs?: number;
  /** List again this often (simulated ms): new systems join, removed ones stop being polled. Default never. */
  relistEveryMs?: number;
}

export type { SourceState } from "./state.js";

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
  /** Taken over from another worker: not polled before this instant (`firstPollAfterTakeOver`). */
  notBefore?: number;
  /** The last take-over seen (its claim instant) and its first poll's instant, worked out once per take-over. */
  takeOver?: { at: number | null | undefined; notBefore: number };
}

/** One account's systems of one kind: one loop, one cadence (recomputed as systems join). */
interface Group {
  rule: PollRule;
  cadence: number;
  members: Tracked[];
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
                const ctx = this.priceContext();
                await Promise.all([priceLoop(ctx, ps), usage && usageLoop(ctx, ps, usage)]);
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
        systems = await this.list(session);
      } catch (error) {
        this.log.warn("systems unavailable; retrying", { vendor: session.vendor, errorClass: errorClass(error) });
        if (!(await sleepOn(this.clock, 60_000, signal))) return;
      }
    }
    if (systems[0] && !this.accounts.has(session)) this.accounts.set(session, systemKey(systems[0]));
    const groups = new Map<PollRule["kind"], Group>();
    await this.track(session, groups, systems);
    const every = this.options.relistEveryMs;
    if (every)
      this.loops.push(
        (async () => {
          while (await sleepOn(this.clock, every, signal))
            await this.list(session).then(
              (listed) => this.track(session, groups, listed),
              (error: unknown) => this.log.warn("systems re-list failed", { vendor: session.vendor, errorClass: errorClass(error) }),
            );
        })(),
      );
  }

  private list(session: VendorSession): Promise<EnergySystem[]> {
    return this.options.listSystems ? this.options.listSystems(session) : session.systems();
  }

  /** Adds the systems not tracked yet (a loop per new kind, upserted: in service) and retires the ones no longer listed (history kept). */
  private async track(session: VendorSession, groups: Map<PollRule["kind"], Group>, systems: EnergySystem[]): Promise<void> {
    const listed = new Set(systems.map(systemKey));
    const gone: string[] = [];
    for (const group of groups.values())
      for (const m of group.members.filter((g) => !listed.has(g.key))) {
        group.members.splice(group.members.indexOf(m), 1);
        m.state.state = "stopped";
        this.systems.delete(m.key);
        gone.push(m.key);
      }
    if (gone.length > 0) await this.options.storage.retireSystems(gone, this.clock.now());
    const added = new Map<PollRule["kind"], Tracked[]>();
    for (const system of systems) {
      const key = systemKey(system);
      if (this.systems.has(key)) continue;
      const rule = ruleFor(system);
      const tracked: Tracked = {
        key,
        system,
        state: this.newState(key, system.vendor, rule),
        lastEnergyAt: -Infinity,
        pending: null,
        zone: system.timeZone ?? session.timeZone ?? systemTimeZone(),
      };
      this.systems.set(key, system);
      added.set(rule.kind, [...(added.get(rule.kind) ?? []), tracked]);
    }
    for (const [kind, fresh] of added) {
      const known = groups.get(kind);
      const group = known ?? { rule: POLL_RULES[kind], cadence: 0, members: [] };
      groups.set(kind, group);
      group.members.push(...fresh);
      // The session's budget covers its account; a GoodWe session's figure is SEMS's, not the local inverter's.
      const budget = kind === "goodwe-local" ? 0 : session.refreshIntervalMs(group.members.length);
      group.cadence = cadenceMs(group.rule, budget, this.options.cadenceMs?.[kind]);
      for (const m of group.members) m.state.cadenceMs = group.cadence;
      await this.options.storage.upsertSystems(
        fresh.map((m) => ({
          id: m.key,
          vendor: m.system.vendor,
          device: m.system.id,
          name: m.system.name ?? null,
          timeZone: m.system.timeZone ?? null,
          capabilities: capabilityNames(m.system),
          cadenceMs: group.cadence,
          lastSeen: null,
        })),
      );
      if (!known) this.loops.push(this.systemLoop(group));
    }
  }

  private newState(source: string, vendor: string, rule: PollRule): SourceState {
    const state = newSourceState(source, vendor, rule);
    this.states.set(source, state);
    return state;
  }

  /** One vendor request, aborted on stop or after `pollTimeoutMs` (real time), or when a fleet lease lapses. */
  private request<T>(call: (signal: AbortSignal) => Promise<T>, lease?: AbortSignal): Promise<T> {
    return withDeadline(lease ? [this.abort.signal, lease] : this.abort.signal, this.options.pollTimeoutMs ?? 30_000, call);
  }

  private get ownership(): Ownership {
    return this.options.ownership ?? OWN_EVERYTHING;
  }

  /** One account's loop: a round over its systems every `cadence`, backfills queued beside it on the same budget. */
  private async systemLoop({ rule, members, ...group }: Group): Promise<void> {
    const signal = this.abort.signal;
    const queue: { m: Tracked; from: number; to: number }[] = [];
    let wake: (() => void) | undefined;
    signal.addEventListener("abort", () => wake?.(), { once: true });
    const enqueue = (m: Tracked, from: number, to: number) => {
      queue.push({ m, from, to });
      wake?.();
    };
    const initial = this.clock.now() - (this.options.initialBackfillMs ?? DAY_MS);
    // A fleet worker reads what is stored when it takes a system over (pollSystem), not for the whole fleet here.
    for (const m of this.options.ownership ? [] : members) {
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
        const hold = this.ownership.begin(job.m.key);
        if (!hold) continue;
        // Taken over since it was queued: the first poll re-reads what is stored and queues the gap again.
        if (hold.fresh) {
          hold.decline?.();
          continue;
        }
        await this.backfill(job.m, job.from, job.to).finally(hold.end);
        if (!job.m.pending && !queue.some((j) => j.m === job.m)) hold.markPending?.(null);
      }
    })();
    // Each source is due one cadence after its last attempt. A fleet worker also looks every minute for sources whose lease
    // it took since (a rebalance, a dead worker's): skipped in a pass while another worker held them, they would otherwise
    // wait a whole cadence (PowerTrack: 15 minutes or more) before this worker looked at them again.
    while (!signal.aborted) {
      const now = this.clock.now();
      const dueAt = (m: Tracked) => (m.state.lastAttempt ?? -Infinity) + group.cadence;
      const due = members.filter((m) => dueAt(m) <= now);
      await eachLimited(due, this.options.concurrency?.[rule.kind] ?? rule.concurrency, (m) => this.pollSystem(m, enqueue));
      const after = this.clock.now();
      // Due but not attempted: held by another worker (looked at again at the recheck). The rest: at their next due time.
      const skipped = new Set(due.filter((m) => (m.state.lastAttempt ?? -Infinity) < now));
      let wakeAt = after + group.cadence;
      for (const m of members) if (!skipped.has(m)) wakeAt = Math.min(wakeAt, dueAt(m));
      for (const m of members) if ((m.notBefore ?? -Infinity) > after) wakeAt = Math.min(wakeAt, m.notBefore!);
      if (this.options.ownership)
        wakeAt = Math.min(wakeAt, after + Math.min(group.cadence, this.options.ownershipRecheckMs ?? OWNERSHIP_RECHECK_MS));
      if (!(await sleepOn(this.clock, wakeAt - after, signal))) break;
    }
    await backfills;
  }

  private async pollSystem(m: Tracked, enqueue: (m: Tracked, from: number, to: number) => void): Promise<void> {
    const { storage } = this.options;
    const hold = this.ownership.begin(m.key);
    if (!hold) return;
    // Just taken over (or a fleet restarted): first polled on schedule, never within the vendor's limit of the last owner's poll.
    if (hold.fresh) {
      let takeOver = m.takeOver;
      if (takeOver?.at !== hold.takenOverAt) {
        const stored = await storage.latestSample(m.key).catch(() => undefined);
        const notBefore = firstPollAfterTakeOver(hold.takenOverAt, ruleFor(m.system), stored?.t, m.state.cadenceMs);
        m.takeOver = takeOver = { at: hold.takenOverAt, notBefore };
      }
      m.notBefore = takeOver!.notBefore;
      if (this.clock.now() < m.notBefore) return hold.decline?.();
    } else m.notBefore = undefined;
    const started = this.clock.now();
    m.state.lastAttempt = started;
    try {
      // Taken over from another worker: the gap since its last stored reading is filled below.
      if (hold.fresh) {
        const from = Math.min(await this.storedUntil(m), hold.pendingFrom ?? Infinity);
        m.state.lastObservedAt = Number.isFinite(from) ? from : null;
      }
      const flow = await this.request((signal) => m.system.getPowerFlow({ signal }), hold.signal);
      const row = sampleRow(m.key, flow);
      const previous = m.state.lastObservedAt;
      let items = await storage.insertSamples([row]);
      if (items > 0) this.emit("sample", { system: m.key, vendor: m.system.vendor, row });
      // Twice the cadence, or a whole history step, without a reading: fill it from history.
      const step = isPowerHistory(m.system) ? m.system.historyStepMinutes * 60_000 : 0;
      const threshold = Math.max(2 * m.state.cadenceMs, step || 0) + 60_000;
      const skippedStep = step > 0 && previous !== null && Math.floor(row.t / step) - Math.floor(previous / step) > 1;
      if (previous !== null && (row.t - previous > threshold || skippedStep)) {
        hold.markPending?.(previous);
        enqueue(m, previous, row.t);
      }
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
      if (!this.abort.signal.aborted) await this.finish(m.state, "poll", started, 0, error);
    } finally {
      hold.end();
    }
  }

  /** Where a system's stored readings end (a new one with history: the initial backfill's start). */
  private async storedUntil(m: Tracked): Promise<number> {
    const last = (await this.options.storage.latestSample(m.key))?.t;
    return last ?? (isPowerHistory(m.system) ? this.clock.now() - (this.options.initialBackfillMs ?? DAY_MS) : Infinity);
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
    // A short gap is no gap, unless it skips a whole history step (an empty 5-minute bucket): then it is filled too.
    const step = isPowerHistory(m.system) ? m.system.historyStepMinutes * 60_000 : 0;
    if (to - from <= 2 * m.state.cadenceMs && !(step > 0 && Math.floor(to / step) - Math.floor(from / step) > 1)) return;
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

  private priceContext(): PriceLoopContext {
    return {
      clock: this.clock,
      storage: this.options.storage,
      signal: this.abort.signal,
      ownership: this.ownership,
      initialBackfillMs: this.options.initialBackfillMs ?? DAY_MS,
      log: this.log,
      newState: (source, vendor, cadence) => Object.assign(this.newState(source, vendor, POLL_RULES.amber), { cadenceMs: cadence }),
      request: (call) => this.request(call),
      finish: (...args) => this.finish(...args),
      emitPrices: (source, rows) => this.emit("prices", { source, rows }),
      emitBackfill: (progress) => this.emit("backfill", progress),
    };
  }

  private async retentionLoop(): Promise<void> {
    const days = this.options.retentionDays ?? 30;
    do {
      // A fleet folds once, on the worker holding the maintenance lease.
      const hold = this.ownership.begin("fleet:maintenance");
      if (!hold) continue;
      const folded = await this.options.storage.applyRetention(this.clock.now() - days * DAY_MS).finally(hold.end);
      if (folded > 0) this.log.info("retention: raw samples folded into 30-minute aggregates", { rows: folded });
    } while (await sleepOn(this.clock, HOUR_MS, this.abort.signal));
  }
}

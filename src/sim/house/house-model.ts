import { systemClock, type Clock } from "../../core/clock.js";
import { assertTimeZone, parseCalendarDate } from "../../core/time/index.js";
import { hash01ab, subSeed } from "../random.js";
import { compileControl, dispatchBattery, type BatterySpec, type CompiledControl, type Dispatch } from "./battery.js";
import {
  EvArrivals,
  EvCharger,
  deriveEvStatus,
  evStatusCode,
  evStatusFromCode,
  initialEvSession,
  stepEvSession,
  type EvChargerSpec,
  type EvSessionState,
} from "./ev-charger.js";
import { LoadModel, winternessOf, type LoadTime } from "./load.js";
import { dayNumberOf, LocalTimeCache, type LocalInstant } from "./local-time.js";
import { PvModel } from "./pv.js";
import {
  COL_BATTERY,
  COL_CURTAILED,
  COL_EV,
  COL_EV_CAR_SOC,
  COL_EV_LIMIT,
  COL_EV_PLUGGED,
  COL_EV_SESSION,
  COL_EV_STATUS,
  COL_GRID,
  COL_LOAD,
  COL_PHASES,
  COL_PV,
  COL_SOC,
  COL_STRINGS,
  COUNTERS,
  MS_PER_DAY,
  StepRing,
  accumulate,
  cloneState,
  countersFrom,
  type Branch,
  type SimState,
} from "./step-ring.js";
import { toMs, bad, positive, fraction } from "./config-checks.js";
import type { BatteryControl, EnergyCounters, HouseConfig, HouseModelOptions, HouseSnapshot } from "./types.js";

/**
 * A simulated house with PV, household load, a battery and optionally an EV charger, integrated on
 * a fixed step grid aligned to epoch multiples of `stepSeconds`.
 *
 * Determinism: the inputs of step k (PV, load, clouds, car arrivals) are stateless hash noise of
 * (seed, time), and the state moves forward one step at a time from the simulation start, so the
 * same config, start and control calls at the same times give identical numbers whatever is
 * queried and in which order.
 *
 * Time: the committed simulation follows the clock; `now()`, `totals()` and `dayTotals()` cover
 * the steps up to the one containing the clock's now. `at()` and `history()` may look into the
 * future: that part is simulated on a look-ahead copy with the current controls, discarded when a
 * control changes. Controls set at time t take effect from the step after the one containing t.
 */
export class HouseModel {
  /** The configuration as given (copied). */
  readonly config: HouseConfig;
  /** The EV charger, or null without one. */
  readonly ev: EvCharger | null;

  private readonly clock: Clock;
  private readonly stepMs: number;
  private readonly stepHours: number;
  private readonly stepMinutes: number;
  private readonly startStep: number;
  private readonly pv: PvModel;
  private readonly load: LoadModel;
  private readonly battery: BatterySpec;
  private readonly evSpec: EvChargerSpec | null;
  private readonly arrivals: EvArrivals;
  private readonly local: LocalTimeCache;
  private readonly gridPhases: 1 | 3;
  private readonly siteExportLimitW: number | null;
  private readonly phaseSeed: number;
  private readonly latitude: number;
  private readonly stringCount: number;

  private control: BatteryControl;
  private compiled: CompiledControl;
  private readonly committed: SimState;
  private readonly ring: StepRing;
  private readonly totalsKwh = new Float64Array(COUNTERS);
  private readonly days = new Map<number, Float64Array>();
  private branch: Branch | null = null;

  // Scratch objects reused every step.
  private readonly lt: LocalInstant = { localDay: 0, minuteOfDay: 0, weekday: 1, dayOfYear: 1 };
  private readonly loadTime: LoadTime = { minuteOfDay: 0, weekend: false, winterness: 0 };
  private readonly dispatch: Dispatch = { chargeW: 0, dischargeW: 0 };

  /**
   * @param config the house; invalid settings throw a `ConfigurationError`.
   * @param clock the time source (default the system clock); a `VirtualClock` runs the house fast.
   * @param options `start`: first simulated instant (default the clock's now), rounded down to the step grid.
   */
  constructor(config: HouseConfig, clock: Clock = systemClock, options: HouseModelOptions = {}) {
    this.config = structuredClone(config);
    this.clock = clock;
    const c = this.config;

    if (typeof c.seed !== "number" || !Number.isFinite(c.seed)) bad("seed", `must be a number, got ${String(c.seed)}.`);
    assertTimeZone(c.timeZone, "timeZone");
    if (typeof c.latitude !== "number" || !(Math.abs(c.latitude) <= 90)) bad("latitude", `must be -90..90, got ${String(c.latitude)}.`);
    if (typeof c.longitude !== "number" || !(Math.abs(c.longitude) <= 180))
      bad("longitude", `must be -180..180, got ${String(c.longitude)}.`);

    const stepSeconds = c.stepSeconds ?? 60;
    if (!Number.isInteger(stepSeconds) || stepSeconds < 1 || 900 % stepSeconds !== 0) {
      bad("stepSeconds", `must be a whole number of seconds that divides 900 (e.g. 60, 300, 900), got ${String(stepSeconds)}.`);
    }
    this.stepMs = stepSeconds * 1000;
    this.stepHours = stepSeconds / 3600;
    this.stepMinutes = stepSeconds / 60;
    const retentionDays = positive(c.historyRetentionDays ?? 8, "historyRetentionDays");
    this.ring = new StepRing(Math.ceil((retentionDays * MS_PER_DAY) / this.stepMs) + 1);

    const strings = c.pv.strings ?? 2;
    if (!Number.isInteger(strings) || strings < 1 || strings > 4) bad("pv.strings", `must be 1 to 4, got ${String(strings)}.`);
    this.stringCount = strings;
    const tiltDeg = c.pv.tiltDeg ?? 20;
    if (typeof tiltDeg !== "number" || !(tiltDeg >= 0 && tiltDeg <= 90)) bad("pv.tiltDeg", `must be 0..90, got ${String(tiltDeg)}.`);
    const azimuthDeg = c.pv.azimuthDeg ?? (c.latitude < 0 ? 0 : 180);
    if (typeof azimuthDeg !== "number" || !Number.isFinite(azimuthDeg))
      bad("pv.azimuthDeg", `must be a bearing in degrees, got ${String(azimuthDeg)}.`);
    this.latitude = c.latitude;
    this.pv = new PvModel(c.seed, c.latitude, c.longitude, {
      capacityW: positive(c.pv.capacityW, "pv.capacityW", true),
      strings,
      tiltDeg,
      azimuthDeg,
    });
    this.load = new LoadModel(
      c.seed,
      positive(c.load.dailyKwh, "load.dailyKwh", true),
      c.load.baseW === undefined ? undefined : positive(c.load.baseW, "load.baseW", true),
    );

    const b = c.battery;
    const minSoc = fraction(b.minSoc, "battery.minSoc");
    const maxSoc = fraction(b.maxSoc, "battery.maxSoc");
    if (minSoc > maxSoc) bad("battery.minSoc", `(${minSoc}) must not exceed battery.maxSoc (${maxSoc}).`);
    const eta = fraction(b.roundTripEfficiency, "battery.roundTripEfficiency");
    if (eta === 0) bad("battery.roundTripEfficiency", "must be above 0.");
    this.battery = {
      capacityKwh: positive(b.capacityKwh, "battery.capacityKwh", true),
      maxChargeW: positive(b.maxChargeW, "battery.maxChargeW", true),
      maxDischargeW: positive(b.maxDischargeW, "battery.maxDischargeW", true),
      sqrtEta: Math.sqrt(eta),
      minSoc,
      maxSoc,
    };

    if (c.ev) {
      const maxCurrentA = positive(c.ev.maxCurrentA, "ev.maxCurrentA");
      const minCurrentA = positive(c.ev.minCurrentA ?? Math.min(6, maxCurrentA), "ev.minCurrentA");
      if (minCurrentA > maxCurrentA) bad("ev.minCurrentA", `(${minCurrentA}) must not exceed ev.maxCurrentA (${maxCurrentA}).`);
      if (c.ev.phases !== 1 && c.ev.phases !== 3) bad("ev.phases", `must be 1 or 3, got ${String(c.ev.phases)}.`);
      this.evSpec = {
        maxCurrentA,
        minCurrentA,
        phases: c.ev.phases,
        voltage: positive(c.ev.voltage ?? 230, "ev.voltage"),
        carBatteryKwh: positive(c.ev.carBatteryKwh ?? 60, "ev.carBatteryKwh"),
        autoStart: c.ev.autoStart === true,
      };
    } else {
      this.evSpec = null;
    }
    this.arrivals = new EvArrivals(c.seed);

    const phases = c.grid?.phases ?? 1;
    if (phases !== 1 && phases !== 3) bad("grid.phases", `must be 1 or 3, got ${String(phases)}.`);
    this.gridPhases = phases;
    const siteLimit = c.grid?.exportLimitW ?? null;
    this.siteExportLimitW = siteLimit === null ? null : positive(siteLimit, "grid.exportLimitW", true);
    this.phaseSeed = subSeed(c.seed, "grid.phases");
    this.local = new LocalTimeCache(c.timeZone);

    this.control = {
      mode: "selfUse",
      chargeWindows: [],
      dischargeWindows: [],
      dischargeTimeControl: false,
      minSoc,
      exportLimitW: this.siteExportLimitW,
    };
    this.compiled = compileControl(this.control, this.siteExportLimitW);

    const start = options.start === undefined ? clock.now() : toMs(options.start, "options.start");
    this.startStep = Math.floor(start / this.stepMs);
    const initialSoc = Math.min(maxSoc, Math.max(minSoc, fraction(b.initialSoc, "battery.initialSoc")));
    this.committed = {
      step: this.startStep - 1,
      storedKwh: initialSoc * this.battery.capacityKwh,
      ev: this.evSpec ? initialEvSession(this.evSpec) : null,
    };

    this.ev = this.evSpec ? new EvCharger(this.evHost(), this.evSpec) : null;
  }

  /** First simulated instant (the start of the first step). */
  get start(): Date {
    return new Date(this.startStep * this.stepMs);
  }

  /** Integration step in milliseconds. */
  get stepMilliseconds(): number {
    return this.stepMs;
  }

  /** Simulates up to the clock's now and returns the step containing it. */
  now(): HouseSnapshot {
    const k = this.syncToNow();
    return this.snapshot(this.ring, k);
  }

  /**
   * The step containing `time`. The future is simulated ahead with the current controls; the
   * past comes from history. Throws a RangeError before the simulation start or beyond the
   * retained history.
   */
  at(time: Date | number): HouseSnapshot {
    const k = Math.floor(toMs(time, "time") / this.stepMs);
    this.assertNotBeforeStart(k);
    const head = this.syncToNow();
    if (k <= head) {
      this.assertRetained(k, head);
      return this.snapshot(this.ring, k);
    }
    return this.snapshot(this.ensureAhead(k), k);
  }

  /**
   * Every step whose start lies in [from, to), oldest first. The part before the simulation start
   * is skipped; the future part is simulated ahead; a part older than the retained history throws
   * a RangeError.
   */
  history(from: Date | number, to: Date | number): HouseSnapshot[] {
    const kFrom = Math.max(this.startStep, Math.ceil(toMs(from, "from") / this.stepMs));
    const kTo = Math.ceil(toMs(to, "to") / this.stepMs) - 1;
    if (kTo < kFrom) return [];
    const head = this.syncToNow();
    if (kFrom <= head) this.assertRetained(kFrom, head);
    const out: HouseSnapshot[] = [];
    for (let k = kFrom; k <= kTo; k++) out.push(k <= head ? this.snapshot(this.ring, k) : this.snapshot(this.ensureAhead(k), k));
    return out;
  }

  /**
   * Energy of the local day `date` ("YYYY-MM-DD" in `config.timeZone`) over the steps simulated up
   * to the clock's now: a whole past day, today so far, zeros for a day not yet begun or before
   * the start. Kept for every simulated day.
   */
  dayTotals(date: string): EnergyCounters {
    const { year, month, day } = parseCalendarDate(date, "date");
    this.syncToNow();
    return countersFrom(this.days.get(dayNumberOf(year, month, day)));
  }

  /** Energy since the simulation start, up to the clock's now. */
  totals(): EnergyCounters {
    this.syncToNow();
    return countersFrom(this.totalsKwh);
  }

  /** The battery control in force (a copy). */
  getControl(): BatteryControl {
    return structuredClone(this.control);
  }

  /**
   * Changes part of the battery control, from the step after the current one. Keys left out or
   * undefined stay as they are, except `forcePowerW: undefined`, which restores the maximum.
   * Throws a `ValidationError` (and changes nothing) when the result is invalid.
   */
  setControl(change: Partial<BatteryControl>): void {
    const next: BatteryControl = structuredClone(this.control);
    const target = next as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(change)) {
      // An explicit `forcePowerW: undefined` restores the default (maximum); other undefined keys are "unchanged".
      if (value !== undefined) target[key] = structuredClone(value);
      else if (key === "forcePowerW") delete next.forcePowerW;
    }
    const compiled = compileControl(next, this.siteExportLimitW);
    this.syncToNow();
    this.control = next;
    this.compiled = compiled;
    this.branch = null;
  }

  private evHost() {
    return {
      read: (): EvSessionState => {
        this.syncToNow();
        return this.committed.ev!;
      },
      command: (change: (s: EvSessionState) => void): void => {
        const head = this.syncToNow();
        const s = this.committed.ev!;
        change(s);
        s.status = deriveEvStatus(s, this.evSpec!);
        // The status shows at once in the current step's record; power follows from the next step.
        const o = this.ring.offset(head);
        this.ring.data[o + COL_EV_STATUS] = evStatusCode(s.status);
        this.ring.data[o + COL_EV_LIMIT] = s.currentLimitA;
        this.branch = null;
      },
    };
  }

  private assertNotBeforeStart(k: number): void {
    if (k < this.startStep) {
      throw new RangeError(`${new Date(k * this.stepMs).toISOString()} is before the simulation start ${this.start.toISOString()}.`);
    }
  }

  private assertRetained(k: number, head: number): void {
    if (k <= head - this.ring.capacity) {
      const oldest = Math.max(this.startStep, head - this.ring.capacity + 1);
      throw new RangeError(
        `${new Date(k * this.stepMs).toISOString()} is older than the retained history (from ${new Date(oldest * this.stepMs).toISOString()}); raise historyRetentionDays to keep more.`,
      );
    }
  }

  /** Simulates the committed state up to the step containing the clock's now; returns that step. */
  private syncToNow(): number {
    const k = Math.max(this.startStep, Math.floor(this.clock.now() / this.stepMs));
    while (this.committed.step < k) this.simulateStep(this.committed, this.ring, true);
    return this.committed.step;
  }

  /** Runs the look-ahead copy to step k (> committed head) and returns its ring. */
  private ensureAhead(k: number): StepRing {
    let branch = this.branch;
    if (!branch || k < Math.max(branch.first, branch.state.step - branch.ring.capacity + 1)) {
      const ring = branch?.ring ?? new StepRing(this.ring.capacity);
      branch = { state: cloneState(this.committed), ring, first: this.committed.step + 1 };
      this.branch = branch;
    }
    while (branch.state.step < k) this.simulateStep(branch.state, branch.ring, false);
    return branch.ring;
  }

  /** Advances `state` by one step and records it in `ring` (and the counters when committed). */
  private simulateStep(state: SimState, ring: StepRing, commit: boolean): void {
    const k = state.step + 1;
    const t = k * this.stepMs;
    // Physics is sampled mid-step (better energy integration); schedules use the step start.
    const mid = t + this.stepMs / 2;
    const lt = this.local.describe(t, this.lt);
    const weekend = lt.weekday >= 6;
    const lTime = this.loadTime;
    lTime.minuteOfDay = lt.minuteOfDay + this.stepMinutes / 2;
    lTime.weekend = weekend;
    lTime.winterness = winternessOf(lt.dayOfYear, this.latitude);

    let pvW = this.pv.powerW(mid);
    const loadW = this.load.powerW(mid, lTime);
    const ev = state.ev;
    const evW = ev
      ? stepEvSession(ev, this.evSpec!, this.arrivals, lt.localDay, lt.minuteOfDay, weekend, this.stepMinutes, this.stepHours)
      : 0;

    const bat = this.battery;
    const d = dispatchBattery(
      bat,
      this.compiled,
      state.storedKwh,
      pvW - loadW - evW,
      lt.minuteOfDay,
      lt.weekday,
      this.stepHours,
      this.dispatch,
    );
    const chargeW = d.chargeW;
    let dischargeW = d.dischargeW;
    let gridW = loadW + evW + chargeW - pvW - dischargeW;

    let curtailedW = 0;
    const limit = this.compiled.exportLimitW;
    if (limit !== null && -gridW > limit) {
      curtailedW = Math.min(pvW, -gridW - limit);
      pvW -= curtailedW;
      gridW += curtailedW;
      // Only a forced discharge can still push export over the limit: hold it back.
      if (-gridW > limit && dischargeW > 0) {
        const cut = Math.min(dischargeW, -gridW - limit);
        dischargeW -= cut;
        gridW += cut;
      }
    }

    const h = this.stepHours;
    state.storedKwh += (chargeW * h * bat.sqrtEta) / 1000 - (dischargeW * h) / bat.sqrtEta / 1000;
    state.storedKwh = Math.min(bat.maxSoc * bat.capacityKwh, Math.max(bat.minSoc * bat.capacityKwh, state.storedKwh));
    state.step = k;
    const soc = bat.capacityKwh > 0 ? state.storedKwh / bat.capacityKwh : 0;

    const data = ring.data;
    const o = ring.offset(k);
    data[o + COL_PV] = pvW;
    const shares = this.pv.stringShares;
    for (let i = 0; i < 4; i++) data[o + COL_STRINGS + i] = i < shares.length ? pvW * shares[i]! : 0;
    data[o + COL_LOAD] = loadW;
    data[o + COL_EV] = evW;
    data[o + COL_BATTERY] = dischargeW - chargeW;
    data[o + COL_GRID] = gridW;
    if (this.gridPhases === 3) {
      // Household circuits are unevenly spread over the phases (hourly hash); the inverter and a
      // three-phase charger are balanced; a single-phase charger sits on L1.
      const hour = Math.floor(t / 3_600_000);
      const w0 = 0.6 + 0.8 * hash01ab(this.phaseSeed, hour, 0);
      const w1 = 0.6 + 0.8 * hash01ab(this.phaseSeed, hour, 1);
      const w2 = 0.6 + 0.8 * hash01ab(this.phaseSeed, hour, 2);
      const sum = w0 + w1 + w2;
      const inverter = (chargeW - pvW - dischargeW) / 3;
      const evOnL1 = this.evSpec?.phases === 1;
      const p0 = (loadW * w0) / sum + inverter + (evOnL1 ? evW : evW / 3);
      const p1 = (loadW * w1) / sum + inverter + (evOnL1 ? 0 : evW / 3);
      data[o + COL_PHASES] = p0;
      data[o + COL_PHASES + 1] = p1;
      data[o + COL_PHASES + 2] = gridW - p0 - p1;
    } else {
      data[o + COL_PHASES] = gridW;
    }
    data[o + COL_SOC] = soc;
    data[o + COL_CURTAILED] = curtailedW;
    if (ev) {
      data[o + COL_EV_STATUS] = evStatusCode(ev.status);
      data[o + COL_EV_PLUGGED] = ev.plugged ? 1 : 0;
      data[o + COL_EV_LIMIT] = ev.currentLimitA;
      data[o + COL_EV_SESSION] = ev.sessionKwh;
      data[o + COL_EV_CAR_SOC] = ev.plugged ? ev.carSoc : Number.NaN;
    }

    if (!commit) return;
    let day = this.days.get(lt.localDay);
    if (!day) {
      day = new Float64Array(COUNTERS);
      this.days.set(lt.localDay, day);
    }
    const toKwh = h / 1000;
    const gridChargeW = Math.max(0, chargeW - Math.max(0, pvW - loadW - evW));
    accumulate(this.totalsKwh, pvW, loadW, evW, chargeW, dischargeW, gridChargeW, gridW, toKwh);
    accumulate(day, pvW, loadW, evW, chargeW, dischargeW, gridChargeW, gridW, toKwh);
  }

  private snapshot(ring: StepRing, k: number): HouseSnapshot {
    const data = ring.data;
    const o = ring.offset(k);
    const pvStringsW: number[] = [];
    for (let i = 0; i < this.stringCount; i++) pvStringsW.push(data[o + COL_STRINGS + i]!);
    const gridPhasesW =
      this.gridPhases === 3 ? [data[o + COL_PHASES]!, data[o + COL_PHASES + 1]!, data[o + COL_PHASES + 2]!] : [data[o + COL_PHASES]!];
    const carSoc = data[o + COL_EV_CAR_SOC]!;
    return {
      at: new Date(k * this.stepMs),
      pvW: data[o + COL_PV]!,
      pvStringsW,
      loadW: data[o + COL_LOAD]!,
      evW: data[o + COL_EV]!,
      batteryW: data[o + COL_BATTERY]!,
      gridW: data[o + COL_GRID]!,
      gridPhasesW,
      soc: data[o + COL_SOC]!,
      curtailedW: data[o + COL_CURTAILED]!,
      ev: this.evSpec
        ? {
            status: evStatusFromCode(data[o + COL_EV_STATUS]!),
            plugged: data[o + COL_EV_PLUGGED] === 1,
            currentLimitA: data[o + COL_EV_LIMIT]!,
            powerW: data[o + COL_EV]!,
            sessionKwh: data[o + COL_EV_SESSION]!,
            carSoc: Number.isNaN(carSoc) ? null : carSoc,
          }
        : null,
    };
  }
}

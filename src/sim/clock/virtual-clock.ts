import { performance } from "node:perf_hooks";
import { abortReason, type Clock } from "../../core/clock.js";

/**
 * How a `VirtualClock` moves:
 * - "real": wall-clock time (`Date.now()`), plus whatever `advance`/`set` added;
 * - "accelerated": `speed` times real time, from `start`;
 * - "manual": only `advance` and `set` move it.
 */
export type VirtualClockMode = "real" | "accelerated" | "manual";

/** Options of `new VirtualClock(...)`. */
export interface VirtualClockOptions {
  /** Virtual time at construction (epoch ms or Date). Ignored in "real" mode. Default: now. */
  start?: Date | number;
  /** Virtual milliseconds per real millisecond in "accelerated" mode (0 pauses). Default 1. */
  speed?: number;
  /** Default "accelerated" (which, at the default speed 1, runs like a wall clock started at `start`). */
  mode?: VirtualClockMode;
}

interface Sleeper {
  deadline: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// setTimeout's delay is a signed 32-bit number of milliseconds.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A `Clock` whose time can run faster than real time or be driven by hand, so a simulated day can
 * pass in seconds (or instantly in tests) while clients pace themselves in simulated time.
 *
 * Sleepers wait in a deadline-ordered list in virtual time. In "real" and "accelerated" modes a
 * single real timer targets the earliest deadline converted to real time; it is unref'd, so the
 * clock never keeps the process alive on its own. `advance` fires due sleepers in deadline order,
 * letting the microtasks of each run before the next, so chained `await clock.sleep()` calls work
 * like a fake-timer `runAll` up to the target.
 */
export class VirtualClock implements Clock {
  private readonly _mode: VirtualClockMode;
  private _speed: number;
  // Virtual time = anchorVirtual + (realNow() - anchorReal) * flowRate.
  private anchorVirtual: number;
  private anchorReal: number;
  private readonly sleepers: Sleeper[] = [];
  private nextSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDeadline = Number.NaN;
  private advancing: Promise<void> = Promise.resolve();

  constructor(options: VirtualClockOptions = {}) {
    this._mode = options.mode ?? "accelerated";
    if (!["real", "accelerated", "manual"].includes(this._mode)) {
      throw new RangeError(`VirtualClock mode must be "real", "accelerated" or "manual", got ${JSON.stringify(options.mode)}.`);
    }
    const speed = options.speed ?? 1;
    assertSpeed(speed);
    this._speed = this._mode === "real" ? 1 : speed;
    const start = options.start === undefined ? Date.now() : toMs(options.start, "start");
    this.anchorReal = this.realNow();
    this.anchorVirtual = this._mode === "real" ? Date.now() : start;
  }

  /** The mode fixed at construction. */
  get mode(): VirtualClockMode {
    return this._mode;
  }

  /** Virtual ms per real ms. Always 1 in "real" mode; stored but unused in "manual" mode. */
  get speed(): number {
    return this._speed;
  }

  /** Number of sleeps still waiting (for tests and diagnostics). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Virtual epoch milliseconds (whole ms, never decreasing). */
  now(): number {
    return Math.floor(this.exactNow());
  }

  /**
   * Resolves once virtual time reaches now + `ms`; rejects with the signal's reason on abort.
   * `sleep(0)` (or negative) resolves at once.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { deadline: this.exactNow() + ms, seq: this.nextSeq++, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        sleeper.onAbort = () => {
          this.remove(sleeper);
          reject(abortReason(signal));
          this.schedule();
        };
        signal.addEventListener("abort", sleeper.onAbort, { once: true });
      }
      this.insert(sleeper);
      this.schedule();
    });
  }

  /**
   * Moves virtual time forward by `ms` (in every mode; in "real" mode it adds an offset to
   * `Date.now()`), firing due sleepers in deadline order. Calls are serialised: a second
   * `advance` starts when the first has finished.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}.`));
    const run = this.advancing.then(() => this.runUntil(this.exactNow() + ms));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /** Moves virtual time forward to `time` (never backward: an earlier time throws a RangeError). */
  set(time: Date | number): Promise<void> {
    let target: number;
    try {
      target = toMs(time, "time");
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.advancing.then(() => {
      const now = this.exactNow();
      if (target < Math.floor(now)) {
        throw new RangeError(
          `VirtualClock.set cannot move time backward (from ${new Date(now).toISOString()} to ${new Date(target).toISOString()}).`,
        );
      }
      return this.runUntil(Math.max(target, now));
    });
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /** Changes the speed from now on ("accelerated" and "manual" modes; "real" runs at 1). */
  setSpeed(speed: number): void {
    assertSpeed(speed);
    if (this._mode === "real")
      throw new RangeError('A "real" VirtualClock always runs at speed 1; use mode "accelerated" to change speed.');
    this.rebase(this.exactNow());
    this._speed = speed;
    this.timerDeadline = Number.NaN;
    this.schedule();
  }

  private realNow(): number {
    return this._mode === "real" ? Date.now() : performance.now();
  }

  private flowRate(): number {
    return this._mode === "manual" ? 0 : this._speed;
  }

  private exactNow(): number {
    const rate = this.flowRate();
    return rate === 0 ? this.anchorVirtual : this.anchorVirtual + (this.realNow() - this.anchorReal) * rate;
  }

  private rebase(virtual: number): void {
    this.anchorReal = this.realNow();
    this.anchorVirtual = virtual;
  }

  private async runUntil(target: number): Promise<void> {
    for (;;) {
      const first = this.sleepers[0];
      if (!first || first.deadline > target) break;
      this.rebase(Math.max(first.deadline, this.exactNow()));
      this.fire(first);
      // setImmediate runs after the whole microtask queue has drained, so the woken code can
      // register its next sleep before we look for the next deadline.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.rebase(Math.max(target, this.exactNow()));
    this.fireDue();
    this.schedule();
  }

  private fire(sleeper: Sleeper): void {
    this.remove(sleeper);
    if (sleeper.signal && sleeper.onAbort) sleeper.signal.removeEventListener("abort", sleeper.onAbort);
    sleeper.resolve();
  }

  private fireDue(): void {
    const now = this.exactNow();
    while (this.sleepers.length > 0 && this.sleepers[0]!.deadline <= now) this.fire(this.sleepers[0]!);
  }

  private insert(sleeper: Sleeper): void {
    // Binary search for the first sleeper due strictly later: equal deadlines keep call order.
    let lo = 0;
    let hi = this.sleepers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sleepers[mid]!.deadline <= sleeper.deadline) lo = mid + 1;
      else hi = mid;
    }
    this.sleepers.splice(lo, 0, sleeper);
  }

  private remove(sleeper: Sleeper): void {
    const index = this.sleepers.indexOf(sleeper);
    if (index >= 0) this.sleepers.splice(index, 1);
  }

  /** Points the single real timer at the earliest deadline (or stops it). */
  private schedule(): void {
    const first = this.sleepers[0];
    const rate = this.flowRate();
    if (!first || rate === 0) {
      this.clearTimer();
      return;
    }
    if (this.timer !== undefined && this.timerDeadline === first.deadline) return;
    this.clearTimer();
    const realDelay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil((first.deadline - this.exactNow()) / rate)));
    this.timerDeadline = first.deadline;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDeadline = Number.NaN;
      this.fireDue();
      this.schedule();
    }, realDelay);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDeadline = Number.NaN;
  }
}

function toMs(value: Date | number, name: string): number {
  const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`VirtualClock ${name} must be a Date or epoch milliseconds, got ${String(value)}.`);
  return ms;
}

function assertSpeed(speed: number): void {
  if (typeof speed !== "number" || !Number.isFinite(speed) || speed < 0) {
    throw new RangeError(`VirtualClock speed must be a finite number >= 0, got ${String(speed)}.`);
  }
}

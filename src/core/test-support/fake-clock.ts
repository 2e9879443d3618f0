import type { Clock } from "../clock.js";
import { abortReason } from "../clock.js";

/**
 * A manual clock for tests: time moves only when `advance` is called, and sleepers wake in
 * deadline order. `sleeps` records every requested delay, so back-off can be asserted exactly.
 */
export class FakeClock implements Clock {
  private time: number;
  private sleepers: Array<{ at: number; resolve: () => void; reject: (e: unknown) => void; seq: number }> = [];
  private seq = 0;
  readonly sleeps: number[] = [];
  /** When true, `sleep` resolves at once (after moving time forward), for retry tests. */
  constructor(
    start = Date.UTC(2026, 0, 1),
    private readonly autoAdvance = false,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.autoAdvance) {
      this.time += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.time + Math.max(0, ms), resolve, reject, seq: this.seq++ };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking due sleepers one by one (letting each continuation run). */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await flushMicrotasks();
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    this.time = target;
    await flushMicrotasks();
  }

  pending(): number {
    return this.sleepers.length;
  }
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

import { describe, expect, it } from "vitest";
import { VirtualClock } from "./virtual-clock.js";

const T0 = Date.UTC(2025, 0, 1);

describe("VirtualClock (manual)", () => {
  it("starts at `start` and moves only by advance/set", async () => {
    const clock = new VirtualClock({ mode: "manual", start: new Date(T0) });
    expect(clock.mode).toBe("manual");
    expect(clock.now()).toBe(T0);
    await clock.advance(1500);
    expect(clock.now()).toBe(T0 + 1500);
    await clock.set(T0 + 10_000);
    expect(clock.now()).toBe(T0 + 10_000);
    await expect(clock.set(T0)).rejects.toThrow(RangeError);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    expect(clock.now()).toBe(T0 + 10_000);
  });

  it("fires sleepers in deadline order, ties in call order, and only when due", async () => {
    const clock = new VirtualClock({ mode: "manual", start: T0 });
    const fired: string[] = [];
    const track = (name: string, ms: number) => clock.sleep(ms).then(() => fired.push(`${name}@${clock.now() - T0}`));
    const all = [track("c", 300), track("a", 100), track("b", 200), track("b2", 200)];
    await clock.advance(150);
    expect(fired).toEqual(["a@100"]);
    expect(clock.now()).toBe(T0 + 150);
    await clock.advance(1000);
    await Promise.all(all);
    expect(fired).toEqual(["a@100", "b@200", "b2@200", "c@300"]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it("runs chained sleeps within one advance, each at its own virtual time", async () => {
    const clock = new VirtualClock({ mode: "manual", start: T0 });
    const times: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(1000);
        // An extra await between sleeps, as real code has.
        await Promise.resolve();
        times.push(clock.now() - T0);
      }
    })();
    await clock.advance(3500);
    expect(times).toEqual([1000, 2000, 3000]);
    await clock.advance(10_000);
    await loop;
    expect(times).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(clock.now()).toBe(T0 + 13_500);
  });

  it("rejects with the signal's reason on abort, before or during the sleep", async () => {
    const clock = new VirtualClock({ mode: "manual", start: T0 });
    const reason = new Error("stop");
    const pre = new AbortController();
    pre.abort(reason);
    await expect(clock.sleep(100, pre.signal)).rejects.toBe(reason);

    const during = new AbortController();
    const pending = clock.sleep(100, during.signal);
    const other = clock.sleep(200);
    expect(clock.pendingSleeps).toBe(2);
    during.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(200);
    await other;

    const noReason = new AbortController();
    const p = clock.sleep(50, noReason.signal);
    noReason.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });

  it("resolves sleep(0) without advancing", async () => {
    const clock = new VirtualClock({ mode: "manual", start: T0 });
    await clock.sleep(0);
    await clock.sleep(-5);
    expect(clock.now()).toBe(T0);
  });

  it("serialises concurrent advances", async () => {
    const clock = new VirtualClock({ mode: "manual", start: T0 });
    const fired: number[] = [];
    void clock.sleep(500).then(() => fired.push(clock.now() - T0));
    await Promise.all([clock.advance(300), clock.advance(300)]);
    expect(clock.now()).toBe(T0 + 600);
    expect(fired).toEqual([500]);
  });

  it("validates options", () => {
    expect(() => new VirtualClock({ speed: -1 })).toThrow(RangeError);
    expect(() => new VirtualClock({ start: Number.NaN })).toThrow(RangeError);
    expect(() => new VirtualClock({ mode: "real" }).setSpeed(2)).toThrow(RangeError);
  });
});

describe("VirtualClock (accelerated)", () => {
  it("runs faster than real time and wakes sleepers from its own timer", async () => {
    const clock = new VirtualClock({ mode: "accelerated", start: T0, speed: 1000 });
    expect(clock.speed).toBe(1000);
    const order: number[] = [];
    // 2 and 4 virtual seconds: 2 and 4 real milliseconds at this speed.
    await Promise.all([clock.sleep(4000).then(() => order.push(4)), clock.sleep(2000).then(() => order.push(2))]);
    expect(order).toEqual([2, 4]);
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 4000);
  });

  it("is monotonic and can be sped up or paused", async () => {
    const clock = new VirtualClock({ start: T0, speed: 500 });
    expect(clock.mode).toBe("accelerated");
    let last = clock.now();
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1));
      const now = clock.now();
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
    expect(last).toBeGreaterThan(T0);
    clock.setSpeed(0);
    const paused = clock.now();
    await new Promise((r) => setTimeout(r, 5));
    expect(clock.now()).toBe(paused);
    // A paused clock still honours advance.
    const woke = clock.sleep(60_000);
    await clock.advance(60_000);
    await woke;
    expect(clock.now()).toBe(paused + 60_000);
    clock.setSpeed(100_000);
    await clock.sleep(60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(paused + 120_000);
  });

  it("reschedules its timer when advanced past a deadline", async () => {
    const clock = new VirtualClock({ start: T0, speed: 1 });
    // One virtual hour at speed 1 would be a real hour: advance must wake it instead.
    const slept = clock.sleep(3_600_000);
    await clock.advance(3_600_000);
    await slept;
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 3_600_000);
  });
});

describe("VirtualClock (real)", () => {
  it("follows Date.now() plus any advance", async () => {
    const clock = new VirtualClock({ mode: "real", start: 0 });
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    await clock.advance(86_400_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 86_400_000);
    await clock.sleep(2);
  });
});

import { describe, expect, it } from "vitest";
import type { BatteryControlLimits, PriceQuery } from "../model/capabilities.js";
import type { ApplyResult, BatterySchedule, ControlPlan, PowerFlow, PriceInterval } from "../model/types.js";
import { AutomationController, type AutomationControllerOptions } from "./controller.js";

const START = Date.parse("2026-03-02T00:00:00+10:00");

const EMPTY: BatterySchedule = {
  charge: { fromGrid: false, stopLevel: 1, windows: [] },
  discharge: { timeControl: false, stopLevel: 0.1, windows: [] },
};

/** A battery controller that keeps its schedule in memory, counts writes, and reads back what it took. */
class FakeBattery {
  readonly batteryControl: BatteryControlLimits = {
    maxChargeWindows: 2,
    maxDischargeWindows: 2,
    gridMinutes: 15,
    minWriteIntervalS: 600,
    windowPower: false,
    weekdays: false,
    backend: "fake",
  };
  schedule: BatterySchedule = EMPTY;
  writes: { at: number; schedule: BatterySchedule }[] = [];
  soc = 0.5;
  socObservedAt = START;
  constructor(private readonly clock: { now: number }) {}
  async getPowerFlow(): Promise<PowerFlow> {
    return {
      pvW: 0,
      loadW: 500,
      gridW: 500,
      batteryW: 0,
      soc: this.soc,
      observedAt: new Date(this.socObservedAt),
      source: "live",
    } as unknown as PowerFlow;
  }
  async getBatterySchedule(): Promise<BatterySchedule> {
    return this.schedule;
  }
  async planBatterySchedule(desired: BatterySchedule): Promise<ControlPlan> {
    const same = JSON.stringify(desired) === JSON.stringify(this.schedule);
    return {
      vendor: "alphaess",
      device: "fake",
      createdAt: new Date(this.clock.now),
      desired,
      current: this.schedule,
      warnings: [],
      writes: same
        ? []
        : [
            {
              target: "schedule",
              description: "schedule",
              before: this.schedule,
              after: desired,
              changes: [],
              constraints: [],
              payload: desired,
            },
          ],
    } as ControlPlan;
  }
  async applyPlan(plan: ControlPlan): Promise<ApplyResult> {
    this.schedule = plan.desired as BatterySchedule;
    this.writes.push({ at: this.clock.now, schedule: this.schedule });
    return {
      vendor: "alphaess",
      device: "fake",
      appliedAt: new Date(this.clock.now),
      dryRun: false,
      ok: true,
      results: plan.writes.map((write) => ({ write, sent: true, taken: true, readBack: this.schedule, mismatches: [] })),
    } as unknown as ApplyResult;
  }
}

/** Amber-like prices: cheap overnight, dear in the evening, published up to `publishedUntil`. */
function prices(clock: { now: number }, state: { peak: number; stale: boolean }) {
  return {
    vendor: "amber" as const,
    id: "site",
    async getPriceIntervals(_q?: PriceQuery): Promise<PriceInterval[]> {
      const first = Math.floor((state.stale ? clock.now - 3_600_000 : clock.now) / 1_800_000) * 1_800_000;
      const count = state.stale ? 1 : 48;
      return Array.from({ length: count }, (_, i) => {
        const start = first + i * 1_800_000;
        const hour = new Date(start + 10 * 3_600_000).getUTCHours();
        const general = hour >= 17 && hour < 21 ? state.peak : hour < 6 ? 10 : 25;
        const common = {
          start: new Date(start),
          end: new Date(start + 1_800_000),
          durationMin: 30 as const,
          kind: "forecast",
          estimate: true,
          spotPerKwhCents: 0,
          renewablesPct: 30,
          descriptor: "low",
          spike: "none",
        };
        return [
          { ...common, channel: "general", perKwhCents: general },
          { ...common, channel: "feedIn", perKwhCents: -(general - 12) },
        ] as PriceInterval[];
      }).flat();
    },
  };
}

function setup(overrides: Partial<AutomationControllerOptions> = {}) {
  const clock = { now: START + 60_000 };
  const battery = new FakeBattery(clock);
  const state = { peak: 60, stale: false };
  const controller = new AutomationController({
    system: battery,
    prices: prices(clock, state),
    forecast: (from, count, minutes) =>
      Array.from({ length: count }, (_, i) => ({ start: new Date(from.getTime() + i * minutes * 60_000), minutes, loadW: 800, pvW: 0 })),
    kind: "alphaess",
    battery: {
      capacityKwh: 10,
      minSoc: 0.1,
      maxSoc: 1,
      maxChargeW: 5000,
      maxDischargeW: 5000,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 1,
    },
    grid: { maxImportW: 15000, maxExportW: 5000 },
    mode: "control",
    utcOffsetMinutes: 600,
    now: () => clock.now,
    ...overrides,
  });
  return { clock, battery, state, controller };
}

describe("AutomationController", () => {
  it("refuses a system that cannot take a battery schedule", () => {
    expect(() => setup({ system: { getPowerFlow: async () => ({}) } })).toThrow(/battery schedule/);
  });

  it("control: writes the compiled schedule once, then holds while nothing changes, with its explanation", async () => {
    const { clock, battery, controller } = setup();
    const first = await controller.cycle();
    expect(first.action).toBe("write");
    expect(first.result?.ok).toBe(true);
    expect(first.explanation.join(" ")).toMatch(/charge .* from the grid/);
    expect(battery.writes).toHaveLength(1);
    expect(battery.schedule.charge.windows.length).toBeGreaterThan(0);
    clock.now += 5 * 60_000;
    battery.socObservedAt = clock.now;
    const second = await controller.cycle();
    expect(second.action).toBe("hold");
    expect(second.replanned).toBe(false);
    expect(battery.writes).toHaveLength(1);
  });

  it("advise: plans and records but never writes", async () => {
    const { battery, controller } = setup({ mode: "advise" });
    const d = await controller.cycle();
    expect(d.action).toBe("advise");
    expect(d.schedule?.charge.windows.length).toBeGreaterThan(0);
    expect(battery.writes).toHaveLength(0);
  });

  it("off: does nothing", async () => {
    const { battery, controller } = setup({ mode: "off" });
    expect((await controller.cycle()).action).toBe("off");
    expect(battery.writes).toHaveLength(0);
  });

  it("never acts on a stale SOC or on stale prices", async () => {
    const { clock, battery, state, controller } = setup();
    battery.socObservedAt = clock.now - 20 * 60_000;
    const staleSoc = await controller.cycle();
    expect(staleSoc.action).toBe("skip");
    expect(staleSoc.reason).toMatch(/SOC reading is 20 min old/);
    battery.socObservedAt = clock.now;
    state.stale = true;
    const stalePrices = await controller.cycle();
    expect(stalePrices.action).toBe("skip");
    expect(stalePrices.reason).toMatch(/stale/);
    expect(battery.writes).toHaveLength(0);
  });

  it("honours the write cool-down and the daily budget, and re-plans when prices change", async () => {
    const { clock, battery, state, controller } = setup({ dailyWriteBudget: 2 });
    await controller.cycle();
    // A new price shape inside the cool-down: re-planned but not written.
    state.peak = 15;
    clock.now += 60_000;
    battery.socObservedAt = clock.now;
    const cooling = await controller.cycle();
    expect(cooling.replanned).toBe(true);
    expect(cooling.action).toBe("skip");
    expect(cooling.reason).toMatch(/cool-down/);
    clock.now += 10 * 60_000;
    battery.socObservedAt = clock.now;
    expect((await controller.cycle()).action).toBe("write");
    // The device's schedule is changed outside (the vendor's app): putting it back needs a write, and the budget is used up.
    state.peak = 90;
    battery.schedule = EMPTY;
    clock.now += 11 * 60_000;
    battery.socObservedAt = clock.now;
    const over = await controller.cycle();
    expect(over.action).toBe("skip");
    expect(over.reason).toMatch(/budget/);
    expect(battery.writes).toHaveLength(2);
    const gaps = battery.writes.slice(1).map((w, i) => w.at - battery.writes[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(600_000);
    expect(controller.decisions).toHaveLength(4);
  });

  it("a restarted controller counts the writes kept outside it: cool-down and daily budget survive a restart", async () => {
    const written: number[] = [];
    const first = setup({ dailyWriteBudget: 2, onDecision: (d) => void (d.action === "write" && written.push(d.at.getTime())) });
    expect((await first.controller.cycle()).action).toBe("write");
    // A new process, one minute later, with a new price shape: the stored write is inside the cool-down.
    const restarted = setup({ dailyWriteBudget: 2, pastWrites: (since) => written.filter((t) => t >= since) });
    restarted.clock.now = first.clock.now + 60_000;
    restarted.battery.socObservedAt = restarted.clock.now;
    restarted.state.peak = 15;
    const cooling = await restarted.controller.cycle();
    expect(cooling.action).toBe("skip");
    expect(cooling.reason).toMatch(/cool-down: 540 s left/);
    // Outside the cool-down but with the budget used up by the writes kept outside this process.
    written.push(first.clock.now + 30_000);
    restarted.clock.now = first.clock.now + 20 * 60_000;
    restarted.battery.socObservedAt = restarted.clock.now;
    const over = await restarted.controller.cycle();
    expect(over.action).toBe("skip");
    expect(over.reason).toMatch(/daily write budget \(2\) used up/);
    expect(restarted.battery.writes).toHaveLength(0);
    // The next local day the budget is fresh.
    restarted.clock.now = START + 86_400_000 + 60_000;
    restarted.battery.socObservedAt = restarted.clock.now;
    expect((await restarted.controller.cycle()).action).toBe("write");
  });

  it("takes the time after its reads: prices read across an interval boundary are not stale", async () => {
    const { clock, battery, controller } = setup({ mode: "advise" });
    clock.now = START + 29 * 60_000 + 50_000;
    battery.socObservedAt = clock.now;
    // The SOC read takes a minute of (accelerated) time: the prices then start at the next half hour.
    const read = battery.getPowerFlow.bind(battery);
    battery.getPowerFlow = async () => {
      const flow = await read();
      clock.now += 60_000;
      return flow;
    };
    const d = await controller.cycle();
    expect(d.action).toBe("advise");
    expect(d.at.getTime()).toBe(START + 30 * 60_000 + 50_000);
  });

  it("a read that fails is a skip with its reason, not a crash of the loop", async () => {
    const { battery, controller } = setup();
    battery.getPowerFlow = async () => {
      throw new Error("system offline");
    };
    const d = await controller.cycle();
    expect(d.action).toBe("skip");
    expect(d.reason).toMatch(/SOC could not be read \(Error: system offline\)/);
    expect(battery.writes).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectionError } from "../../core/errors/index.js";
import type { ApplyResult, BatterySchedule, ControlPlan, EnergySystem } from "../../model/types.js";
import { readAudit } from "../audit-log.js";
import { CommandContext } from "../context.js";
import { ExitCode } from "../errors.js";
import { fakeIo } from "../test-support/fake-io.js";
import { BATTERY_LIMITS, fakeSession, fakeSystem, SCHEDULE } from "../test-support/fake-session.js";
import type { BatteryController } from "../../model/capabilities.js";
import { tempHome, type TempHome } from "../test-support/run-cli.js";
import { apply, makePlan, show } from "./battery.js";

let home: TempHome;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

function planFor(system: EnergySystem, desired: BatterySchedule, current: BatterySchedule): ControlPlan {
  return {
    vendor: system.vendor,
    device: system.id,
    createdAt: new Date(),
    desired,
    current,
    writes: [
      {
        target: "POST updateChargeConfigInfo",
        description: "grid-charge settings",
        before: {},
        after: {},
        changes: [],
        constraints: [{ name: "cool-down", ok: false, detail: "wait 20 s" }],
        payload: {},
      },
    ],
    warnings: [],
  };
}

/** A battery system: `read` gives what getBatterySchedule returns, `seen` what planning reads. */
function batterySystem(over: { read?: () => BatterySchedule; seen?: () => BatterySchedule; apply?: BatteryController["applyPlan"] } = {}) {
  const desiredSeen: BatterySchedule[] = [];
  const system: EnergySystem = fakeSystem("alphaess", "AL1", {
    batteryControl: BATTERY_LIMITS,
    getBatterySchedule: async () => (over.read ?? (() => SCHEDULE))(),
    planBatterySchedule: async (desired: BatterySchedule) => {
      desiredSeen.push(desired);
      return planFor(system, desired, (over.seen ?? over.read ?? (() => SCHEDULE))());
    },
    applyPlan:
      over.apply ??
      (async () => {
        throw new Error("not applied in this test");
      }),
  });
  return { system, desiredSeen };
}

function context(systems: EnergySystem[], format: "table" | "json" = "table") {
  const f = fakeIo({ env: home.env });
  const ctx = new CommandContext(f.io, {}, format, {
    sessions: [fakeSession("alphaess", async () => systems)],
    argv: ["battery", "apply"],
  });
  return { f, ctx };
}

describe("battery apply", () => {
  it("a dry run whose plan fails its checks (ApplyResult.ok false) is an error, not a success", async () => {
    const { system } = batterySystem({
      apply: async (plan, options) => ({
        vendor: "alphaess",
        device: "AL1",
        appliedAt: new Date(),
        dryRun: options?.dryRun === true,
        ok: false,
        results: plan.writes.map((write) => ({ write, sent: false, taken: null })),
      }),
    });
    const { f, ctx } = context([system]);
    expect(await apply(ctx, "charge 01:00-05:00 to 90%", { dryRun: true })).toBe(ExitCode.error);
    expect(f.stderr()).toMatch(/^error: dry run: the plan would not pass its checks \(cool-down: wait 20 s\); nothing was sent\.\n$/);
    expect(readAudit(ctx.paths.auditLog)).toEqual([]);
  });

  it("when applyPlan throws, the attempt is still audited (which writes went out is unknown)", async () => {
    const { system } = batterySystem({
      apply: async () => {
        throw new ConnectionError("The connection broke.", { sent: true });
      },
    });
    const { ctx } = context([system]);
    await expect(apply(ctx, "charge 01:00-05:00 to 90%", { yes: true })).rejects.toThrow(ConnectionError);
    expect(readAudit(ctx.paths.auditLog)).toMatchObject([
      {
        vendor: "alphaess",
        device: "AL1",
        ok: false,
        request: { intent: "charge 01:00-05:00 to 90%" },
        taken: [{ target: "POST updateChargeConfigInfo", sent: null, taken: null, error: "The connection broke." }],
      },
    ]);
  });

  it("an apply that succeeds is audited once, with the model's ok", async () => {
    const { system } = batterySystem({
      apply: async (plan): Promise<ApplyResult> => ({
        vendor: "alphaess",
        device: "AL1",
        appliedAt: new Date(),
        dryRun: false,
        ok: true,
        results: plan.writes.map((write) => ({ write, sent: true, taken: true })),
      }),
    });
    const { ctx } = context([system]);
    expect(await apply(ctx, "charge 01:00-05:00 to 90%", { yes: true })).toBe(ExitCode.ok);
    expect(readAudit(ctx.paths.auditLog)).toMatchObject([{ ok: true, taken: [{ sent: true, taken: true }] }]);
  });
});

describe("battery plan", () => {
  it("is based on the schedule the plan read (ControlPlan.current): a change in between is kept, not undone", async () => {
    const first: BatterySchedule = { ...SCHEDULE, discharge: { ...SCHEDULE.discharge, stopLevel: 0.1 } };
    // Between our read and the plan's, someone set the discharge stop level to 30 %.
    const meanwhile: BatterySchedule = { ...SCHEDULE, discharge: { ...SCHEDULE.discharge, stopLevel: 0.3 } };
    const { system, desiredSeen } = batterySystem({ read: () => first, seen: () => meanwhile });
    const { ctx } = context([system]);
    const change = await makePlan(ctx, "charge 01:00-05:00 to 90%", undefined);
    expect(change.current).toEqual(meanwhile);
    expect(change.desired.discharge.stopLevel).toBe(0.3);
    expect(change.desired.charge).toEqual({ fromGrid: true, stopLevel: 0.9, windows: [{ start: "01:00", end: "05:00" }] });
    expect(desiredSeen.map((d) => d.discharge.stopLevel)).toEqual([0.1, 0.3]);
  });

  it("plans once when the schedule did not change", async () => {
    const { system, desiredSeen } = batterySystem();
    const { ctx } = context([system]);
    await makePlan(ctx, "charge 01:00-05:00 to 90%", undefined);
    expect(desiredSeen).toHaveLength(1);
  });
});

describe("battery show", () => {
  it("goes by capabilities: a system with the methods but no battery schedule (GoodWe DT/ES) is left out", async () => {
    const reads: string[] = [];
    const noSchedule = fakeSystem("goodwe", "DT1", {
      getBatterySchedule: async () => {
        reads.push("DT1");
        throw new Error("not an ET");
      },
    });
    const { f, ctx } = context([noSchedule]);
    expect(await show(ctx, undefined)).toBe(ExitCode.ok);
    expect(f.stderr()).toMatch(/None of the configured systems has a battery schedule/);
    expect(reads).toEqual([]);
  });
});

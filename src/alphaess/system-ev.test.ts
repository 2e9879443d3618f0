import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { isEvCharger } from "../model/capabilities.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe("AlphaEssSystem as an EvCharger", () => {
  it("lists chargers, plans a current limit and a start, and applies them with read-back", async () => {
    bed = await alphaEssTestbed();
    const system = bed.api.system(SN);
    expect(isEvCharger(system)).toBe(true);
    const [charger] = await system.listEvChargers();
    expect(charger).toMatchObject({ vendor: "alphaess", system: SN, model: "SMILE-EVCT11", currentLimitA: 32, status: "available" });
    expect(await bed.api.system("AL70110230302xx").listEvChargers()).toEqual([]);

    // Refused before anything is read.
    const before = bed.requests().length;
    await expect(system.planEvCharging(charger!.id, { currentLimitA: 200 })).rejects.toBeInstanceOf(ValidationError);
    await expect(system.planEvCharging(charger!.id, { start: "yes" } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(bed.requests()).toHaveLength(before);

    const limit = await system.planEvCharging(charger!.id, { currentLimitA: 16 });
    expect(limit.writes.map((w) => [w.target, w.payload])).toEqual([["POST setEvChargerCurrentsBySn", { sysSn: SN, currentsetting: 16 }]]);
    const applied = await system.applyPlan(limit);
    expect(applied).toMatchObject({ ok: true, results: [{ sent: true, taken: true }] });
    expect((await system.getEvCharger(charger!.id)).currentLimitA).toBe(16);
    expect((await system.planEvCharging(charger!.id, { currentLimitA: 16 })).writes).toEqual([]);

    // No car: a start fails its state check, so a dry run is not ok.
    const start = await system.planEvCharging(charger!.id, { start: true });
    expect(start.writes[0]!.constraints.find((c) => c.name === "state")).toMatchObject({ ok: false });
    expect((await system.applyPlan(start, { dryRun: true })).ok).toBe(false);

    // A car arrives in the evening: the start is planned, applied and read back.
    for (let i = 0; i < 6 * 48 && !bed.sim.house(SN).ev!.state().plugged; i++) await bed.clock.advance(30 * 60_000);
    const go = await system.planEvCharging(charger!.id, { start: true });
    expect(go.writes[0]).toMatchObject({
      target: "POST remoteControlEvCharger",
      payload: { sysSn: SN, evchargerSn: charger!.id, controlMode: 1 },
    });
    expect(await system.applyPlan(go)).toMatchObject({ ok: true, results: [{ sent: true, taken: true }] });
    expect((await system.getEvCharger(charger!.id)).status).toBe("charging");
    await expect(system.getEvCharger("NOPE123")).rejects.toThrow(/no EV charger NOPE123/);
  });
});

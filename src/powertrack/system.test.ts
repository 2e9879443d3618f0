import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { capabilityNames } from "../model/capabilities.js";
import { startOfLocalDay, zonedTimeToInstant } from "../core/time/zoned.js";
import { VirtualClock } from "../sim/kernel.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import { toHardware } from "./models/hardware.js";
import { powerKwOf } from "./system.js";
import { simAndClient } from "./test-support/sim-client.js";

let sim: PowerTrackSimulator;
let client: PowerTrackClient;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock({ mode: "manual", start: Date.UTC(2026, 5, 10, 12) });
  ({ sim, client } = await simAndClient({ sites: 6, seed: 17, clock }));
});
afterAll(async () => {
  client.close();
  await sim.close();
});

/** An online site whose production meter communicates. */
function healthySite() {
  for (const key of sim.sites) {
    const s = sim.state.portfolio.site(key)!;
    const pm = s.hardware.find((h) => h.functionCode === 2)!;
    if (s.status === 8 && pm.hardwareStatus === 1) return s;
  }
  throw new Error("no healthy site");
}

describe("PowerTrackSite (EnergySystem)", () => {
  it("reports PV power from the production meter in W, and null for what PowerTrack cannot say", async () => {
    const s = healthySite();
    await clock.set(zonedTimeToInstant("2026-06-10", "12:30", s.location.tz));
    const system = client.site(s.key);
    const flow = await system.getPowerFlow();
    expect(flow.pvW).toBeCloseTo(sim.state.portfolio.sitePowerW(s, clock.now()), 0);
    expect(flow.pvW!).toBeGreaterThan(0);
    expect(flow).toMatchObject({ loadW: null, gridW: null, batteryW: null, soc: null, source: { vendor: "powertrack", device: s.key } });
    expect(flow.observedAt.getTime()).toBe(Math.floor((clock.now() - 20_000) / 1000) * 1000);
    expect(capabilityNames(system)).toEqual(["powerFlow", "energyTotals", "powerHistory"]);
    expect("capabilities" in system).toBe(false);
  });

  it("is 0 W at night (not null: the meter reports 0)", async () => {
    const s = healthySite();
    await clock.set(zonedTimeToInstant("2026-06-10", "23:30", s.location.tz));
    expect((await client.site(s.key).getPowerFlow()).pvW).toBe(0);
  });

  it("gives a local day's PV energy in kWh from the energy chart", async () => {
    const s = healthySite();
    await clock.set(zonedTimeToInstant("2026-06-12", "09:00", s.location.tz));
    const totals = await client.site(s.key).getEnergyTotals("2026-06-11");
    const from = startOfLocalDay("2026-06-11", s.location.tz).getTime();
    const to = startOfLocalDay("2026-06-12", s.location.tz).getTime();
    expect(totals.pvKwh).toBeCloseTo(sim.state.portfolio.energyKwh(s, from, to), 1);
    expect(totals).toMatchObject({ date: "2026-06-11", importKwh: null, exportKwh: null, loadKwh: null });
    const chart = sim.http.requests.filter((r) => r.path === "/api/view/chart").at(-1)!;
    expect(JSON.parse(chart.body)).toMatchObject({ start: "2026-06-11", end: "2026-06-11", binSize: 1440 });
    await expect(client.site(s.key).getEnergyTotals("11/06/2026")).rejects.toBeInstanceOf(ValidationError);
  });

  it("gives a past local day's PV power every 15 minutes, the bins' mean power in W", async () => {
    const s = healthySite();
    await clock.set(zonedTimeToInstant("2026-06-12", "09:00", s.location.tz));
    const samples = await client.site(s.key).getPowerHistory("2026-06-11");
    expect(samples).toHaveLength(96);
    const from = startOfLocalDay("2026-06-11", s.location.tz).getTime();
    expect(samples[0]!.observedAt.getTime()).toBe(from);
    const noon = samples[48]!;
    const kwh = sim.state.portfolio.energyKwh(s, noon.observedAt.getTime(), noon.observedAt.getTime() + 900_000);
    expect(noon.pvW!).toBeGreaterThan(0);
    expect(noon.pvW).toBeCloseTo(kwh * 4000, -1);
    expect(samples.every((x) => x.gridW === null && x.source.device === s.key)).toBe(true);
    const chart = sim.http.requests.filter((r) => r.path === "/api/view/chart").at(-1)!;
    expect(JSON.parse(chart.body)).toMatchObject({ start: "2026-06-11", end: "2026-06-11", binSize: 15 });
  });

  it("reads a device's kW from its registers, null when it says NaN", () => {
    const fixture = JSON.parse(
      readFileSync(
        join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "powertrack", "view_sitehardwareproduction_site_id.json"),
        "utf8",
      ),
    ) as { hardware: unknown[] };
    const rows = fixture.hardware.map((r) => toHardware(r));
    expect(rows.map(powerKwOf)).toEqual([null, null, 56.87224578857422, null]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../kernel.js";
import { SimSky } from "./weather.js";
import { startOpenMeteoSimulator, type OpenMeteoSimulator } from "./simulator.js";

const NOW = Date.UTC(2026, 0, 15, 3, 0);
let sim: OpenMeteoSimulator;

beforeAll(async () => {
  sim = await startOpenMeteoSimulator({ seed: 3, clock: new VirtualClock({ mode: "manual", start: NOW }) });
});
afterAll(() => sim.close());

async function get(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/forecast?${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("Open-Meteo simulator", () => {
  it("serves the documented shape: location, offset, zone, units and a time column per block", async () => {
    const { status, body } = await get(
      "latitude=52.52&longitude=13.41&hourly=shortwave_radiation,temperature_2m,cloud_cover&minutely_15=global_tilted_irradiance&tilt=30&azimuth=0&timezone=Europe/Berlin&forecast_days=1&past_days=1",
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ latitude: 52.52, longitude: 13.41, utc_offset_seconds: 3600, timezone: "Europe/Berlin" });
    expect(body.hourly_units).toEqual({ time: "iso8601", shortwave_radiation: "W/m²", temperature_2m: "°C", cloud_cover: "%" });
    const hourly = body.hourly as Record<string, unknown[]>;
    expect(hourly.time).toHaveLength(48);
    expect(hourly.time![0]).toBe("2026-01-14T00:00");
    expect(hourly.shortwave_radiation).toHaveLength(48);
    expect((body.minutely_15 as Record<string, unknown[]>).time).toHaveLength(192);
  });

  it("answers a bad parameter with HTTP 400 and { error: true, reason }", async () => {
    for (const query of [
      "latitude=91&longitude=0",
      "longitude=0",
      "latitude=0&longitude=0&hourly=not_a_variable",
      "latitude=0&longitude=0&timezone=No/Where",
    ]) {
      const { status, body } = await get(query);
      expect(status, query).toBe(400);
      expect(body.error).toBe(true);
      expect(typeof body.reason).toBe("string");
    }
  });

  it("gives the same weather for the same seed, and other weather for another seed", async () => {
    const a = await get("latitude=-33.87&longitude=151.21&hourly=shortwave_radiation");
    const b = await get("latitude=-33.87&longitude=151.21&hourly=shortwave_radiation");
    expect(a.body.hourly).toEqual(b.body.hourly);
    const other = await startOpenMeteoSimulator({ seed: 4, clock: sim.clock });
    try {
      const c = (await (await fetch(`${other.url}/forecast?latitude=-33.87&longitude=151.21&hourly=cloud_cover`)).json()) as {
        hourly: { cloud_cover: number[] };
      };
      const d = (await get("latitude=-33.87&longitude=151.21&hourly=cloud_cover")).body.hourly as { cloud_cover: number[] };
      expect(c.hourly.cloud_cover).not.toEqual(d.cloud_cover);
    } finally {
      await other.close();
    }
  });
});

describe("the simulated sky", () => {
  it("is dark at night, bounded by a clear sky by day, and dimmer under cloud", () => {
    const sky = new SimSky(5, -33.87, 151.21);
    let clearest = 0;
    for (let h = 0; h < 24 * 30; h++) {
      const end = NOW + h * 3_600_000;
      const w = sky.interval(end, 3_600_000, { tiltDeg: 20, azimuthDeg: 180 });
      for (const v of [w.shortwave_radiation, w.direct_radiation, w.diffuse_radiation, w.global_tilted_irradiance]) {
        expect(v).toBeGreaterThanOrEqual(0);
      }
      expect(w.shortwave_radiation).toBeLessThanOrEqual(1150);
      expect(w.direct_radiation + w.diffuse_radiation).toBeCloseTo(w.shortwave_radiation, 0);
      expect(w.cloud_cover).toBeGreaterThanOrEqual(0);
      expect(w.cloud_cover).toBeLessThanOrEqual(100);
      const localHour = (new Date(end).getUTCHours() + 10) % 24;
      if (localHour >= 22 || localHour <= 3) expect(w.shortwave_radiation).toBe(0);
      if (w.cloud_cover < 10) clearest = Math.max(clearest, w.shortwave_radiation);
    }
    // A clear summer noon in Sydney is around 1000 W/m².
    expect(clearest).toBeGreaterThan(850);
  });
});

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, ResponseFormatError, ValidationError } from "../../core/errors/index.js";
import { startHttpSimulator, VirtualClock, type HttpSimulator } from "../../sim/kernel.js";
import { startOpenMeteoSimulator, type OpenMeteoSimulator } from "../../sim/open-meteo/index.js";
import { forecastPvFromOpenMeteo, pvPowerFromIrradiance, type PvArrayConfig } from "./open-meteo-pv.js";
import { instantOfLocalTime, OpenMeteo } from "./open-meteo.js";

// A Sydney summer day; the simulator's clock is fixed so the series is reproducible.
const NOW = Date.UTC(2026, 0, 15, 3, 0);
const SYDNEY = { latitude: -33.87, longitude: 151.21 };
const ROOF: PvArrayConfig = { ...SYDNEY, kWp: 6.6, tiltDeg: 20, azimuthDeg: 180, performanceRatio: 0.8 };

let sim: OpenMeteoSimulator;
let client: OpenMeteo;

beforeAll(async () => {
  sim = await startOpenMeteoSimulator({ seed: 7, clock: new VirtualClock({ mode: "manual", start: NOW }) });
  client = new OpenMeteo({ baseUrl: sim.url, rateLimit: null, retry: false });
});
afterAll(() => sim.close());

describe("OpenMeteo client against the simulator", () => {
  it("fetches hourly irradiance as intervals ending at the stated times, in GMT by default", async () => {
    sim.http.clearRequests();
    const forecast = await client.getIrradiance({ ...SYDNEY, tiltDeg: 20, azimuthDeg: 180, forecastDays: 2 });
    const [sent] = sim.http.requests;
    expect(sent?.query.get("hourly")).toBe("shortwave_radiation,global_tilted_irradiance,temperature_2m,cloud_cover");
    expect(sent?.query.get("tilt")).toBe("20");
    expect(sent?.query.get("azimuth")).toBe("180");
    expect(sent?.query.get("timezone")).toBe("GMT");
    expect(forecast.utcOffsetSeconds).toBe(0);
    expect(forecast.intervals).toHaveLength(48);
    const first = forecast.intervals[0]!;
    expect(first.end.getTime()).toBe(Date.UTC(2026, 0, 15));
    expect(first.start.getTime()).toBe(Date.UTC(2026, 0, 14, 23));
    expect(first.minutes).toBe(60);
    // 14:00–15:00 UTC is 01:00–02:00 in Sydney: night. 01:00–02:00 UTC is around local noon.
    const at = (h: number) => forecast.intervals.find((i) => i.start.getTime() === Date.UTC(2026, 0, 15, h))!;
    expect(at(14).gtiWm2).toBe(0);
    expect(at(1).ghiWm2).toBeGreaterThan(100);
    expect(at(1).gtiWm2).toBeGreaterThan(100);
  });

  it("turns the local times of a named zone into the same instants, via utc_offset_seconds", async () => {
    const gmt = await client.getIrradiance({ ...SYDNEY, tiltDeg: 20, azimuthDeg: 180, forecastDays: 2 });
    const local = await client.getIrradiance({ ...SYDNEY, tiltDeg: 20, azimuthDeg: 180, forecastDays: 2, timezone: "Australia/Sydney" });
    expect(local.utcOffsetSeconds).toBe(11 * 3600);
    // Local midnight of 15 January (AEDT) is 13:00 UTC on the 14th.
    expect(local.intervals[0]!.end.toISOString()).toBe("2026-01-14T13:00:00.000Z");
    const byInstant = new Map(gmt.intervals.map((i) => [i.start.getTime(), i.gtiWm2]));
    const shared = local.intervals.filter((i) => byInstant.has(i.start.getTime()));
    expect(shared.length).toBeGreaterThan(30);
    for (const i of shared) expect(i.gtiWm2).toBe(byInstant.get(i.start.getTime()));
  });

  it("reads 15-minute data when asked", async () => {
    const forecast = await client.getIrradiance({ ...SYDNEY, resolution: "minutely_15", forecastDays: 1 });
    expect(sim.http.requests.at(-1)?.query.get("minutely_15")).toContain("global_tilted_irradiance");
    expect(forecast.intervals).toHaveLength(96);
    expect(forecast.intervals[1]!.start.getTime() - forecast.intervals[0]!.start.getTime()).toBe(900_000);
  });

  it("builds a PV forecast in W that is zero at night and never above the array's peak", async () => {
    const pv = await forecastPvFromOpenMeteo(client, ROOF, { forecastDays: 2 });
    expect(pv.intervals).toHaveLength(48);
    const values = pv.intervals.map((i) => i.pvW!);
    expect(Math.max(...values)).toBeGreaterThan(1000);
    expect(Math.max(...values)).toBeLessThanOrEqual(6600);
    expect(pv.intervals.find((i) => i.start.getTime() === Date.UTC(2026, 0, 15, 14))!.pvW).toBe(0);
  });

  it("maps Open-Meteo's 400 error body to an ApiError carrying the reason", async () => {
    const error = await client.getIrradiance({ ...SYDNEY, timezone: "Mars/Olympus_Mons" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "bad_request", retryable: false, vendor: "open-meteo" });
    expect((error as ApiError).vendorMessage).toContain("Mars/Olympus_Mons");
  });

  it("reports a 5xx as a retryable ApiError", async () => {
    sim.http.faults.add({ path: "/v1/forecast", kinds: ["http503"], times: 1 });
    const error = await client.getIrradiance(SYDNEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });

  it("derives a client with other options that keeps the budget and still reaches the server", async () => {
    const limited = new OpenMeteo({ baseUrl: sim.url, retry: false });
    const derived = limited.withOptions({ timeoutMs: 5000 });
    expect(derived).not.toBe(limited);
    sim.http.clearRequests();
    await expect(derived.getIrradiance({ ...SYDNEY, forecastDays: 1 })).resolves.toMatchObject({ resolution: "hourly" });
    expect(sim.http.requests).toHaveLength(1);
    expect(sim.http.requests[0]?.headers["user-agent"]).toMatch(/^openpower\//);
  });

  it("retries a read after a 5xx when retries are on", async () => {
    const retrying = new OpenMeteo({ baseUrl: sim.url, rateLimit: null, retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    sim.http.clearRequests();
    sim.http.faults.add({ path: "/v1/forecast", kinds: ["http502"], times: 1 });
    await expect(retrying.getIrradiance({ ...SYDNEY, forecastDays: 1 })).resolves.toMatchObject({ resolution: "hourly" });
    expect(sim.http.requests.map((r) => r.faulted ?? "ok")).toEqual(["http502", "ok"]);
  });

  it("reports a body that is not JSON as a ResponseFormatError", async () => {
    sim.http.faults.add({ path: "/v1/forecast", kinds: ["malformed"], times: 1 });
    await expect(client.getIrradiance(SYDNEY)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it.each([
    ["latitude", { latitude: 91, longitude: 0 }],
    ["latitude", { latitude: Number.NaN, longitude: 0 }],
    ["longitude", { latitude: 0, longitude: -180.5 }],
    ["forecastDays", { ...SYDNEY, forecastDays: 0 }],
    ["tiltDeg", { ...SYDNEY, tiltDeg: 95 }],
  ])("refuses a bad %s before sending anything", async (field, request) => {
    sim.http.clearRequests();
    const error = await client.getIrradiance(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(sim.http.requests).toHaveLength(0);
  });

  it("refuses a bad array before sending anything", async () => {
    sim.http.clearRequests();
    await expect(forecastPvFromOpenMeteo(client, { ...ROOF, kWp: -1 })).rejects.toMatchObject({ name: "ValidationError", field: "kWp" });
    await expect(forecastPvFromOpenMeteo(client, { ...ROOF, performanceRatio: 1.2 })).rejects.toMatchObject({ field: "performanceRatio" });
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("OpenMeteo client against wrong-shaped answers", () => {
  let odd: HttpSimulator;
  let body: unknown;
  beforeAll(async () => {
    odd = await startHttpSimulator(() => ({ body }), {});
  });
  afterAll(() => odd.close());
  const oddClient = () => new OpenMeteo({ baseUrl: `${odd.url}/v1`, rateLimit: null, retry: false });
  const good = {
    latitude: 1,
    longitude: 2,
    utc_offset_seconds: 0,
    timezone: "GMT",
    extra_field_from_the_future: { ok: true },
    hourly: {
      time: ["2026-01-15T00:00", "2026-01-15T01:00"],
      shortwave_radiation: [0, 10],
      global_tilted_irradiance: [0, null],
      temperature_2m: [20, 21],
      cloud_cover: [5, 6],
      wind_speed_10m: [1, 2],
    },
  };

  it("accepts unknown fields and keeps a null value as null", async () => {
    body = good;
    const forecast = await oddClient().getIrradiance({ latitude: 1, longitude: 2 });
    expect(forecast.intervals[1]).toMatchObject({ ghiWm2: 10, gtiWm2: null, temperatureC: 21 });
  });

  it.each([
    ["a missing utc_offset_seconds", { ...good, utc_offset_seconds: undefined }, "utc_offset_seconds"],
    ["a string value", { ...good, hourly: { ...good.hourly, shortwave_radiation: ["0", 10] } }, "hourly.shortwave_radiation[0]"],
    ["a short column", { ...good, hourly: { ...good.hourly, cloud_cover: [5] } }, "hourly.cloud_cover"],
    ["a gap in the times", { ...good, hourly: { ...good.hourly, time: ["2026-01-15T00:00", "2026-01-15T03:00"] } }, "hourly.time[1]"],
    ["no hourly block", { ...good, hourly: undefined }, "hourly"],
  ])("refuses %s with a ResponseFormatError naming the field", async (_name, wrong, path) => {
    body = wrong;
    const error = await oddClient()
      .getIrradiance({ latitude: 1, longitude: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as ResponseFormatError).path).toBe(path);
  });

  it("treats an error body sent with 200 as an error", async () => {
    body = { error: true, reason: "something odd" };
    await expect(oddClient().getIrradiance({ latitude: 1, longitude: 2 })).rejects.toMatchObject({
      name: "ApiError",
      vendorMessage: "something odd",
    });
  });
});

describe("irradiance to PV power", () => {
  it("reads a local time with its UTC offset", () => {
    expect(instantOfLocalTime("2026-01-15T00:00", 39_600).getTime()).toBe(Date.UTC(2026, 0, 14, 13));
    expect(instantOfLocalTime("2026-07-01T12:30", -14_400).getTime()).toBe(Date.UTC(2026, 6, 1, 16, 30));
  });

  it("is never negative, zero without sun, and never above kWp × 1000", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 2000, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.option(fc.double({ min: -40, max: 60, noNaN: true }), { nil: null }),
        fc.double({ min: -0.02, max: 0, noNaN: true }),
        (irradiance, kWp, performanceRatio, temperature, coefficient) => {
          const array = { kWp, performanceRatio, temperatureCoefficientPerC: coefficient };
          const power = pvPowerFromIrradiance(irradiance, array, temperature)!;
          expect(power).toBeGreaterThanOrEqual(0);
          expect(power).toBeLessThanOrEqual(kWp * 1000);
          if (irradiance <= 0) expect(power).toBe(0);
          expect(pvPowerFromIrradiance(0, array, temperature)).toBe(0);
        },
      ),
    );
  });

  it("keeps a missing irradiance missing", () => {
    expect(pvPowerFromIrradiance(null, { kWp: 5 })).toBeNull();
    expect(pvPowerFromIrradiance(Number.NaN, { kWp: 5 })).toBeNull();
  });

  it("gives kWp × PR at 1000 W/m² and 25 °C cells", () => {
    expect(pvPowerFromIrradiance(1000, { kWp: 5, performanceRatio: 0.8 }, 25 - 30)).toBeCloseTo(4000, 6);
  });
});

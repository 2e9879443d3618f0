import { afterEach, describe, expect, it } from "vitest";
import { parseIntervals, parseRenewables, parseSites, parseUsage } from "../../amber/intervals.js";
import { mapAmberHttpError } from "../../amber/errors.js";
import { readFixture } from "../../../test/support/fixtures.js";
import { DEFAULT_RETRY_POLICY } from "../../core/http/retry-policy.js";
import { formatNemTime, nemDateOfIntervalEnd } from "../../core/time/nem.js";
import { VirtualClock } from "../kernel.js";
import { startAmberSimulator, type AmberSimulator, type AmberSimulatorOptions } from "./index.js";

const T0 = Date.parse("2025-03-10T04:07:40Z");
const FIVE = "01GM47PZ7VYRDP071ED43M47TX";
const THIRTY = "01F5A5CRKMZ5BCX9P1S4V990AM";

const sims: AmberSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function start(options: AmberSimulatorOptions = {}) {
  const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock({ mode: "manual", start: T0 });
  const sim = await startAmberSimulator({ clock, ...options });
  sims.push(sim);
  const get = async (path: string, token: string | null = sim.token) => {
    const response = await fetch(`${sim.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as unknown };
  };
  return { sim, clock, get };
}

describe("auth and routing", () => {
  it("answers 401 without a token, 403 for an unknown one, 403 for unrouted paths, with API Gateway bodies", async () => {
    const { get } = await start();
    const missing = await get("/sites", null);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(readFixture("amber", "error-401-missing-token.json"));
    expect(missing.headers.get("ratelimit-limit")).toBeNull();
    expect(await get("/sites", "psk_unknown")).toMatchObject({ status: 403, body: { message: "Forbidden" } });
    expect(await get("/nothing-here")).toMatchObject({ status: 403, body: { message: "Missing Authentication Token" } });
    const ok = await get("/sites");
    expect(ok.headers.get("content-type")).toMatch(/application\/json/);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves renewables without auth and without rate-limit headers; 404 for unknown states", async () => {
    const { get, sim } = await start({ rateLimit: { limit: 1 } });
    for (let i = 0; i < 3; i++) {
      const r = await get("/state/vic/renewables/current", null);
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-remaining")).toBeNull();
    }
    expect(await get("/state/tas/renewables/current", null)).toMatchObject({ status: 404, body: { message: "State not found" } });
    expect(sim.stats().rateLimited).toBe(0);
  });

  it("answers 404 for an unknown site", async () => {
    const { get } = await start();
    expect(await get("/sites/01ARZ3NDEKTSV4RRFFQ69G5FAV/prices/current")).toMatchObject({
      status: 404,
      body: { message: "Site not found" },
    });
  });

  it("answers 404, not a 500, for a site or state with a malformed percent escape", async () => {
    const { get, sim } = await start();
    expect(await get("/sites/%E0%A4%A/prices/current")).toMatchObject({ status: 404, body: { message: "Site not found" } });
    expect(await get("/state/%zz/renewables/current", null)).toMatchObject({ status: 404, body: { message: "State not found" } });
    expect(sim.stats().byStatus[500]).toBeUndefined();
  });
});

describe("validation", () => {
  it.each([
    ["/sites/FIVE/prices/current?resolution=15", 400],
    ["/sites/FIVE/prices/current?next=abc", 400],
    ["/sites/FIVE/prices/current?next=-1", 400],
    ["/sites/FIVE/prices/current?next=2000&previous=49", 422],
    ["/sites/FIVE/prices/current?next=2000&previous=48", 200],
    ["/sites/FIVE/prices?startDate=2025-03-01&endDate=2025-03-09", 422],
    ["/sites/FIVE/prices?startDate=2025-03-01&endDate=2025-03-08", 200],
    ["/sites/FIVE/prices?startDate=20250301&endDate=2025-03-02", 400],
    ["/sites/FIVE/prices?startDate=2025-03-05&endDate=2025-03-01", 400],
    ["/sites/FIVE/usage?startDate=2025-03-01", 400],
    ["/sites/FIVE/usage?startDate=2025-02-01&endDate=2025-02-09", 422],
    ["/sites/FIVE/usage?startDate=2025-03-01&endDate=2025-03-02&resolution=30", 200],
    ["/state/nsw/renewables/current?resolution=60", 400],
  ])("%s → %i", async (path, status) => {
    const { get } = await start();
    const r = await get(path.replace("FIVE", FIVE));
    expect(r.status).toBe(status);
    if (status !== 200) expect(typeof (r.body as { message: unknown }).message).toBe("string");
  });

  it("maps each error status to the right typed error", async () => {
    const { get } = await start();
    const cases: Array<[string, string, string]> = [
      [`/sites/${FIVE}/prices/current?resolution=15`, "ApiError", "400"],
      [`/sites/${FIVE}/prices?startDate=2025-03-01&endDate=2025-03-09`, "ApiError", "422"],
      ["/state/tas/renewables/current", "NotFoundError", "State"],
      [`/sites/01ARZ3NDEKTSV4RRFFQ69G5FAV/usage?startDate=2025-03-01&endDate=2025-03-01`, "NotFoundError", "listSites"],
    ];
    for (const [path, name, text] of cases) {
      const r = await get(path);
      const error = mapAmberHttpError(
        {
          status: r.status,
          ok: false,
          headers: r.headers,
          data: r.body,
          url: `http://x/v1${path}`,
          method: "GET",
          requestId: undefined,
          attempts: 1,
          receivedAt: T0,
        },
        { operation: "test", retryableStatuses: DEFAULT_RETRY_POLICY.statusCodes, limiter: null },
      )!;
      expect(error.name).toBe(name);
      expect(error.message).toContain(text);
      expect(error.retryable).toBe(false);
    }
    const serverError = mapAmberHttpError(
      {
        status: 500,
        ok: false,
        headers: new Headers(),
        data: readFixture("amber", "error-500.json"),
        url: "http://x/v1/sites",
        method: "GET",
        requestId: undefined,
        attempts: 1,
        receivedAt: T0,
      },
      { operation: "test", retryableStatuses: DEFAULT_RETRY_POLICY.statusCodes, limiter: null },
    );
    expect(serverError).toBeUndefined(); // the transport's default: a retryable ApiError
  });
});

describe("rate limiting", () => {
  it("sends the four headers on every authenticated answer and 429 past 50 in a fixed 300 s window", async () => {
    const { get, clock, sim } = await start();
    for (let i = 1; i <= 50; i++) {
      const r = await get("/sites");
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-remaining")).toBe(String(50 - i));
      expect(r.headers.get("ratelimit-limit")).toBe("50");
      expect(r.headers.get("ratelimit-policy")).toBe("50;w=300");
      expect(r.headers.get("ratelimit-reset")).toBe("300");
    }
    await clock.advance(120_000);
    const refused = await get("/sites");
    expect(refused).toMatchObject({ status: 429, body: { message: "Too Many Requests" } });
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-reset")).toBe("180");
    await clock.advance(180_000);
    const again = await get("/sites");
    expect(again.status).toBe(200);
    expect(again.headers.get("ratelimit-remaining")).toBe("49");
    expect(sim.stats().rateLimited).toBe(1);
  });

  it("counts each token separately", async () => {
    const { get, sim } = await start({
      tokens: ["psk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "psk_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"],
      rateLimit: { limit: 1, windowMs: 60_000 },
    });
    expect((await get("/sites", sim.tokens[0]!)).status).toBe(200);
    expect((await get("/sites", sim.tokens[0]!)).status).toBe(429);
    expect((await get("/sites", sim.tokens[1]!)).status).toBe(200);
  });

  it("mimics the edge throttle: 429 without RateLimit headers, as captured", async () => {
    const { get, sim } = await start({ gatewayThrottle: 1 });
    const r = await get("/sites");
    expect(r.status).toBe(429);
    expect(r.body).toEqual(readFixture("amber", "error-429-gateway-inferred.json"));
    expect(r.text).toHaveLength(31);
    const captured = readFixture<Record<string, string>>("amber", "ratelimit-headers-429-gateway-observed.json");
    expect(r.headers.get("x-amzn-errortype")).toBe(captured["x-amzn-ErrorType"]);
    expect(r.headers.get("x-cache")).toBe(captured["X-Cache"]);
    expect(r.headers.get("ratelimit-limit")).toBeNull();
    expect((await get("/sites")).status).toBe(200);
    expect(sim.stats().gatewayThrottled).toBe(1);
  });
});

describe("interval shapes and time semantics", () => {
  const keysOf = (o: unknown) => Object.keys(o as object);

  it("reproduces the fixtures' shapes and field order", async () => {
    const { get } = await start({ clock: new VirtualClock({ mode: "manual", start: T0 + 59_000 }) });
    const real = readFixture<Array<Record<string, unknown>>>("amber", "prices-2day-30min-general-feedin.json");
    const body = (await get(`/sites/${THIRTY}/prices?startDate=2025-03-10&endDate=2025-03-11`)).body as Array<Record<string, unknown>>;
    const orderOf = (records: Array<Record<string, unknown>>) => new Set(records.map((r) => keysOf(r).join(",")));
    const realGeneral = orderOf(real.filter((r) => r.channelType === "general"));
    for (const shape of orderOf(body.filter((r) => r.channelType === "general"))) expect(realGeneral).toContain(shape);
    const usage = (await get(`/sites/${FIVE}/usage?startDate=2025-03-01&endDate=2025-03-01`)).body as unknown[];
    expect(keysOf(usage[0])).toEqual(keysOf(readFixture<unknown[]>("amber", "usage-5min-issue256-excerpt.json")[0]));
    const renewables = (await get("/state/vic/renewables/current?next=1&previous=1", null)).body as unknown[];
    expect(renewables.map(keysOf)).toEqual(readFixture<unknown[]>("amber", "renewables-vic-next1-previous1.json").map(keysOf));
    const sites = (await get("/sites")).body as unknown[];
    expect(keysOf(sites[0])).toEqual(keysOf(readFixture<unknown[]>("amber", "sites-spec-examples.json")[1]));
    // And the client's parsers accept all of it.
    expect(parseIntervals(body)).toHaveLength(body.length);
    expect(parseUsage(usage)).toHaveLength(288 * 2);
    expect(parseRenewables(renewables)).toHaveLength(3);
    expect(parseSites(sites)).toHaveLength(3);
  });

  it("puts end-aligned nemTime at +10:00, startTime at :01Z and the interval's NEM date", async () => {
    const { get } = await start();
    const body = (await get(`/sites/${FIVE}/prices?startDate=2025-03-09&endDate=2025-03-10`)).body as Array<
      Record<string, string | number>
    >;
    for (const r of body) {
      const end = Date.parse(r.endTime as string);
      expect(end % ((r.duration as number) * 60_000)).toBe(0);
      expect(r.startTime).toBe(new Date(end - (r.duration as number) * 60_000 + 1000).toISOString().replace(".000Z", "Z"));
      expect(r.nemTime).toBe(formatNemTime(end));
      expect(r.date).toBe(nemDateOfIntervalEnd(end));
    }
    const lastOfDay = body.find((r) => r.nemTime === "2025-03-10T00:00:00+10:00")!;
    expect(lastOfDay.date).toBe("2025-03-09");
  });

  it("inverts feed-in perKwh and advancedPrice but not spot and range", async () => {
    const { get } = await start();
    const body = (await get(`/sites/${FIVE}/prices/current?next=40&previous=5`)).body as Array<Record<string, unknown>>;
    const general = body.filter((r) => r.channelType === "general");
    const feedIn = body.filter((r) => r.channelType === "feedIn");
    expect(feedIn).toHaveLength(general.length);
    for (const [i, g] of general.entries()) {
      const f = feedIn[i]!;
      expect(f.endTime).toBe(g.endTime);
      expect(f.spotPerKwh).toBe(g.spotPerKwh);
      expect(f.range).toEqual(g.range);
      expect(f.perKwh).toBeCloseTo(-((g.spotPerKwh as number) - 0.4), 4);
      expect(f.tariffInformation).toBeUndefined();
      expect(g.tariffInformation).toBeDefined();
      // Every interval here is within 24 h: all but the actuals carry the band.
      const band = f.advancedPrice as { low: number; predicted: number; high: number } | undefined;
      if (f.type === "ActualInterval") {
        expect(band).toBeUndefined();
      } else {
        expect(band).toBeDefined();
        expect(band!.low).toBeGreaterThanOrEqual(band!.high);
      }
    }
  });

  it("keeps advancedPrice ordered around the price it predicts, also on a locked-in current interval", async () => {
    // 27 minutes into each half-hour: both sites' current prices are locked in (the actual spot).
    const { get, clock } = await start({ rateLimit: false });
    const first = Math.ceil(T0 / 1_800_000) * 1_800_000 + 27 * 60_000;
    let checked = 0;
    for (let k = 0; k < 96; k++) {
      await clock.set(first + k * 1_800_000);
      for (const site of [FIVE, THIRTY]) {
        const body = (await get(`/sites/${site}/prices/current`)).body as Array<Record<string, unknown>>;
        for (const r of body) {
          expect(r).toMatchObject({ type: "CurrentInterval", estimate: false });
          const band = r.advancedPrice as { low: number; predicted: number; high: number };
          expect(band.predicted).toBeCloseTo(r.perKwh as number, 5);
          const [below, above] = r.channelType === "feedIn" ? [band.high, band.low] : [band.low, band.high];
          expect(below, `${site} ${r.channelType} ${r.nemTime as string}`).toBeLessThanOrEqual(band.predicted);
          expect(above, `${site} ${r.channelType} ${r.nemTime as string}`).toBeGreaterThanOrEqual(band.predicted);
          checked++;
        }
      }
    }
    expect(checked).toBe(96 * 2 * 2);
  });

  it("puts advancedPrice only on current and near-term forecasts, range only on some forecasts", async () => {
    const { get } = await start();
    const body = (await get(`/sites/${THIRTY}/prices?startDate=2025-03-10&endDate=2025-03-11`)).body as Array<Record<string, unknown>>;
    const forecasts = body.filter((r) => r.type === "ForecastInterval");
    expect(
      body.filter((r) => r.type === "ActualInterval").every((r) => !("advancedPrice" in r) && !("range" in r) && !("estimate" in r)),
    ).toBe(true);
    expect(forecasts.every((r) => "advancedPrice" in r === Date.parse(r.endTime as string) - T0 <= 24 * 3_600_000)).toBe(true);
    expect(forecasts.some((r) => !("advancedPrice" in r))).toBe(true);
    const withRange = forecasts.filter((r) => "range" in r).length;
    expect(withRange).toBeGreaterThan(0);
    expect(withRange).toBeLessThan(forecasts.length);
  });

  it("publishes tomorrow's forecasts only after 12:30 NEM", async () => {
    const morning = await start({ clock: new VirtualClock({ mode: "manual", start: Date.parse("2025-03-10T01:00:00Z") }) });
    const early = (await morning.get(`/sites/${THIRTY}/prices/current?next=200`)).body as Array<Record<string, unknown>>;
    expect(early.at(-1)!.nemTime).toBe("2025-03-11T00:00:00+10:00");
    const afternoon = await start();
    const late = (await afternoon.get(`/sites/${THIRTY}/prices/current?next=200`)).body as Array<Record<string, unknown>>;
    expect(late.at(-1)!.nemTime).toBe("2025-03-12T00:00:00+10:00");
  });

  it("is deterministic for a seed and time, and differs between seeds", async () => {
    const a = await start({ seed: 7 });
    const b = await start({ seed: 7 });
    const c = await start({ seed: 8 });
    const path = `/sites/${FIVE}/prices/current?next=12&previous=12`;
    const [ta, tb, tc] = await Promise.all([a.get(path), b.get(path), c.get(path)]);
    expect(ta.text).toBe(tb.text);
    expect(ta.text).not.toBe(tc.text);
  });

  it("reports usage with kwh >= 0 and cost = kwh × perKwh in cents", async () => {
    const { get } = await start();
    const usage = (await get(`/sites/${FIVE}/usage?startDate=2025-03-01&endDate=2025-03-02`)).body as Array<
      Record<string, number | string>
    >;
    expect(usage).toHaveLength(2 * 288 * 2);
    const exported = usage.filter((u) => u.channelType === "feedIn" && (u.kwh as number) > 0);
    expect(exported.length).toBeGreaterThan(0);
    for (const u of usage) {
      expect(u.kwh).toBeGreaterThanOrEqual(0);
      expect(u.cost).toBeCloseTo((u.kwh as number) * (u.perKwh as number), 3);
    }
    expect(new Set(usage.map((u) => u.quality))).toEqual(new Set(["billable"]));
  });
});

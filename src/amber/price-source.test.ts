import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, ValidationError } from "../core/errors/index.js";
import { capabilityNames, isPriceSource, type PriceSource } from "../model/capabilities.js";
import { VirtualClock } from "../sim/kernel.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { Amber } from "./client.js";
import { AmberPriceSource } from "./price-source.js";

const T0 = Date.parse("2025-03-10T04:07:40Z");
const FIVE = "01GM47PZ7VYRDP071ED43M47TX";
const THIRTY = "01F5A5CRKMZ5BCX9P1S4V990AM";
const HOUR = 3_600_000;

const sims: AmberSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup() {
  const clock = new VirtualClock({ mode: "manual", start: T0 });
  const sim = await startAmberSimulator({ clock });
  sims.push(sim);
  return { sim, amber: new Amber({ token: sim.token, baseUrl: sim.url, clock }) };
}

describe("AmberPriceSource", () => {
  it("honours PriceQuery.resolution: 5-minute history where the site has it, 30 on request, refused otherwise", async () => {
    const { sim, amber } = await setup();
    const source = amber.priceSource(FIVE);
    const base = T0 - (T0 % (HOUR / 2));
    const range = { from: new Date(base - 2 * HOUR), to: new Date(base - HOUR) };
    const five = await source.getPriceIntervals({ ...range, resolution: 5 });
    expect(new Set(five.map((p) => p.durationMin))).toEqual(new Set([5]));
    expect(five.filter((p) => p.channel === "general")).toHaveLength(12);
    const thirty = await source.getPriceIntervals({ ...range, resolution: 30 });
    expect(thirty.filter((p) => p.channel === "general").map((p) => p.durationMin)).toEqual([30, 30]);
    const current = await source.getPriceIntervals({ previous: 2, resolution: 30 });
    expect(current.every((p) => p.durationMin === 30)).toBe(true);
    expect(sim.http.requests.map((r) => r.query.get("resolution"))).toEqual(["5", "30", "30"]);
    const before = sim.http.requests.length;
    await expect(source.getPriceIntervals({ ...range, resolution: 15 as never })).rejects.toBeInstanceOf(ValidationError);
    expect(sim.http.requests.length).toBe(before);
  });

  it("implements PriceSource for a site: current prices by default, unified and sign-documented", async () => {
    const { amber } = await setup();
    const source: PriceSource = amber.priceSource(FIVE);
    expect(source).toBeInstanceOf(AmberPriceSource);
    expect(isPriceSource(source)).toBe(true);
    expect(capabilityNames(source)).toEqual(["prices"]);
    expect([source.vendor, source.id]).toEqual(["amber", FIVE]);
    const now = await source.getPriceIntervals({});
    expect(now.map((p) => [p.channel, p.kind, p.durationMin])).toEqual([
      ["general", "current", 5],
      ["feedIn", "current", 5],
    ]);
    const [general, feedIn] = now;
    expect(feedIn!.spotPerKwhCents).toBe(general!.spotPerKwhCents);
    expect(feedIn!.perKwhCents).toBeCloseTo(-(feedIn!.spotPerKwhCents - 0.4), 4);
    const around = await source.getPriceIntervals({ previous: 2, next: 3 });
    expect(around.filter((p) => p.channel === "general").map((p) => p.kind)).toEqual([
      "actual",
      "actual",
      "current",
      "forecast",
      "forecast",
      "forecast",
    ]);
  });

  it("covers [from, to) across NEM days with intervals that tile", async () => {
    const { sim, amber } = await setup();
    const source = amber.priceSource(THIRTY);
    // 22:00 NEM on 03-08 to 02:00 NEM on 03-10: three NEM dates, one request.
    const from = new Date("2025-03-08T12:00:00Z");
    const to = new Date("2025-03-09T16:00:00Z");
    const prices = await source.getPriceIntervals({ from, to });
    expect(Object.fromEntries(sim.http.requests.at(-1)!.query)).toEqual({ startDate: "2025-03-08", endDate: "2025-03-10" });
    for (const channel of ["general", "controlledLoad"]) {
      const series = prices.filter((p) => p.channel === channel);
      expect(series).toHaveLength(56);
      expect(series[0]!.start).toEqual(from);
      expect(series.at(-1)!.end).toEqual(to);
      for (let i = 1; i < series.length; i++) expect(series[i]!.start.getTime()).toBe(series[i - 1]!.end.getTime());
    }
    // `to` defaults to from + 24 h.
    const day = await source.getPriceIntervals({ from });
    expect(day.filter((p) => p.channel === "general")).toHaveLength(48);
  });

  it("refuses inconsistent arguments before sending", async () => {
    const { sim, amber } = await setup();
    const source = amber.priceSource(FIVE);
    await expect(source.getPriceIntervals({ from: new Date(T0), next: 3 })).rejects.toBeInstanceOf(ValidationError);
    await expect(source.getPriceIntervals({ from: new Date(T0), to: new Date(T0 - 1) })).rejects.toBeInstanceOf(ValidationError);
    await expect(source.getPriceIntervals({ from: new Date(Number.NaN) })).rejects.toBeInstanceOf(ValidationError);
    expect(() => amber.priceSource()).toThrow(ConfigurationError);
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("pricesAhead", () => {
  it("returns the current interval and every forecast starting within the next N hours, in one request", async () => {
    const { sim, amber } = await setup();
    const prices = await amber.forSite(FIVE).pricesAhead(3);
    expect(sim.http.requests).toHaveLength(1);
    expect(sim.http.requests[0]!.query.get("next")).toBe("36");
    const general = prices.filter((p) => p.channel === "general");
    expect(general[0]!.kind).toBe("current");
    expect(general.slice(1).every((p) => p.kind === "forecast" && p.estimate)).toBe(true);
    expect(general.every((p) => p.start.getTime() < T0 + 3 * HOUR && p.end.getTime() > T0)).toBe(true);
    expect(general.at(-1)!.end.getTime()).toBeGreaterThanOrEqual(T0 + 3 * HOUR);
    for (let i = 1; i < general.length; i++) expect(general[i]!.start.getTime()).toBe(general[i - 1]!.end.getTime());
    expect(new Set(general.map((p) => p.durationMin))).toEqual(new Set([5, 30]));
  });

  it("filters by channel, takes a site override and a resolution, and validates hours", async () => {
    const { sim, amber } = await setup();
    const controlled = await amber.pricesAhead(2, { site: THIRTY, resolution: 30, channel: "controlledLoad" });
    expect(sim.http.requests[0]!.query.get("next")).toBe("4");
    expect(controlled.every((p) => p.channel === "controlledLoad" && p.durationMin === 30)).toBe(true);
    expect(controlled).toHaveLength(5);
    for (const hours of [0, -1, 49, Number.NaN])
      await expect(amber.pricesAhead(hours, { site: THIRTY })).rejects.toBeInstanceOf(ValidationError);
    expect(sim.http.requests).toHaveLength(1);
  });
});

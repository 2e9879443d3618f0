import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError, NotFoundError, ValidationError } from "../core/errors/index.js";
import { addDays } from "../core/time/calendar-date.js";
import { nemDate, nemDayStart } from "../core/time/nem.js";
import { VirtualClock } from "../sim/kernel.js";
import { DEFAULT_AMBER_SITES, startAmberSimulator, type AmberSimulator, type AmberSimulatorOptions } from "../sim/amber/index.js";
import { Amber, type AmberOptions } from "./client.js";
import { groupByChannel, groupByChannelIdentifier, intervalAt } from "./intervals.js";
import { State } from "./regions.js";

// 14:07:40 NEM on a Monday: after 12:30, so tomorrow's forecasts are published.
const T0 = Date.parse("2025-03-10T04:07:40Z");
const FIVE_MIN_SITE = "01GM47PZ7VYRDP071ED43M47TX";
const THIRTY_MIN_SITE = "01F5A5CRKMZ5BCX9P1S4V990AM";
const CLOSED_SITE = "01E8RD8PDAAJ5PJCMSGK1C4609";

const sims: AmberSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(simOptions: AmberSimulatorOptions = {}, clientOptions: AmberOptions = {}) {
  const clock = (simOptions.clock as VirtualClock | undefined) ?? new VirtualClock({ mode: "manual", start: T0 });
  const sim = await startAmberSimulator({ clock, ...simOptions });
  sims.push(sim);
  const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock, timeoutMs: 2000, ...clientOptions });
  return { sim, amber, clock };
}

const queryOf = (sim: AmberSimulator, i = -1) => Object.fromEntries(sim.http.requests.at(i)!.query);

describe("construction and scoping", () => {
  it("keeps the token out of inspect, JSON and errors", async () => {
    const { sim, amber } = await setup();
    expect(inspect(amber)).not.toContain(sim.token);
    expect(JSON.stringify(amber)).not.toContain(sim.token);
    const wrong = new Amber({ token: `${sim.token}x`, baseUrl: sim.url });
    const error = await wrong.listSites().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(inspect(error)).not.toContain(sim.token);
    expect(() => new Amber({ token: "psk_abc def" })).toThrow(ConfigurationError);
  });

  it("sends the bearer token on site calls and none on renewables", async () => {
    const { sim, amber } = await setup();
    await amber.listSites();
    await amber.getCurrentRenewables(State.NSW);
    expect(sim.http.requests[0]!.headers.authorization).toBe(`Bearer ${sim.token}`);
    expect(sim.http.requests[1]!.headers.authorization).toBeUndefined();
  });

  it("forSite clones share the budget and the rate-limit view", async () => {
    const { amber } = await setup();
    const site = amber.forSite(FIVE_MIN_SITE.toLowerCase());
    expect(site.site).toBe(FIVE_MIN_SITE);
    await site.getCurrentPrices();
    expect(amber.getRatelimits()?.remaining).toBe(49);
    await amber.listSites();
    expect(site.getRatelimits()?.remaining).toBe(48);
    expect(site.rateLimitState()).toEqual(amber.rateLimitState());
  });

  it("withOptions derives a client with its own transport settings and the same token, site and budget", async () => {
    const { sim, amber } = await setup();
    const site = amber.forSite(FIVE_MIN_SITE);
    const derived = site.withOptions({ userAgent: "derived-agent/1", timeoutMs: 1500 });
    expect(derived).toBeInstanceOf(Amber);
    expect(derived.site).toBe(FIVE_MIN_SITE);
    await derived.getCurrentPrices();
    expect(sim.http.requests[0]!.headers["user-agent"]).toBe("derived-agent/1");
    expect(sim.http.requests[0]!.headers.authorization).toBe(`Bearer ${sim.token}`);
    expect(site.getRatelimits()?.remaining).toBe(49);
    await site.getCurrentPrices();
    expect(sim.http.requests[1]!.headers["user-agent"]).not.toBe("derived-agent/1");
    expect(derived.getRatelimits()?.remaining).toBe(48);
    expect(derived.rateLimitState()).toEqual(site.rateLimitState());
    expect(inspect(derived)).not.toContain(sim.token);
  });

  it("refuses a malformed site id, a missing site and a missing token before sending anything", async () => {
    const { sim, amber } = await setup();
    expect(() => amber.forSite("../sites")).toThrow(ValidationError);
    await expect(amber.getCurrentPrices()).rejects.toBeInstanceOf(ConfigurationError);
    await expect(amber.getCurrentPrices({ site: "01GM47PZ7VYRDP071ED43M47T" })).rejects.toBeInstanceOf(ValidationError);
    const anonymous = new Amber({ baseUrl: sim.url, site: FIVE_MIN_SITE });
    await expect(anonymous.listSites()).rejects.toMatchObject({ name: "ConfigurationError", setting: "token" });
    await expect(anonymous.getPrices()).rejects.toBeInstanceOf(ConfigurationError);
    expect(() => anonymous.iterateUsage({ start: "2025-01-01", end: "2025-01-02" })).toThrow(ConfigurationError);
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("getRatelimits", () => {
  it("is null before the first call, then mirrors the headers; renewables leave it alone", async () => {
    const { amber, clock } = await setup();
    expect(amber.getRatelimits()).toBeNull();
    await amber.getCurrentRenewables(State.VIC);
    expect(amber.getRatelimits()).toBeNull();
    await amber.listSites();
    const limits = amber.getRatelimits()!;
    expect(limits).toMatchObject({ limit: 50, remaining: 49, reset: 300, policy: "50;w=300" });
    expect(limits.refreshed.getTime()).toBe(clock.now());
    expect(limits.timeWindow()).toBe(300);
    expect(limits.estimatedReset()!.getTime()).toBe(clock.now() + 300_000);
    await clock.advance(60_000);
    await amber.getCurrentRenewables(State.SA);
    expect(amber.getRatelimits()).toBe(limits);
    await amber.listSites();
    expect(amber.getRatelimits()).toMatchObject({ remaining: 48, reset: 240 });
  });
});

describe("sites", () => {
  it("lists pending, active and closed sites; the helper picks the first active one", async () => {
    const { amber } = await setup();
    const sites = await amber.listSites();
    expect(sites.map((s) => [s.id, s.status, s.intervalLength])).toEqual([
      [CLOSED_SITE, "closed", 30],
      [FIVE_MIN_SITE, "active", 5],
      [THIRTY_MIN_SITE, "active", 30],
    ]);
    expect(sites[0]!.closedOn).toBe("2022-05-01");
    expect((await amber.getActiveSite()).id).toBe(FIVE_MIN_SITE);
    expect((await amber.forActiveSite()).site).toBe(FIVE_MIN_SITE);
  });

  it("says so when the account has no active site, naming each status once", async () => {
    const closed = DEFAULT_AMBER_SITES.find((s) => s.status === "closed")!;
    const sites = [
      closed,
      { ...closed, id: "01E8RD8PDAAJ5PJCMSGK1C4610" },
      { ...closed, id: "01E8RD8PDAAJ5PJCMSGK1C4611", status: "pending" as const, closedOn: undefined },
    ];
    const { amber } = await setup({ sites });
    await expect(amber.getActiveSite()).rejects.toBeInstanceOf(NotFoundError);
    await expect(amber.getActiveSite()).rejects.toThrow(/has only closed and pending sites, none active/);
    const { amber: empty } = await setup({ sites: [] });
    await expect(empty.getActiveSite()).rejects.toThrow(/has no sites, none active/);
  });

  it("maps an unknown site to NotFoundError", async () => {
    const { amber } = await setup();
    await expect(amber.forSite("01ARZ3NDEKTSV4RRFFQ69G5FAV").getCurrentPrices()).rejects.toMatchObject({
      name: "NotFoundError",
      status: 404,
    });
  });
});

describe("getCurrentPrices", () => {
  it("defaults to the current interval of each channel, sending no parameters", async () => {
    const { sim, amber } = await setup();
    const prices = await amber.forSite(FIVE_MIN_SITE).getCurrentPrices();
    expect(prices.map((p) => [p.channelType, p.type, p.duration])).toEqual([
      ["general", "CurrentInterval", 5],
      ["feedIn", "CurrentInterval", 5],
    ]);
    expect(queryOf(sim)).toEqual({});
    expect(prices[0]!.start.getTime()).toBeLessThanOrEqual(T0);
    expect(prices[0]!.end.getTime()).toBeGreaterThan(T0);
  });

  it("counts previous and next per channel, at the asked resolution", async () => {
    const { sim, amber } = await setup();
    const prices = await amber.forSite(FIVE_MIN_SITE).getCurrentPrices({ previous: 6, next: 3, resolution: 30 });
    expect(queryOf(sim)).toEqual({ previous: "6", next: "3", resolution: "30" });
    const groups = groupByChannel(prices);
    for (const group of groups.values()) {
      expect(group.map((p) => p.type)).toEqual([
        ...Array(6).fill("ActualInterval"),
        "CurrentInterval",
        ...Array(3).fill("ForecastInterval"),
      ]);
      expect(group.every((p) => p.duration === 30)).toBe(true);
    }
    // Returned as sent (no regrouping): every general interval, then every feed-in one.
    expect(prices.map((p) => p.endTime)).toEqual(
      (sim.api.pricing.currentPrices(sim.simSites[1]!, T0, 6, 3, 30) as Array<{ endTime: string }>).map((p) => p.endTime),
    );
    expect(prices.slice(0, 10).every((p) => p.channelType === "general")).toBe(true);
  });

  it("returns mixed 5- and 30-minute forecasts on a 5-minute site, tiling without gaps", async () => {
    const { amber } = await setup();
    const prices = await amber.forSite(FIVE_MIN_SITE).getCurrentPrices({ next: 48 });
    const general = groupByChannel(prices).get("general")!;
    expect(general).toHaveLength(49);
    const durations = general.map((p) => p.duration);
    expect(durations.slice(0, 17).every((d) => d === 5)).toBe(true);
    expect(durations.slice(17).every((d) => d === 30)).toBe(true);
    for (let i = 1; i < general.length; i++) expect(general[i]!.start.getTime()).toBe(general[i - 1]!.end.getTime());
    // 14:07:40 NEM + 1 h, rounded up to the half-hour: 5-minute forecasts until 15:30 NEM.
    expect(general[16]!.nemTime).toBe("2025-03-10T15:30:00+10:00");
    expect(intervalAt(prices, general[20]!.start.getTime() + 1500, "feedIn")!.duration).toBe(30);
  });

  it("orders a controlled-load site general, controlledLoad", async () => {
    const { amber } = await setup();
    const prices = await amber.forSite(THIRTY_MIN_SITE).getCurrentPrices({ next: 2 });
    expect([...groupByChannel(prices).keys()]).toEqual(["general", "controlledLoad"]);
    expect(prices.every((p) => p.duration === 30)).toBe(true);
  });

  it("follows the estimate flag: 5-minute prices lock after estimateSeconds, 30-minute ones in the last 5 minutes", async () => {
    const start = Date.parse("2025-03-10T04:10:00Z");
    const { amber, clock } = await setup({ clock: new VirtualClock({ mode: "manual", start: start + 10_000 }), estimateSeconds: 20 });
    const five = amber.forSite(FIVE_MIN_SITE);
    const thirty = amber.forSite(THIRTY_MIN_SITE);
    const estimateOf = async (client: Amber) => {
      const [p] = await client.getCurrentPrices();
      return p!.type === "CurrentInterval" ? p!.estimate : undefined;
    };
    expect(await estimateOf(five)).toBe(true);
    expect(await estimateOf(thirty)).toBe(true);
    await clock.advance(15_000);
    expect(await estimateOf(five)).toBe(false);
    await clock.set(Date.parse("2025-03-10T04:24:59Z"));
    expect(await estimateOf(thirty)).toBe(true);
    await clock.set(Date.parse("2025-03-10T04:25:01Z"));
    expect(await estimateOf(thirty)).toBe(false);
  });

  it("refuses bad counts and resolutions before sending", async () => {
    const { sim, amber } = await setup();
    const site = amber.forSite(FIVE_MIN_SITE);
    await expect(site.getCurrentPrices({ next: 2000, previous: 49 })).rejects.toMatchObject({ name: "ValidationError", field: "next" });
    await expect(site.getCurrentPrices({ next: 2048, previous: 0 })).resolves.toBeDefined();
    sim.http.clearRequests();
    for (const bad of [{ next: -1 }, { previous: 1.5 }, { next: Number.NaN }, { resolution: 15 }, { resolution: "5" }]) {
      await expect(site.getCurrentPrices(bad as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("getPrices", () => {
  it("defaults to today in NEM time and sends NEM dates", async () => {
    // 23:30Z is 09:30 NEM the next day: a UTC date would be wrong.
    const { sim, amber } = await setup({ clock: new VirtualClock({ mode: "manual", start: Date.parse("2025-03-10T23:30:00Z") }) });
    const prices = await amber.forSite(FIVE_MIN_SITE).getPrices();
    expect(queryOf(sim)).toEqual({ startDate: "2025-03-11", endDate: "2025-03-11" });
    expect(new Set(prices.map((p) => p.date))).toEqual(new Set(["2025-03-11"]));
    await amber
      .forSite(FIVE_MIN_SITE)
      .getPrices({ start: new Date("2025-03-01T14:00:00Z"), end: new Date("2025-03-02T13:59:59Z"), resolution: 30 });
    expect(queryOf(sim)).toEqual({ startDate: "2025-03-02", endDate: "2025-03-02", resolution: "30" });
  });

  it("types every interval by time: actuals, one current, forecasts up to the horizon", async () => {
    const { amber } = await setup();
    const prices = await amber.forSite(THIRTY_MIN_SITE).getPrices({ start: "2025-03-10", end: "2025-03-11" });
    const general = groupByChannel(prices).get("general")!;
    expect(general).toHaveLength(96);
    expect(general.filter((p) => p.type === "CurrentInterval")).toHaveLength(1);
    const current = general.find((p) => p.type === "CurrentInterval")!;
    expect(current.start.getTime()).toBeLessThanOrEqual(T0);
    expect(
      general.every((p) =>
        p.end.getTime() <= T0 ? p.type === "ActualInterval" : p.start.getTime() > T0 ? p.type === "ForecastInterval" : true,
      ),
    ).toBe(true);
    expect(general.at(-1)!.nemTime).toBe("2025-03-12T00:00:00+10:00");
    expect(general.at(-1)!.date).toBe("2025-03-11");
  });

  it("splits a long range into 7-day requests and merges them in order, without gaps or duplicates", async () => {
    const { sim, amber } = await setup();
    const seen: string[] = [];
    const prices = await amber
      .forSite(FIVE_MIN_SITE)
      .getPrices({ start: "2025-02-01", end: "2025-02-20", onProgress: (p) => seen.push(`${p.done}/${p.total}`) });
    expect(sim.http.requests.map((r) => [r.query.get("startDate"), r.query.get("endDate")])).toEqual([
      ["2025-02-01", "2025-02-07"],
      ["2025-02-08", "2025-02-14"],
      ["2025-02-15", "2025-02-20"],
    ]);
    expect(seen).toEqual(["1/3", "2/3", "3/3"]);
    for (const [channel, group] of groupByChannel(prices)) {
      expect(group, channel).toHaveLength(20 * 288);
      expect(group[0]!.start.getTime()).toBe(nemDayStart("2025-02-01").getTime());
      for (let i = 1; i < group.length; i++) expect(group[i]!.start.getTime()).toBe(group[i - 1]!.end.getTime());
    }
    expect(prices.slice(0, 20 * 288).every((p) => p.channelType === "general")).toBe(true);
  });

  it("yields chunk by chunk through the async iterator", async () => {
    const { amber } = await setup();
    const chunks = [];
    for await (const chunk of amber.forSite(THIRTY_MIN_SITE).iteratePrices({ start: "2025-01-01", end: "2025-01-09" })) chunks.push(chunk);
    expect(chunks.map((c) => [c.start, c.end, c.records.length, c.progress.fraction])).toEqual([
      ["2025-01-01", "2025-01-07", 7 * 48 * 2, 0.5],
      ["2025-01-08", "2025-01-09", 2 * 48 * 2, 1],
    ]);
  });

  it("refuses reversed or malformed dates before sending", async () => {
    const { sim, amber } = await setup();
    const site = amber.forSite(FIVE_MIN_SITE);
    await expect(site.getPrices({ start: "2025-03-02", end: "2025-03-01" })).rejects.toMatchObject({
      name: "ValidationError",
      field: "start",
      message: expect.stringMatching(/swap them/),
    });
    await expect(site.getUsage({ start: "2025-03-02", end: "2025-03-01" })).rejects.toMatchObject({
      name: "ValidationError",
      field: "start",
    });
    await expect(site.getPrices({ start: "2025-03-11" })).rejects.toMatchObject({ name: "ValidationError", field: "start" }); // after today, the default end
    await expect(site.getPrices({ start: "20250301" })).rejects.toBeInstanceOf(ValidationError);
    await expect(site.getPrices({ end: new Date(Number.NaN) })).rejects.toBeInstanceOf(ValidationError);
    expect(sim.http.requests).toHaveLength(0);
  });

  it("refuses a range over 366 days before sending (issue 12 item 18), and takes exactly 366", async () => {
    const { sim, amber } = await setup();
    const site = amber.forSite(FIVE_MIN_SITE);
    const absurd = { start: "1900-01-01", end: "2100-12-31" } as const;
    await expect(site.getPrices(absurd)).rejects.toMatchObject({
      name: "ValidationError",
      field: "end",
      message: expect.stringMatching(/at most 366 days.*73414 days.*Nothing was sent/s),
    });
    await expect(site.getUsage(absurd)).rejects.toMatchObject({ name: "ValidationError", field: "end" });
    expect(() => site.iteratePrices({ start: "2024-03-09", end: "2025-03-10" })).toThrow(/at most 366 days/);
    expect(() => site.iterateUsage({ start: new Date("2023-01-01T00:00:00Z"), end: "2025-03-01" })).toThrow(ValidationError);
    expect(sim.http.requests).toHaveLength(0);
    // 366 days is one call (53 requests of at most 7 days); the first chunk is enough to show it starts.
    const iterator = site.iteratePrices({ start: "2024-03-10", end: "2025-03-10" });
    const first = await iterator.next();
    expect(first.value).toMatchObject({ progress: { done: 1, total: 53 } });
    await iterator.return(undefined);
  });
});

describe("getUsage", () => {
  it("fetches 90 days in 13 chunks and returns exactly the intervals of the period", async () => {
    const { sim, amber } = await setup();
    const start = "2024-12-01";
    const end = addDays(start, 89);
    const usage = await amber.forSite(FIVE_MIN_SITE).getUsage({ start, end });
    expect(sim.http.requests).toHaveLength(13);
    expect(sim.http.requests.every((r) => !r.query.has("resolution"))).toBe(true);
    const byChannel = groupByChannelIdentifier(usage);
    expect([...byChannel.keys()]).toEqual(["E1", "B1"]);
    for (const records of byChannel.values()) {
      expect(records).toHaveLength(90 * 288);
      expect(records[0]!.start.getTime()).toBe(nemDayStart(start).getTime());
      expect(records.at(-1)!.end.getTime()).toBe(nemDayStart(addDays(end, 1)).getTime());
      for (let i = 1; i < records.length; i++) expect(records[i]!.start.getTime()).toBe(records[i - 1]!.end.getTime());
    }
    expect(usage.every((u) => u.date >= start && u.date <= end)).toBe(true);
    const sample = usage.find((u) => u.kwh > 0)!;
    expect(sample.cost).toBeCloseTo(sample.kwh * sample.perKwh, 3);
  });

  it("lags a day: today has no records, yesterday has", async () => {
    const { amber } = await setup();
    const site = amber.forSite(THIRTY_MIN_SITE);
    const today = nemDate(T0);
    expect(await site.getUsage({ start: today, end: today })).toEqual([]);
    const yesterday = await site.getUsage({ start: addDays(today, -1), end: today });
    expect(yesterday).toHaveLength(48 * 2);
    expect(new Set(yesterday.map((u) => u.channelIdentifier))).toEqual(new Set(["E1", "E2"]));
  });

  it("needs both dates", async () => {
    const { sim, amber } = await setup();
    await expect(amber.forSite(FIVE_MIN_SITE).getUsage({ start: "2025-03-01" } as never)).rejects.toMatchObject({
      name: "ValidationError",
      field: "end",
    });
    await expect(amber.forSite(FIVE_MIN_SITE).getUsage(undefined as never)).rejects.toBeInstanceOf(ValidationError);
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("getCurrentRenewables", () => {
  it("works without a token and counts previous/next at the asked resolution", async () => {
    const { sim } = await setup();
    const anonymous = new Amber({ baseUrl: sim.url });
    const [only] = await anonymous.getCurrentRenewables(State.VICTORIA);
    expect(only).toMatchObject({ type: "CurrentRenewable", duration: 30 });
    const series = await anonymous.getCurrentRenewables("QLD" as State, { previous: 6, next: 3, resolution: 5 });
    expect(series.map((r) => r.type)).toEqual([
      ...Array(6).fill("ActualRenewable"),
      "CurrentRenewable",
      ...Array(3).fill("ForecastRenewable"),
    ]);
    expect(series.every((r) => r.duration === 5 && r.renewables >= 0 && r.renewables <= 100)).toBe(true);
    expect(sim.http.requests.at(-1)!.path).toBe("/v1/state/qld/renewables/current");
  });

  it("refuses an unknown state before sending", async () => {
    const { sim, amber } = await setup();
    await expect(amber.getCurrentRenewables("tas" as State)).rejects.toMatchObject({ name: "ValidationError", field: "state" });
    expect(sim.http.requests).toHaveLength(0);
  });
});

describe("authentication errors", () => {
  it("maps a missing Authorization header (401) and an unknown token (403) to AuthenticationError", async () => {
    const { sim } = await setup();
    const stripping = new Amber({
      token: sim.token,
      baseUrl: sim.url,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete("authorization");
        return fetch(input, { ...init, headers });
      },
    });
    await expect(stripping.listSites()).rejects.toMatchObject({
      name: "AuthenticationError",
      status: 401,
      message: expect.stringMatching(/missing or invalid.*"Unauthorized"/),
    });
    const wrong = new Amber({ token: "psk_00000000000000000000000000000000", baseUrl: sim.url });
    await expect(wrong.listSites()).rejects.toMatchObject({
      name: "AuthenticationError",
      status: 403,
      message: expect.stringMatching(/refused the API token/),
    });
    expect(sim.stats().byStatus).toMatchObject({ 401: 1, 403: 1 });
  });

  it("says baseUrl is wrong when Amber's gateway has no route (403 Missing Authentication Token)", async () => {
    const { sim } = await setup();
    const noV1 = new Amber({ token: sim.token, baseUrl: sim.url.replace(/\/v1$/, "") });
    const error = await noV1.listSites().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "AuthenticationError",
      status: 403,
      message: expect.stringMatching(/no route for \/sites .*check baseUrl, which should end in \/v1/),
    });
  });
});

describe("parameter errors Amber sends", () => {
  // The client validates first, so only a server with other rules (or a changed API) answers 400/422:
  // the fetch below rewrites the query on the way out, as such a server would see it.
  function rewriting(sim: AmberSimulator, from: RegExp, to: string) {
    return new Amber({
      token: sim.token,
      baseUrl: sim.url,
      clock: sim.clock,
      site: FIVE_MIN_SITE,
      fetch: (input, init) => fetch(String(input).replace(from, to), init),
    });
  }

  it("maps Amber's 400 and 422 to non-retryable ApiErrors carrying Amber's message, sent once", async () => {
    const { sim } = await setup();
    const bad = await rewriting(sim, /resolution=5/, "resolution=15")
      .getCurrentPrices({ resolution: 5 })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: "ApiError", status: 400, retryable: false, vendorMessage: "resolution must be one of 5, 30" });
    const tooLong = await rewriting(sim, /endDate=[\d-]+/, "endDate=2025-03-20")
      .getPrices({ start: "2025-03-01", end: "2025-03-02" })
      .catch((e: unknown) => e);
    expect(tooLong).toMatchObject({
      name: "ApiError",
      status: 422,
      retryable: false,
      vendorMessage: "Requested date range is greater than 7 days",
    });
    expect((tooLong as Error).message).toMatch(/limited to 7 days/);
    expect(sim.stats().byStatus).toEqual({ 400: 1, 422: 1 });
  });
});

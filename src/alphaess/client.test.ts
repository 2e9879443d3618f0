import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ApiError, ConfigurationError, NotFoundError, PermissionError, ValidationError } from "../core/errors/index.js";
import { wallTimeOf } from "../core/time/zoned.js";
import { VirtualClock } from "../sim/kernel.js";
import { AlphaESS } from "./client.js";
import { rejection, SN, SN2, useTestbed } from "./test-support/testbed.js";

const setup = useTestbed();

describe("AlphaESS client: construction", () => {
  it("refuses missing credentials, bad zones and URLs with a ConfigurationError", () => {
    expect(() => new AlphaESS({ appId: "", appSecret: "x" })).toThrow(ConfigurationError);
    expect(() => new AlphaESS({ appId: "alpha1", appSecret: "  " })).toThrow(ConfigurationError);
    expect(() => new AlphaESS({ appId: "alpha1", appSecret: "secret-value", timeZone: "Mars/Olympus" })).toThrow(ConfigurationError);
    expect(() => new AlphaESS({ appId: "alpha1", appSecret: "secret-value", baseUrl: "ftp://x" })).toThrow(ConfigurationError);
    expect(() => new AlphaESS({ appId: "alpha1", appSecret: "secret-value", serialNumber: "has space" })).toThrow(ConfigurationError);
  });

  it("never shows the app secret in inspect or JSON output", () => {
    const api = new AlphaESS({ appId: "alphaef7900ee81dbbce9", appSecret: "c2d2ef6c047c49678e2c332fb2d74c3c", timeZone: "UTC" });
    expect(inspect(api, { depth: 10 })).not.toContain("c2d2ef6c047c49678e2c332fb2d74c3c");
    expect(JSON.stringify(api)).not.toContain("c2d2ef6c047c49678e2c332fb2d74c3c");
    expect(inspect(api.forDevice(SN), { depth: 10 })).toContain(SN);
    // The resources hold the requester in a #private field: nothing of it shows.
    for (const resource of [api.systems, api.energy, api.settings, api.ev, api.withOptions({ timeoutMs: 1 })]) {
      expect(inspect(resource, { depth: 10, showHidden: true })).not.toContain("c2d2ef6c047c49678e2c332fb2d74c3c");
      expect(JSON.stringify(resource)).not.toContain("c2d2ef6c047c49678e2c332fb2d74c3c");
    }
  });
});

describe("AlphaESS client against the simulator", () => {
  it("lists systems and reads real-time power through forDevice, with signed headers", async () => {
    const { api, sim, requests } = await setup();
    const systems = await api.listSystems();
    expect(systems.map((s) => s.serialNumber)).toEqual([SN, SN2]);
    const power = await api.forDevice(systems[0]!.serialNumber).getRealtimePowerUsage();
    const snap = sim.house(SN).now();
    expect(power.gridW).toBe(Math.round(snap.gridW));
    expect(power.pvW).toBe(Math.round(snap.pvW));
    expect(power.soc).toBeCloseTo(snap.soc, 3);
    expect(power.pvStringsW).toHaveLength(4);
    expect(power.evChargersW).not.toBeNull();
    // The README's name for the same call reads the same endpoint.
    const before = requests("getLastPowerData").length;
    const viaReadmeName = await api.forDevice(SN).getRealtimeEnergyUsage();
    expect(viaReadmeName.pvStringsW).toHaveLength(4);
    expect(requests("getLastPowerData")).toHaveLength(before + 1);
    // + import, + discharge: the flow balances within rounding.
    expect(Math.abs(power.pvW! + power.gridW! + power.batteryW! - power.loadW! - power.evW!)).toBeLessThanOrEqual(3);
    const req = requests("getLastPowerData")[0]!;
    expect(req.query.get("sysSn")).toBe(SN);
    expect(req.headers.appid).toBe(sim.credentials.appId);
    expect(req.headers.timestamp).toMatch(/^\d{10}$/);
    expect(req.headers.sign).toMatch(/^[0-9a-f]{128}$/);
  });

  it("takes the serial number from the call, the constructor or forDevice; without one nothing is sent", async () => {
    const { api, sim, requests, clock } = await setup();
    expect(await rejection(api.getRealtimePowerUsage())).toBeInstanceOf(ValidationError);
    expect(await rejection(api.getChargingSettings({}))).toBeInstanceOf(ValidationError);
    expect(await rejection(api.getRealtimePowerUsage("bad serial"))).toBeInstanceOf(ValidationError);
    expect(await rejection(api.getEvChargerStatus("x y", SN))).toBeInstanceOf(ValidationError);
    expect(requests()).toHaveLength(0);
    expect((await api.getRealtimePowerUsage(SN2)).serialNumber).toBe(SN2);
    expect((await api.getSystemSummary({ serialNumber: SN2 })).serialNumber).toBe(SN2);
    const scoped = new AlphaESS({
      ...sim.credentials,
      baseUrl: sim.url,
      serialNumber: SN,
      clock: clock,
      pacing: { minIntervalMs: 0 },
    });
    expect((await scoped.getChargingSettings()).serialNumber).toBe(SN);
    // The Python original's defect 3: scoped instances could not call the settings methods.
    expect((await api.forDevice(SN).getDischargingSettings()).serialNumber).toBe(SN);
  });

  it("maps an unknown serial to NotFoundError (6038) and an unbound one to PermissionError (6005)", async () => {
    const { api } = await setup({ sim: { systems: [{ serialNumber: SN }, { serialNumber: SN2, boundTo: [] }] } });
    const unknown = await rejection(api.getRealtimePowerUsage("AL0000000000000"));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({ code: 6038, retryable: false, vendor: "alphaess", operation: "getLastPowerData" });
    expect(unknown.message).toContain("AL0000000000000");
    const unbound = await rejection(api.getRealtimePowerUsage(SN2));
    expect(unbound).toBeInstanceOf(PermissionError);
    expect(unbound).toMatchObject({ code: 6005 });
  });

  it("returns the Storion-S5 all-null payload as data", async () => {
    const { api } = await setup({ sim: { systems: [{ serialNumber: "AK1510000000001", model: "Storion-S5" }] } });
    const power = await api.getRealtimePowerUsage("AK1510000000001");
    expect(power.allNull).toBe(true);
    expect(power).toMatchObject({ pvW: null, soc: null, gridW: null, batteryW: null, loadW: null, pvStringsW: null });
    // The day series still works on these models.
    const history = await api.getHistoricalPowerUsage("2026-08-04", "AK1510000000001");
    expect(history.samples.length).toBeGreaterThan(100);
  });

  it("reports an offline system (6042) as transient with a later retry time, without retrying at once", async () => {
    const { api, sim, requests } = await setup();
    sim.setOnline(SN, false);
    const error = await rejection(api.getRealtimePowerUsage(SN));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 6042, retryable: true, retryAfterMs: 300_000 });
    expect(error.message).toMatch(/not connected/);
    expect(requests("getLastPowerData")).toHaveLength(1);
  });

  it("reads a local day of power samples oldest first, parsed in the system's zone", async () => {
    const { api, clock, requests } = await setup();
    const history = await api.getHistoricalPowerUsage("2026-08-04", SN);
    const { samples } = history;
    expect(samples.length).toBeGreaterThanOrEqual(140); // 00:00 to 12:00, about every 5 minutes
    for (let i = 1; i < samples.length; i++) {
      const gap = samples[i]!.at.getTime() - samples[i - 1]!.at.getTime();
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThanOrEqual(301_000);
    }
    for (const s of samples) {
      const w = wallTimeOf(s.at, "Australia/Sydney");
      expect(s.uploadTime).toBe(
        `2026-08-04 ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}:${String(w.second).padStart(2, "0")}`,
      );
    }
    expect(samples.at(-1)!.at.getTime()).toBeLessThanOrEqual(clock.now());
    // A Date is turned into the system's local date, not the UTC date: 23:30 UTC on 3 Aug is 4 Aug in Sydney.
    await api.getHistoricalEnergyUsage(new Date("2026-08-03T23:30:00Z"), SN);
    expect(requests("getOneDateEnergyBySn").at(-1)!.query.get("queryDate")).toBe("2026-08-04");
    for (const bad of ["2026-8-4", "2026-02-30", "04/08/2026", "", "2026-08-04T00:00:00Z"]) {
      expect(await rejection(api.getHistoricalPowerUsage(bad, SN))).toBeInstanceOf(ValidationError);
    }
    expect(await rejection(api.getHistoricalPowerUsage(new Date(Number.NaN), SN))).toBeInstanceOf(ValidationError);
    expect(requests("getOneDayPowerBySn")).toHaveLength(1);
  });

  it("a clone can carry its own system's zone: one AppID with systems in Sydney and Perth", async () => {
    const { api, requests } = await setup({ sim: { systems: [{ serialNumber: SN }, { serialNumber: SN2, timeZone: "Australia/Perth" }] } });
    const perth = api.forDevice(SN2, { timeZone: "Australia/Perth" });
    expect(perth.timeZone).toBe("Australia/Perth");
    expect(api.timeZone).toBe("Australia/Sydney");
    expect(perth.forDevice(SN2).timeZone).toBe("Australia/Perth"); // a clone of a clone keeps it
    expect(perth.system().timeZone).toBe("Australia/Perth");
    const { samples, timeZone } = await perth.getHistoricalPowerUsage("2026-08-04");
    expect(timeZone).toBe("Australia/Perth");
    expect(samples.length).toBeGreaterThan(100);
    for (const s of samples) {
      const w = wallTimeOf(s.at, "Australia/Perth");
      expect(s.uploadTime).toBe(
        `2026-08-04 ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}:${String(w.second).padStart(2, "0")}`,
      );
    }
    // 14:30 UTC on 3 August: already the 4th in Sydney, still the 3rd in Perth.
    const instant = new Date("2026-08-03T14:30:00Z");
    await perth.getHistoricalEnergyUsage(instant);
    await api.getHistoricalEnergyUsage(instant, SN);
    expect(requests("getOneDateEnergyBySn").map((r) => r.query.get("queryDate"))).toEqual(["2026-08-03", "2026-08-04"]);
    expect(() => api.forDevice(SN2, { timeZone: "Mars/Olympus" })).toThrow(ConfigurationError);
  });

  it("reads the day daylight saving ends in order: the repeated hour's second pass an hour after the first", async () => {
    // 06:00 on 5 April 2026 in Sydney, four hours after 03:00 AEDT became 02:00 AEST.
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-04-04T20:00:00Z") });
    const { api } = await setup({ clock });
    const { samples } = await api.getHistoricalPowerUsage("2026-04-05", SN);
    expect(samples.filter((s) => s.uploadTime.slice(11, 13) === "02").length).toBeGreaterThanOrEqual(24); // both passes
    for (let i = 1; i < samples.length; i++) {
      const gap = samples[i]!.at.getTime() - samples[i - 1]!.at.getTime();
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThanOrEqual(301_000);
    }
    // Seven hours of local wall time, one of them twice: 00:00 to 06:00 spans seven real hours.
    expect(samples.at(-1)!.at.getTime() - samples[0]!.at.getTime()).toBeGreaterThan(6.8 * 3_600_000);
  });

  it("reads a day's energy that matches the house, with load from the balance", async () => {
    const { api, sim } = await setup();
    const energy = await api.getHistoricalEnergyUsage("2026-08-03", SN);
    const truth = sim.house(SN).dayTotals("2026-08-03");
    expect(energy.aggregated).toBe(true);
    expect(energy.pvKwh).toBeCloseTo(truth.pvKwh, 1);
    expect(energy.importKwh).toBeCloseTo(truth.importKwh, 1);
    expect(energy.loadKwh!).toBeCloseTo(truth.loadKwh, 0);
    const future = await api.getHistoricalEnergyUsage("2026-08-09", SN);
    expect(future).toMatchObject({ aggregated: false, pvKwh: null });
  });

  it("summary 'today' resets at UTC midnight, while the local day carries on", async () => {
    // 23:50 UTC = 09:50 in Sydney: the UTC day began at 10:00 yesterday, local time.
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-08-04T23:50:00Z") });
    const { api } = await setup({ clock });
    const before = await api.getSystemSummary(SN);
    const localBefore = await api.getHistoricalEnergyUsage("2026-08-05", SN);
    await clock.advance(20 * 60_000);
    const after = await api.getSystemSummary(SN);
    const localAfter = await api.getHistoricalEnergyUsage("2026-08-05", SN);
    expect(before.pvTodayKwh!).toBeGreaterThan(5);
    expect(after.pvTodayKwh!).toBeLessThan(before.pvTodayKwh!);
    expect(after.pvTodayKwh!).toBeLessThan(2);
    expect(localAfter.pvKwh!).toBeGreaterThan(localBefore.pvKwh!);
    expect(after.selfConsumption).not.toBeNull();
    expect(after.currency).toBe("AUD");
  });
});

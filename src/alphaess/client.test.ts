import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
  TimeoutError,
  ValidationError,
} from "../core/errors/index.js";
import { redact } from "../core/redact.js";
import { startTestServer } from "../core/test-support/test-server.js";
import { wallTimeOf } from "../core/time/zoned.js";
import { VirtualClock } from "../sim/kernel.js";
import { AlphaESS } from "./client.js";
import { AlphaEssClockSkewError } from "./errors.js";
import { alphaEssTestbed, NOON_SYDNEY, waitUntil, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
const SN2 = "AL70110230302xx";

let bed: AlphaEssTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function setup(...args: Parameters<typeof alphaEssTestbed>): Promise<AlphaEssTestbed> {
  bed = await alphaEssTestbed(...args);
  return bed;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

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
    const { api, sim, requests } = await setup();
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
      clock: bed!.clock,
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

  describe("charge and discharge settings", () => {
    it("updates part of the charge config by reading, merging and writing all seven fields", async () => {
      const { api, requests } = await setup();
      await api.setChargingSettings(
        { stopLevel: 0.9, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "13:00", end: "14:30" } },
        SN,
      );
      const result = await api.setChargingSettings({ stopLevel: 0.8 }, { serialNumber: SN, verify: true });
      expect(result.before).toMatchObject({ stopLevel: 0.9, useGrid: true });
      expect(result.requested).toEqual({
        stopLevel: 0.8,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "13:00", end: "14:30" },
      });
      expect(result).toMatchObject({ sent: true, taken: true, mismatches: [] });
      const posted = requests("updateChargeConfigInfo").map((r) => JSON.parse(r.body) as Record<string, unknown>);
      expect(posted).toHaveLength(2);
      expect(posted[1]).toEqual({
        sysSn: SN,
        batHighCap: 80,
        gridCharge: 1,
        timeChaf1: "01:00",
        timeChae1: "05:00",
        timeChaf2: "13:00",
        timeChae2: "14:30",
      });
      expect(Object.keys(posted[1]!)).toEqual(["sysSn", "batHighCap", "gridCharge", "timeChaf1", "timeChae1", "timeChaf2", "timeChae2"]);
      expect(requests("updateChargeConfigInfo")[1]!.headers["content-type"]).toContain("application/json");
      const read = await api.getChargingSettings(SN);
      expect(read).toMatchObject({ stopLevel: 0.8, useGrid: true });
    });

    it("runs concurrent partial updates one after the other, so neither is lost", async () => {
      const { api, requests } = await setup();
      await Promise.all([
        api.setChargingSettings({ stopLevel: 0.8 }, SN),
        api.forDevice(SN).setChargingSettings({ useGrid: true, firstPeriod: { start: "02:00", end: "04:00" } }),
      ]);
      expect(await api.getChargingSettings(SN)).toMatchObject({
        stopLevel: 0.8,
        useGrid: true,
        firstPeriod: { start: "02:00", end: "04:00" },
      });
      expect(requests().map((r) => r.path.slice(5))).toEqual([
        "getChargeConfigInfo",
        "updateChargeConfigInfo",
        "getChargeConfigInfo",
        "updateChargeConfigInfo",
        "getChargeConfigInfo",
      ]);
    });

    it("refuses bad input before anything is sent", async () => {
      const { api, requests } = await setup();
      const cases: [unknown, string][] = [
        [{ firstPeriod: { start: "01:10", end: "05:00" } }, "firstPeriod.start"],
        [{ firstPeriod: { start: "01:00", end: "24:00" } }, "firstPeriod.end"],
        [{ secondPeriod: { start: "9:00", end: "10:00" } }, "secondPeriod.start"],
        [{ stopLevel: 90 }, "stopLevel"],
        [{ stopLevel: 1.01 }, "stopLevel"],
        [{ useGrid: "yes" }, "useGrid"],
        [{ stopLvl: 0.5 }, "chargingSettings.stopLvl"],
      ];
      for (const [input, field] of cases) {
        const error = await rejection(api.setChargingSettings(input as never, SN));
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
      }
      expect(await rejection(api.setDischargingSettings({ stopLevel: -0.1 }, SN))).toBeInstanceOf(ValidationError);
      expect(await rejection(api.setEvChargerCurrentDrawSettings(500, SN))).toBeInstanceOf(ValidationError);
      expect(await rejection(api.controlEvCharger("EV1", "yes" as never, SN))).toBeInstanceOf(ValidationError);
      expect(requests()).toHaveLength(0);
    });

    it("refuses to write back a device value it cannot send, and says which field to pass", async () => {
      const { api, sim, requests } = await setup();
      sim.state(SN).charge.timeChaf2 = "13:10"; // an off-grid value stored on the device
      const error = await rejection(api.setChargingSettings({ stopLevel: 0.5 }, SN));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/currently holds/);
      expect(error.message).toMatch(/secondPeriod/);
      expect(requests("updateChargeConfigInfo")).toHaveLength(0);
    });

    it("a dry run validates, reads what it must, and sends no write", async () => {
      const { api, requests } = await setup();
      const full = await api.setDischargingSettings(
        {
          stopLevel: 0.2,
          enableTimeControl: true,
          firstPeriod: { start: "17:00", end: "21:00" },
          secondPeriod: { start: "00:00", end: "00:00" },
        },
        { serialNumber: SN, dryRun: true },
      );
      expect(full).toMatchObject({
        sent: false,
        dryRun: true,
        taken: null,
        payload: { sysSn: SN, batUseCap: 20, ctrDis: 1, timeDisf1: "17:00", timeDise1: "21:00" },
      });
      expect(requests()).toHaveLength(0);
      await api.setDischargingSettings({ stopLevel: 0.3 }, { serialNumber: SN, dryRun: true });
      expect(requests("getDisChargeConfigInfo")).toHaveLength(1);
      expect(requests("updateDisChargeConfigInfo")).toHaveLength(0);
    });

    it("drives the house: the discharge config limits discharging to its windows", async () => {
      const { api, sim } = await setup();
      await api.setDischargingSettings(
        {
          stopLevel: 0.2,
          enableTimeControl: true,
          firstPeriod: { start: "17:00", end: "21:00" },
          secondPeriod: { start: "00:00", end: "00:00" },
        },
        SN,
      );
      const control = sim.house(SN).getControl();
      expect(control.dischargeTimeControl).toBe(true);
      expect(control.dischargeWindows).toEqual([{ window: { start: "17:00", end: "21:00" }, stopSoc: 0.2 }]);
      expect(control.minSoc).toBe(0.2);
    });

    it("never retries a write: one POST after a 502, a reset or a timeout", async () => {
      const { api, sim, requests } = await setup({ client: { timeoutMs: 300 } });
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: ["http502"], times: 1 });
      const e502 = await rejection(api.setChargingSettings(full, SN));
      expect(e502).toBeInstanceOf(ApiError);
      expect(e502).toMatchObject({ status: 502, retryable: true });
      sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: ["reset"], times: 1 });
      expect(await rejection(api.setChargingSettings(full, SN))).toBeInstanceOf(ConnectionError);
      sim.http.faults.add({ method: "POST", path: "/api/updateChargeConfigInfo", kinds: ["timeout"], times: 1 });
      expect(await rejection(api.setChargingSettings(full, SN))).toBeInstanceOf(TimeoutError);
      expect(requests("updateChargeConfigInfo")).toHaveLength(3);
      expect(sim.state(SN).appliedWrites).toBe(0);
    });

    it("reports a write the device did not take (the new backend answers Success and changes nothing)", async () => {
      const { api } = await setup({ sim: { systems: [{ serialNumber: SN, legacyWritesIgnored: true }] } });
      const result = await api.setChargingSettings(
        { stopLevel: 0.9, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "00:00", end: "00:00" } },
        { serialNumber: SN, verify: true },
      );
      expect(result.sent).toBe(true);
      expect(result.taken).toBe(false);
      expect(result.mismatches.map((m) => m.field).sort()).toEqual(["firstPeriod.end", "firstPeriod.start", "stopLevel", "useGrid"]);
    });

    it("keeps a client-side write cool-down per system and endpoint, shared by clones", async () => {
      const { api, clock, requests } = await setup({ client: { writeCooldownMs: 30_000 } });
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      await api.forDevice(SN).setChargingSettings(full);
      await clock.advance(10_000);
      const refused = await rejection(api.forDevice(SN).setChargingSettings({ ...full, stopLevel: 0.8 }));
      expect(refused).toBeInstanceOf(RateLimitError);
      expect(refused).toMatchObject({ local: true, retryAfterMs: 20_000 });
      expect(refused.message).toContain(new Date(NOON_SYDNEY + 30_000).toISOString());
      expect(refused.message).toMatch(/Nothing was sent/);
      expect(api.nextWriteAllowedAt("updateChargeConfigInfo", SN).getTime()).toBe(NOON_SYDNEY + 30_000);
      // Other systems and other endpoints are not held back.
      await api.setChargingSettings(full, SN2);
      await api.setDischargingSettings(
        {
          stopLevel: 0.1,
          enableTimeControl: false,
          firstPeriod: { start: "00:00", end: "00:00" },
          secondPeriod: { start: "00:00", end: "00:00" },
        },
        SN,
      );
      await clock.advance(20_000);
      await api.setChargingSettings({ ...full, stopLevel: 0.8 }, SN);
      expect(requests("updateChargeConfigInfo")).toHaveLength(3);
    });

    it("a refused write does not start the cool-down, a 'too fast' write does", async () => {
      const { api, sim } = await setup({ client: { writeCooldownMs: 30_000 }, sim: { writeCooldownMs: 60_000 } });
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      sim.setOnline(SN, false);
      expect(await rejection(api.setChargingSettings(full, SN))).toMatchObject({ code: 6042 });
      sim.setOnline(SN, true);
      await api.setChargingSettings(full, SN); // allowed at once: the 6042 changed nothing
      await bed!.clock.advance(31_000);
      const tooFast = await rejection(api.setChargingSettings({ ...full, stopLevel: 0.5 }, SN));
      expect(tooFast).toBeInstanceOf(RateLimitError);
      expect(tooFast).toMatchObject({ code: 6053, local: false });
      expect(await rejection(api.setChargingSettings({ ...full, stopLevel: 0.5 }, SN))).toMatchObject({ local: true });
    });

    it("verify catches a write the device silently dropped inside its own cool-down", async () => {
      const { api, clock } = await setup({ sim: { writeCooldownMs: 600_000, writeCooldownMode: "ignore" } });
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      expect((await api.setChargingSettings(full, { serialNumber: SN, verify: true })).taken).toBe(true);
      await clock.advance(60_000);
      const dropped = await api.setChargingSettings({ ...full, stopLevel: 0.6 }, { serialNumber: SN, verify: true });
      expect(dropped).toMatchObject({ sent: true, taken: false });
      expect(dropped.mismatches).toEqual([{ field: "stopLevel", before: 0.6, after: 0.9 }]);
    });
    it("a read-back that fails after the write went out still reports the write as sent", async () => {
      const { api, sim, requests } = await setup();
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      sim.errors.add({ endpoint: "getChargeConfigInfo", code: 6029, times: 1 });
      const result = await api.setChargingSettings(full, { serialNumber: SN, verify: true });
      expect(result).toMatchObject({ sent: true, taken: null, readBack: null, mismatches: [] });
      expect(result.readBackError).toBeInstanceOf(ApiError);
      expect(result.readBackError).toMatchObject({ code: 6029, operation: "getChargeConfigInfo" });
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
      expect(sim.state(SN).charge).toMatchObject({ batHighCap: 90, gridCharge: 1, timeChaf1: "01:00" });
      // Without a failure the field is null.
      expect((await api.setChargingSettings(full, { serialNumber: SN, verify: true })).readBackError).toBeNull();
    });

    it("with the default cool-down, a second concurrent update of one config is refused once the first went out", async () => {
      const { api, sim, requests } = await setup({ client: { writeCooldownMs: undefined } });
      const [first, second] = await Promise.allSettled([
        api.setChargingSettings({ stopLevel: 0.8 }, SN),
        api.forDevice(SN).setChargingSettings({ useGrid: true }),
      ]);
      expect(first).toMatchObject({ status: "fulfilled", value: { sent: true } });
      expect(second).toMatchObject({ status: "rejected", reason: { name: "RateLimitError", local: true, retryAfterMs: 30_000 } });
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
      expect(sim.state(SN).charge).toMatchObject({ batHighCap: 80, gridCharge: 0 });
      // The same holds for writes that need no merge: the weekly schedule and EV start/stop queue too.
      const schedule = {
        cycle: "daily" as const,
        charge: [{ start: "01:00", end: "05:00", limit: 0.9 }],
        discharge: [{ start: "17:00", end: "21:00", limit: 0.2 }],
      };
      const both = await Promise.allSettled([api.setWeeklySchedule(schedule, SN), api.setWeeklySchedule(schedule, SN)]);
      expect(both.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
      expect(requests("setTimeChargeBySn")).toHaveLength(1);
    });

    it("the cool-down counts from the real send: an abort while waiting leaves none, a 6053 pause moves it", async () => {
      const { api, sim, clock, requests } = await setup({
        client: { writeCooldownMs: 30_000, pacing: { minIntervalMs: { updateChargeConfigInfo: 60_000 } }, tooFastBackoffMs: 10_000 },
      });
      const full = {
        stopLevel: 0.9,
        useGrid: true,
        firstPeriod: { start: "01:00", end: "05:00" },
        secondPeriod: { start: "00:00", end: "00:00" },
      };
      await api.setChargingSettings(full, SN2); // the endpoint is now paced for 60 s
      const controller = new AbortController();
      const waiting = api.setChargingSettings(full, { serialNumber: SN, signal: controller.signal });
      await new Promise((r) => setTimeout(r, 20));
      controller.abort(new Error("changed my mind"));
      expect((await rejection(waiting)).message).toBe("changed my mind");
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
      expect(api.nextWriteAllowedAt("updateChargeConfigInfo", SN).getTime()).toBe(clock.now());

      // A 6053 on a read pauses the account for 10 s; a write queued meanwhile goes out at the end of the pause.
      await clock.advance(60_000);
      sim.errors.add({ endpoint: "getLastPowerData", code: 6053, times: 1 });
      const read = api.getRealtimePowerUsage(SN);
      await waitUntil(() => requests("getLastPowerData").length === 1);
      await new Promise((r) => setTimeout(r, 20));
      const write = api.setDischargingSettings(
        {
          stopLevel: 0.2,
          enableTimeControl: false,
          firstPeriod: { start: "00:00", end: "00:00" },
          secondPeriod: { start: "00:00", end: "00:00" },
        },
        SN,
      );
      await new Promise((r) => setTimeout(r, 20));
      expect(requests("updateDisChargeConfigInfo")).toHaveLength(0);
      await clock.advance(10_000);
      await write;
      await read;
      const sentAt = requests("updateDisChargeConfigInfo")[0]!.at;
      expect(sentAt).toBe(NOON_SYDNEY + 70_000);
      expect(api.nextWriteAllowedAt("updateDisChargeConfigInfo", SN).getTime()).toBe(sentAt + 30_000);
    });

    it("reports each write endpoint's cool-down: setting writes 30 s by default, EV start/stop and binding none", () => {
      const defaults = new AlphaESS({ appId: "alpha0123456789abcdef", appSecret: "fedcba9876543210fedcba9876543210", timeZone: "UTC" });
      for (const endpoint of [
        "updateChargeConfigInfo",
        "updateDisChargeConfigInfo",
        "setTimeChargeBySn",
        "setEvChargerCurrentsBySn",
      ] as const)
        expect(defaults.writeCooldownMs(endpoint)).toBe(30_000);
      for (const endpoint of ["remoteControlEvCharger", "bindSn", "unBindSn"] as const) expect(defaults.writeCooldownMs(endpoint)).toBe(0);
      const one = new AlphaESS({
        appId: "alpha0123456789abcdef",
        appSecret: "fedcba9876543210fedcba9876543210",
        timeZone: "UTC",
        writeCooldownMs: 5000,
      });
      expect([
        one.writeCooldownMs("setTimeChargeBySn"),
        one.writeCooldownMs("remoteControlEvCharger"),
        one.writeCooldownMs("bindSn"),
      ]).toEqual([5000, 0, 0]);
      const map = new AlphaESS({
        appId: "alpha0123456789abcdef",
        appSecret: "fedcba9876543210fedcba9876543210",
        timeZone: "UTC",
        writeCooldownMs: { updateChargeConfigInfo: 1000, remoteControlEvCharger: 2000 },
      });
      expect([
        map.writeCooldownMs("updateChargeConfigInfo"),
        map.writeCooldownMs("updateDisChargeConfigInfo"),
        map.writeCooldownMs("remoteControlEvCharger"),
      ]).toEqual([1000, 30_000, 2000]);
      // Binding has no cool-down: the option does not take it, and a value slipped in is ignored.
      const bind = new AlphaESS({
        appId: "alpha0123456789abcdef",
        appSecret: "fedcba9876543210fedcba9876543210",
        timeZone: "UTC",
        // @ts-expect-error bindSn is not a cool-down endpoint
        writeCooldownMs: { bindSn: 1000 },
      });
      expect(bind.writeCooldownMs("bindSn")).toBe(0);
      expect(defaults.forDevice(SN).writeCooldownMs("updateChargeConfigInfo")).toBe(30_000);
    });
  });

  describe("weekly schedule", () => {
    const schedule = {
      cycle: "weekly" as const,
      gridCharge: true,
      dischargeTimeControl: true,
      charge: [{ start: "01:00", end: "05:00", weekdays: [1, 2, 3, 4, 5], powerW: 5000, limit: 0.9 }],
      discharge: [{ start: "17:00", end: "21:00", weekdays: [1, 2, 3, 4, 5], powerW: 5000, limit: 0.2 }],
    };

    it("writes the documented body, reads it back, and drives the house", async () => {
      const { api, sim, requests } = await setup();
      const result = await api.setWeeklySchedule(schedule, { serialNumber: SN, verify: true });
      expect(result).toMatchObject({ sent: true, taken: true });
      expect(JSON.parse(requests("setTimeChargeBySn")[0]!.body)).toEqual(
        JSON.parse(
          '{"sysSn":"AL70110230306xx","executeCycleType":1,"gridChargeCycle":1,"ctrDisCycle":1,"chargeTimeList":[{"beginTime":"01:00","endTime":"05:00","weeks":[1,2,3,4,5],"chargePower":5000,"chargeLimit":90}],"dischargeTimeList":[{"beginTime":"17:00","endTime":"21:00","weeks":[1,2,3,4,5],"chargePower":5000,"chargeLimit":20}]}',
        ),
      );
      const read = await api.getWeeklySchedule(SN);
      expect(read).toMatchObject({ cycle: "weekly", gridCharge: null, dischargeTimeControl: null });
      expect(read.charge).toEqual(schedule.charge);
      const control = sim.house(SN).getControl();
      expect(control.chargeWindows).toEqual([
        { window: { start: "01:00", end: "05:00" }, stopSoc: 0.9, powerW: 5000, weekdays: [1, 2, 3, 4, 5], fromGrid: true },
      ]);
      expect(control.dischargeTimeControl).toBe(true);
    });

    it("verify ignores the power a device reports for a period whose power was not asked for, but not a changed limit", async () => {
      // A device that fills in its own chargePower where the request had none.
      let stored: Record<string, unknown>[] = [];
      let limitOnDevice: number | undefined;
      const server = await startTestServer((req, res, body) => {
        res.writeHead(200, { "content-type": "application/json" });
        if (req.url!.startsWith("/api/setTimeChargeBySn")) {
          stored = (JSON.parse(body) as { chargeTimeList: Record<string, unknown>[] }).chargeTimeList;
          res.end('{"code":200,"msg":"Success","expMsg":null,"data":null,"extra":null}');
          return;
        }
        const item = (p: Record<string, unknown>) => ({
          ...p,
          chargePower: p.chargePower ?? 3000,
          chargeLimit: limitOnDevice ?? p.chargeLimit,
        });
        const data = {
          sysSn: SN,
          executeCycleType: 0,
          gridChargeCycle: 0,
          ctrDisCycle: 0,
          chargeTimeList: stored.map(item),
          dischargeTimeList: [{ beginTime: "17:00", endTime: "21:00", chargePower: 3000, chargeLimit: 20 }],
        };
        res.end(JSON.stringify({ code: 200, msg: "Success", expMsg: null, data, extra: null }));
      });
      try {
        const api = new AlphaESS({
          appId: "alpha0123456789abcdef",
          appSecret: "fedcba9876543210fedcba9876543210",
          baseUrl: `${server.url}/api`,
          pacing: { minIntervalMs: 0 },
          writeCooldownMs: 0,
        });
        const daily = {
          cycle: "daily" as const,
          charge: [{ start: "01:00", end: "05:00", limit: 0.9 }],
          discharge: [{ start: "17:00", end: "21:00", limit: 0.2 }],
        };
        expect(await api.setWeeklySchedule(daily, { serialNumber: SN, verify: true })).toMatchObject({ taken: true, mismatches: [] });
        // A power that was asked for still counts.
        const withPower = { ...daily, discharge: [{ start: "17:00", end: "21:00", limit: 0.2, powerW: 5000 }] };
        expect(await api.setWeeklySchedule(withPower, { serialNumber: SN, verify: true })).toMatchObject({ taken: false });
        limitOnDevice = 80;
        const result = await api.setWeeklySchedule(daily, { serialNumber: SN, verify: true });
        expect(result.taken).toBe(false);
        expect(result.mismatches.length).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });

    it("refuses invalid schedules before sending, and maps 6017 to PermissionError", async () => {
      const { api, requests } = await setup({ sim: { systems: [{ serialNumber: SN }, { serialNumber: SN2, periodicEntitled: false }] } });
      expect(await rejection(api.setWeeklySchedule({ ...schedule, discharge: [] }, SN))).toBeInstanceOf(ValidationError);
      expect(
        await rejection(api.setWeeklySchedule({ ...schedule, discharge: [{ ...schedule.discharge[0]!, start: "04:00" }] }, SN)),
      ).toBeInstanceOf(ValidationError);
      expect(requests()).toHaveLength(0);
      const read = await rejection(api.getWeeklySchedule(SN2));
      expect(read).toBeInstanceOf(PermissionError);
      expect(read).toMatchObject({ code: 6017, retryable: false });
      expect(await rejection(api.setWeeklySchedule(schedule, SN2))).toMatchObject({ code: 6017 });
      expect(requests("getTimeChargeBySn")).toHaveLength(1);
    });
  });

  describe("binding", () => {
    it("runs the verification-code flow, and treats already-bound and not-bound as done", async () => {
      const { api, sim, requests } = await setup({
        sim: {
          systems: [
            { serialNumber: SN, boundTo: [], checkCode: "CHK123" },
            { serialNumber: SN2, hasOwner: false, boundTo: [] },
          ],
        },
      });
      expect(await api.listSystems()).toEqual([]);
      expect(await rejection(api.getRealtimePowerUsage(SN))).toMatchObject({ code: 6005 });
      const wrongCheck = await rejection(api.getVerificationCode("WRONG1", SN));
      expect(wrongCheck).toBeInstanceOf(AuthenticationError);
      expect(wrongCheck).toMatchObject({ code: 6004 });
      expect(await rejection(api.getVerificationCode("CHK123", SN2))).toMatchObject({ code: 6002 });
      expect(sim.outbox).toHaveLength(0);
      expect(await api.getVerificationCode("CHK123", SN)).toEqual({ serialNumber: SN, sent: true, alreadyBound: false });
      const code = sim.lastVerificationCode(SN)!;
      expect(code).toMatch(/^\d{6}$/);
      const wrongCode = await rejection(api.bindSystem("000000", SN));
      expect(wrongCode).toBeInstanceOf(AuthenticationError);
      expect(wrongCode).toMatchObject({ code: 6046 });
      expect(await api.bindSystem(code, SN)).toEqual({ serialNumber: SN, changed: true, alreadyDone: false });
      expect(await api.bindSystem(code, SN)).toEqual({ serialNumber: SN, changed: false, alreadyDone: true });
      expect(await api.getVerificationCode("CHK123", SN)).toEqual({ serialNumber: SN, sent: false, alreadyBound: true });
      expect((await api.listSystems()).map((s) => s.serialNumber)).toEqual([SN]);
      expect(await api.unbindSystem(SN)).toEqual({ serialNumber: SN, changed: true, alreadyDone: false });
      expect(await api.unbindSystem(SN)).toEqual({ serialNumber: SN, changed: false, alreadyDone: true });
      expect(JSON.parse(requests("bindSn")[0]!.body)).toEqual({ sysSn: SN, code: "000000" });
      expect(await rejection(api.getVerificationCode("", SN))).toBeInstanceOf(ValidationError);
    });

    it("never echoes or logs check codes and verification codes", async () => {
      const lines: string[] = [];
      const record = (message: string, fields?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
      // "AB12" is too short to be registered as a secret: the logged URL hides it by the parameter's name.
      const { api, sim } = await setup({
        sim: { systems: [{ serialNumber: SN, boundTo: [], checkCode: "AB12" }] },
        client: { logger: { debug: record, info: record, warn: record, error: record } },
      });
      expect(await api.getVerificationCode("AB12", SN)).toMatchObject({ sent: true });
      const logged = lines.filter((l) => l.includes("getVerificationCode"));
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.join("\n")).not.toContain("AB12");
      expect(logged.join("\n")).toContain("checkCode=%5BREDACTED%5D");
      const code = sim.lastVerificationCode(SN)!;
      await api.bindSystem(code, SN);
      expect(redact(`code ${code}`)).toBe("code [REDACTED]");
      for (const [call, bad] of [
        [(v: string) => api.getVerificationCode(v, SN), "secret-check code!"],
        [(v: string) => api.bindSystem(v, SN), "9876 54321"],
      ] as const) {
        const error = await rejection(call(bad));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).not.toContain(bad);
        expect(error.message).not.toContain("9876");
      }
    });

    it("never repeats getVerificationCode (each call e-mails the owner), even after a 502", async () => {
      const { api, sim, requests } = await setup({ sim: { systems: [{ serialNumber: SN, boundTo: [], checkCode: "CHK123" }] } });
      sim.http.faults.add({ path: "/api/getVerificationCode", kinds: ["http502"], times: 1 });
      expect(await rejection(api.getVerificationCode("CHK123", SN))).toMatchObject({ status: 502 });
      expect(requests("getVerificationCode")).toHaveLength(1);
    });
  });

  describe("EV chargers", () => {
    it("lists chargers, reads and sets the current limit, and starts and stops a plugged car", async () => {
      const { api, sim, clock } = await setup();
      const [charger] = await api.getEvChargerList(SN);
      expect(charger).toMatchObject({ model: "SMILE-EVCT11" });
      expect(await api.getEvChargerSettings(SN)).toEqual([charger]); // the Python code's name
      expect((await api.getEvChargerCurrentDrawSettings(SN)).currentLimitA).toBe(32);
      const set = await api.setEvChargerCurrentDrawSettings(16, { serialNumber: SN, verify: true });
      expect(set).toMatchObject({ taken: true, payload: { sysSn: SN, currentsetting: 16 } });
      expect(sim.house(SN).ev!.state().currentLimitA).toBe(16);

      // Wait (in simulated time) for a car to arrive in the evening.
      for (let i = 0; i < 6 * 48 && !sim.house(SN).ev!.state().plugged; i++) await clock.advance(30 * 60_000);
      expect(sim.house(SN).ev!.state().plugged).toBe(true);
      const waiting = await api.getEvChargerStatus(charger!.serialNumber, SN);
      expect(waiting).toMatchObject({ state: "preparing", code: 2, canStart: true });
      const start = await api.controlEvCharger(charger!.serialNumber, true, { serialNumber: SN, verify: true });
      expect(start).toMatchObject({ sent: true, taken: true, payload: { evchargerSn: charger!.serialNumber, controlMode: 1 } });
      await clock.advance(5 * 60_000);
      expect((await api.getRealtimePowerUsage(SN)).evW).toBeGreaterThan(3000);
      const stop = await api.controlEvCharger(charger!.serialNumber, false, { serialNumber: SN, verify: true });
      expect(stop.taken).toBe(true);
      expect(await api.getEvChargerStatus(charger!.serialNumber, SN)).toMatchObject({
        state: "suspendedEVSE",
        code: 4,
        canStart: true,
        canStop: true,
      });
    });

    it("a system without a charger lists none and has no settings (6016)", async () => {
      const { api } = await setup();
      expect(await api.getEvChargerList(SN2)).toEqual([]);
      const error = await rejection(api.getEvChargerCurrentDrawSettings(SN2));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: 6016 });
      expect(await rejection(api.getEvChargerStatus("EV999", SN))).toMatchObject({ code: 6016 });
    });
  });

  describe("the documented request bodies (fixtures/alphaess/*.request.json)", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/alphaess");
    const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), "utf8")) as Record<string, unknown>;
    const EV = "EV123";
    const SN_DIS = "AL20020171xxxxx";

    it("every write sends the documented body, key order included", async () => {
      const { api, sim, requests } = await setup({
        sim: {
          systems: [{ serialNumber: SN, evCharger: { serialNumber: EV } }, { serialNumber: SN_DIS }, { serialNumber: SN2, boundTo: [] }],
        },
      });
      const sent = (endpoint: string): unknown => JSON.parse(requests(endpoint).at(-1)!.body);
      const expectDocumented = (endpoint: string) => {
        const want = fixture(`${endpoint}.request.json`);
        expect(sent(endpoint), endpoint).toEqual(want);
        expect(Object.keys(sent(endpoint) as object), endpoint).toEqual(Object.keys(want));
      };
      const off = { start: "00:00", end: "00:00" };
      await api.setChargingSettings({ stopLevel: 1, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: off }, SN);
      expectDocumented("updateChargeConfigInfo");
      await api.setDischargingSettings({ stopLevel: 0.1, enableTimeControl: false, firstPeriod: off, secondPeriod: off }, SN_DIS);
      expectDocumented("updateDisChargeConfigInfo");
      const weekdays = [1, 2, 3, 4, 5];
      await api.setWeeklySchedule(
        {
          cycle: "weekly",
          gridCharge: true,
          dischargeTimeControl: true,
          charge: [{ start: "01:00", end: "05:00", weekdays, powerW: 5000, limit: 0.9 }],
          discharge: [{ start: "17:00", end: "21:00", weekdays, powerW: 5000, limit: 0.2 }],
        },
        SN,
      );
      expectDocumented("setTimeChargeBySn");
      await api.setEvChargerCurrentDrawSettings(16, SN);
      expectDocumented("setEvChargerCurrentsBySn");
      await api.controlEvCharger(EV, true, SN);
      expectDocumented("remoteControlEvCharger");
      await api.unbindSystem(SN);
      expectDocumented("unBindSn");
      // The documented code is a placeholder: the simulator answers 6046, as bindSn.bad-code.json.
      const bind = await rejection(api.bindSystem("123456", SN));
      expect(bind).toBeInstanceOf(AuthenticationError);
      expect(bind).toMatchObject({ code: 6046 });
      expectDocumented("bindSn");
      expect(sim.state(SN).charge).toMatchObject({ batHighCap: 100, gridCharge: 1 });
    });

    it("every captured error body (errors.json) reaches the caller as its typed error", async () => {
      const errors = fixture("errors.json") as Record<string, Record<string, unknown>>;
      const expected: Record<string, new (...args: never[]) => Error> = {
        sign_mismatch_6007: AuthenticationError,
        timestamp_out_of_window_6009: AlphaEssClockSkewError,
        sn_not_bound_to_appid_6005: PermissionError,
        too_many_requests_6053_2023: RateLimitError,
        too_fast_6053_portal_text: RateLimitError,
        not_entitled_6017: PermissionError,
        empty_period_list_6001: ApiError,
        system_offline_6042: ApiError,
        wrong_http_method_405: ApiError,
      };
      expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, body] of Object.entries(errors)) {
        const status = typeof body.status === "number" ? body.status : 200;
        const server = await startTestServer((_req, res) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        });
        try {
          const api = new AlphaESS({
            appId: "alpha0123456789abcdef",
            appSecret: "fedcba9876543210fedcba9876543210",
            baseUrl: `${server.url}/api`,
            pacing: { minIntervalMs: 0 },
            retry: { limit: 0 },
          });
          const error = await rejection(api.getChargingSettings(SN));
          expect(error, name).toBeInstanceOf(expected[name]!);
          expect(error, name).toMatchObject(status === 200 ? { code: body.code } : { status });
          // The message says what the vendor said, and never only that.
          if (typeof body.expMsg === "string") expect(error.message).toContain(body.expMsg);
        } finally {
          await server.close();
        }
      }
    });
  });

  describe("authentication", () => {
    it("a wrong secret is an AuthenticationError from the short 6007 body", async () => {
      const { sim } = await setup();
      const api = new AlphaESS({
        appId: sim.credentials.appId,
        appSecret: "0123456789abcdef0123456789abcdef",
        baseUrl: sim.url,
        clock: bed!.clock,
        pacing: { minIntervalMs: 0 },
      });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ code: 6007, retryable: false });
      expect(error.message).toMatch(/appSecret/);
      expect(error.message).not.toContain("0123456789abcdef0123456789abcdef");
    });

    it("a skewed machine clock is reported against the server's Date (6009)", async () => {
      const { sim, clock } = await setup();
      const skewed = { now: () => clock.now() + 400_000, sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal) };
      const api = new AlphaESS({ ...sim.credentials, baseUrl: sim.url, clock: skewed, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AlphaEssClockSkewError);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBeGreaterThanOrEqual(399_000);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBeLessThanOrEqual(401_000);
      expect(error.message).toMatch(/machine's clock/);
      expect(error.message).toMatch(/400 s ahead/);
    });

    it("a 6009 with a correct clock points at the IP allow-list", async () => {
      const { sim } = await setup({
        sim: { apps: [{ appId: "alpha0123456789abcdef", appSecret: "fedcba9876543210fedcba9876543210", ipAllowList: ["10.0.0.1"] }] },
      });
      const api = new AlphaESS({ ...sim.credentials, baseUrl: sim.url, clock: bed!.clock, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AlphaEssClockSkewError);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBe(0);
      expect(error.message).toMatch(/allow-list/);
    });
  });

  describe("rate limits", () => {
    it("paces requests per endpoint across clones, so the simulator's minimum interval is never broken", async () => {
      const { api, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, jitterMarginMs: 0 } },
        sim: { minIntervalMs: 1000 },
      });
      const a = api.forDevice(SN).getRealtimePowerUsage();
      const b = api.forDevice(SN2).getRealtimePowerUsage();
      const c = api.forDevice(SN).getSystemSummary();
      await waitUntil(() => requests().length === 2);
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(1000);
      await Promise.all([a, b, c]);
      expect(requests("getLastPowerData").map((r) => r.at)).toEqual([NOON_SYDNEY, NOON_SYDNEY + 1000]);
      expect(api.rateLimitState().endpoints.map((e) => e.name)).toContain("alphaess getLastPowerData");
    });

    it("adds a jitter margin to the minimum interval by default (4 %, at least 5 ms)", async () => {
      const { api, clock, requests } = await setup({ client: { pacing: { minIntervalMs: 1000 } }, sim: { minIntervalMs: 1000 } });
      const a = api.getRealtimePowerUsage(SN);
      const b = api.getRealtimePowerUsage(SN2);
      await a;
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 50));
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(40);
      await b;
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([0, 1040]);
    });

    it("never lets a wait for an account slot squeeze one endpoint's requests together", async () => {
      const { api, sim, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, concurrency: 1, jitterMarginMs: 0 } },
        sim: { minIntervalMs: { getLastPowerData: 1000 } },
      });
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", latencyMs: 150, times: 1 });
      const slow = api.getSystemSummary(SN);
      await waitUntil(() => requests("getSumDataForCustomer").length === 1);
      const a = api.getRealtimePowerUsage(SN);
      await clock.advance(1000);
      const b = api.getRealtimePowerUsage(SN2);
      await slow;
      await a;
      // B waits for the endpoint's interval (it would have gone out at once, and met 6053, had its
      // spacing been granted before the wait for the account slot).
      await new Promise((r) => setTimeout(r, 50));
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(1000);
      await b;
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([1000, 2000]);
    });

    it("a call to an idle endpoint never queues behind a busy endpoint's paced calls", async () => {
      const { api, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, concurrency: 4, jitterMarginMs: 0 } },
        sim: { minIntervalMs: 1000 },
      });
      const reads = Array.from({ length: 12 }, (_, i) => api.getRealtimePowerUsage(i % 2 === 0 ? SN : SN2));
      await waitUntil(() => requests("getLastPowerData").length === 1);
      // Eleven reads wait for their endpoint's interval, holding no account slot: the settings read goes at once.
      const settings = api.getChargingSettings(SN);
      await waitUntil(() => requests("getChargeConfigInfo").length === 1);
      expect((await settings).serialNumber).toBe(SN);
      expect(requests().map((r) => r.path.slice(5))).toEqual(["getLastPowerData", "getChargeConfigInfo"]);
      expect(api.rateLimitState().account.inFlight).toBe(0);
      for (let i = 1; i < 12; i++) {
        await reads[i - 1]; // the interval counts from the answer (holdUntilSent): time stands still until it is in
        await clock.advance(1000);
        await waitUntil(() => requests("getLastPowerData").length === i + 1);
      }
      await Promise.all(reads);
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual(Array.from({ length: 12 }, (_, i) => i * 1000));
    });

    it("backs off after 6053 and pauses the other calls too; a write is not retried", async () => {
      const { api, clock, sim, requests } = await setup({ client: { tooFastBackoffMs: 10_000 } });
      const remove = sim.errors.add({
        endpoint: "getLastPowerData",
        code: 6053,
        msg: "The maximum number of requests has been reached",
        times: 1,
      });
      const read = api.getRealtimePowerUsage(SN);
      await waitUntil(() => requests("getLastPowerData").length === 1);
      await new Promise((r) => setTimeout(r, 20));
      const other = api.getChargingSettings(SN);
      await new Promise((r) => setTimeout(r, 20));
      expect(requests("getChargeConfigInfo")).toHaveLength(0);
      await clock.advance(10_000);
      const power = await read;
      await other;
      expect(power.serialNumber).toBe(SN);
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([0, 10_000]);
      remove();
      sim.errors.add({ endpoint: "updateChargeConfigInfo", code: 6053, times: 1 });
      const write = await rejection(
        api.setChargingSettings(
          { stopLevel: 0.9, useGrid: false, firstPeriod: { start: "00:00", end: "00:00" }, secondPeriod: { start: "00:00", end: "00:00" } },
          SN,
        ),
      );
      expect(write).toBeInstanceOf(RateLimitError);
      expect(write).toMatchObject({ code: 6053, retryAfterMs: 10_000, local: false });
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
    });
  });

  describe("transport faults on reads", () => {
    it("retries 5xx and malformed bodies, and reports truncation and timeouts as typed errors", async () => {
      const { api, sim, requests } = await setup({ client: { timeoutMs: 200, retry: { baseDelayMs: 0, limit: 1 } } });
      sim.http.faults.add({ path: "/api/getLastPowerData", kinds: ["http502"], times: 1 });
      expect((await api.getRealtimePowerUsage(SN)).serialNumber).toBe(SN);
      sim.http.faults.add({ path: "/api/getLastPowerData", kinds: ["malformed"], times: 1 });
      expect((await api.getRealtimePowerUsage(SN)).serialNumber).toBe(SN);
      expect(requests("getLastPowerData")).toHaveLength(4);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["malformed"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toBeInstanceOf(ResponseFormatError);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["truncate"], times: 2 });
      const truncated = await rejection(api.getSystemSummary(SN));
      expect(truncated instanceof ConnectionError || truncated instanceof ResponseFormatError).toBe(true);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["timeout"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toBeInstanceOf(TimeoutError);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["http503"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toMatchObject({ status: 503, retryable: true });
    });

    it("an unknown path is a NotFoundError that names the base URL", async () => {
      const { sim } = await setup();
      const api = new AlphaESS({ ...sim.credentials, baseUrl: `${sim.http.url}/v2`, clock: bed!.clock, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404 });
      expect(error.message).toMatch(/baseUrl/);
    });

    it("HTTP 405 (wrong method, Spring body) is a permanent ApiError, not retried", async () => {
      let hits = 0;
      const server = await startTestServer((_req, res) => {
        hits++;
        res.writeHead(405, { "content-type": "application/json" });
        res.end('{"timestamp":"2026-08-04T10:43:44.424+00:00","status":405,"error":"Method Not Allowed","path":"/api/getEssList"}');
      });
      try {
        const api = new AlphaESS({
          appId: "alpha0123456789abcdef",
          appSecret: "fedcba9876543210fedcba9876543210",
          baseUrl: `${server.url}/api`,
          pacing: { minIntervalMs: 0 },
          retry: { baseDelayMs: 0 },
        });
        const error = await rejection(api.listSystems());
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ status: 405, retryable: false, vendorMessage: "Method Not Allowed" });
        expect(hits).toBe(1);
      } finally {
        await server.close();
      }
    });

    it("a 200 that is not an envelope is a ResponseFormatError", async () => {
      const server = await startTestServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"status":"ok"}');
      });
      try {
        const api = new AlphaESS({
          appId: "alpha0123456789abcdef",
          appSecret: "fedcba9876543210fedcba9876543210",
          baseUrl: `${server.url}/api`,
          pacing: { minIntervalMs: 0 },
          retry: { limit: 0 },
        });
        const error = await rejection(api.listSystems());
        expect(error).toBeInstanceOf(ResponseFormatError);
        expect((error as ResponseFormatError).path).toBe("code");
      } finally {
        await server.close();
      }
    });

    it("an abort signal cancels a paced call", async () => {
      const { api } = await setup({ client: { pacing: { minIntervalMs: 60_000 } } });
      await api.getRealtimePowerUsage(SN);
      const controller = new AbortController();
      const pending = api.getRealtimePowerUsage({ serialNumber: SN, signal: controller.signal });
      controller.abort(new Error("stop"));
      expect((await rejection(pending)).message).toBe("stop");
    });
  });
});

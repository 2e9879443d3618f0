import { describe, expect, it } from "vitest";
import { ApiError, ConnectionError, RateLimitError, TimeoutError, ValidationError } from "../core/errors/index.js";
import { AlphaESS } from "./client.js";
import { NOON_SYDNEY, rejection, SN, SN2, useTestbed, waitUntil } from "./test-support/testbed.js";

const setup = useTestbed();

describe("AlphaESS client against the simulator: settings", () => {
  describe("charge and discharge settings", () => {
    it("updates part of the charge config by reading, merging and writing all seven fields", async () => {
      const { api, requests } = await setup();
      await api.setChargingSettings(
        { stopLevel: 0.9, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: { start: "13:00", end: "14:30" } },
        SN,
      );
      const result = await api.setChargingSettings({ stopLevel: 0.8 }, { serialNumber: SN, verify: true });
      expect(result.detail.before).toMatchObject({ stopLevel: 0.9, useGrid: true });
      expect(result.detail.requested).toEqual({
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
        taken: null,
        detail: { dryRun: true, payload: { sysSn: SN, batUseCap: 20, ctrDis: 1, timeDisf1: "17:00", timeDise1: "21:00" } },
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
      const { api, sim, clock } = await setup({ client: { writeCooldownMs: 30_000 }, sim: { writeCooldownMs: 60_000 } });
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
      await clock.advance(31_000);
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
      expect(result).toMatchObject({ sent: true, taken: null, mismatches: [], errorCode: "ApiError:6029" });
      expect(result.readBack).toBeUndefined();
      expect(result.error).toMatch(/^Sent, but reading it back failed/);
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
      expect(sim.state(SN).charge).toMatchObject({ batHighCap: 90, gridCharge: 1, timeChaf1: "01:00" });
      // Without a failure there is no error.
      expect((await api.setChargingSettings(full, { serialNumber: SN, verify: true })).error).toBeUndefined();
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
});

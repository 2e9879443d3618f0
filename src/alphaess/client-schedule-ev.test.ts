import { describe, expect, it } from "vitest";
import { AuthenticationError, NotFoundError, PermissionError, ValidationError } from "../core/errors/index.js";
import { redact } from "../core/redact.js";
import { startTestServer } from "../core/test-support/test-server.js";
import { AlphaESS } from "./client.js";
import { rejection, SN, SN2, useTestbed } from "./test-support/testbed.js";

const setup = useTestbed();

describe("AlphaESS client against the simulator: schedule, binding, EV", () => {
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
      expect(set).toMatchObject({ taken: true, detail: { payload: { sysSn: SN, currentsetting: 16 } } });
      expect(sim.house(SN).ev!.state().currentLimitA).toBe(16);

      // Wait (in simulated time) for a car to arrive in the evening.
      for (let i = 0; i < 6 * 48 && !sim.house(SN).ev!.state().plugged; i++) await clock.advance(30 * 60_000);
      expect(sim.house(SN).ev!.state().plugged).toBe(true);
      const waiting = await api.getEvChargerStatus(charger!.serialNumber, SN);
      expect(waiting).toMatchObject({ state: "preparing", code: 2, canStart: true });
      const start = await api.controlEvCharger(charger!.serialNumber, true, { serialNumber: SN, verify: true });
      expect(start).toMatchObject({ sent: true, taken: true, detail: { payload: { evchargerSn: charger!.serialNumber, controlMode: 1 } } });
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
});

import { createHash } from "node:crypto";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { call, NOON_SYDNEY, SN, useSimulator } from "./test-support/raw-call.js";

const start = useSimulator();

describe("AlphaESS simulator: the wire", () => {
  it("answers in the live envelope, key order included, with the server's Date", async () => {
    const { sim } = await start();
    const r = await call(sim, "getChargeConfigInfo", { query: { sysSn: SN } });
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      '{"code":200,"msg":"Success","expMsg":null,"data":{"gridCharge":0,"timeChaf1":"00:00","timeChae1":"00:00","timeChaf2":"00:00","timeChae2":"00:00","batHighCap":100},"extra":null}',
    );
    expect(Date.parse(r.headers.get("date")!)).toBe(NOON_SYDNEY);
    const live = await call(sim, "getLastPowerData", { query: { sysSn: SN } });
    expect(Object.keys(live.json.data as object)).toEqual([
      "ppv",
      "ppvDetail",
      "soc",
      "pev",
      "pevDetail",
      "prealL1",
      "prealL2",
      "prealL3",
      "pgrid",
      "pgridDetail",
      "pbat",
      "pload",
    ]);
    const list = await call(sim, "getEssList");
    expect(Object.keys((list.json.data as object[])[0]!)).toEqual([
      "sysSn",
      "popv",
      "minv",
      "poinv",
      "cobat",
      "mbat",
      "surplusCobat",
      "usCapacity",
      "emsStatus",
    ]);
    const energy = await call(sim, "getOneDateEnergyBySn", { query: { sysSn: SN, queryDate: "2026-08-03" } });
    expect(Object.keys(energy.json.data as object)).toEqual([
      "sysSn",
      "theDate",
      "eCharge",
      "epv",
      "eOutput",
      "eInput",
      "eGridCharge",
      "eDischarge",
      "eChargingPile",
    ]);
  });

  it("checks the signature and the 300-second window, with short auth bodies", async () => {
    const { sim } = await start();
    const now = Math.floor(NOON_SYDNEY / 1000);
    expect((await call(sim, "getEssList", { ts: String(now - 299) })).json.code).toBe(200);
    expect((await call(sim, "getEssList", { ts: String(now + 299) })).json.code).toBe(200);
    expect((await call(sim, "getEssList", { ts: String(now - 301) })).text).toBe(
      '{"code":6009,"msg":"The request timestamp is not within the validity period"}',
    );
    expect((await call(sim, "getEssList", { ts: String(NOON_SYDNEY) })).json.code).toBe(6009); // milliseconds
    expect((await call(sim, "getEssList", { secret: "0".repeat(32) })).text).toBe('{"code":6007,"msg":"Sign check error"}');
    expect((await call(sim, "getEssList", { headers: { appId: undefined } })).text).toBe('{"code":6012,"msg":"AppId is empty"}');
    expect((await call(sim, "getEssList", { headers: { timeStamp: undefined } })).json).toEqual({ code: 6011, msg: "timestamp is empty" });
    expect((await call(sim, "getEssList", { headers: { sign: undefined } })).json).toEqual({ code: 6010, msg: "Sign is empty" });
    expect((await call(sim, "getEssList", { headers: { appId: "alpha0000000000000000" } })).json.code).toBe(6007);
  });

  it("tolerates what peer clients send: a JSON body on a GET and a second lower-case timestamp header", async () => {
    const { sim } = await start();
    const ts = String(Math.floor(NOON_SYDNEY / 1000));
    const sign = createHash("sha512")
      .update(sim.credentials.appId + sim.credentials.appSecret + ts)
      .digest("hex");
    // A raw request, as PYLIB sends it: both header spellings and a "{}" body on a GET.
    const port = new URL(sim.url).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.end(
          `GET /api/getEssList HTTP/1.1\r\nHost: 127.0.0.1\r\nappId: ${sim.credentials.appId}\r\ntimeStamp: ${ts}\r\ntimestamp: ${ts}\r\nsign: ${sign}\r\n` +
            `Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        );
      });
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const status = raw.slice(raw.indexOf("\r\n\r\n") + 4);
    expect(raw.startsWith("HTTP/1.1 200")).toBe(true);
    expect(JSON.parse(status)).toMatchObject({ code: 200 });
  });

  it("enforces methods (405, Spring body) and answers 404 for unknown paths", async () => {
    const { sim } = await start();
    const post = await call(sim, "getVerificationCode", { method: "POST", body: { sysSn: SN, checkCode: "X" } });
    expect(post.status).toBe(405);
    expect(post.json).toEqual({
      timestamp: "2026-08-04T02:00:00.000+00:00",
      status: 405,
      error: "Method Not Allowed",
      path: "/api/getVerificationCode",
    });
    expect((await call(sim, "bindSn", { query: { sysSn: SN, Code: "1" } })).status).toBe(405);
    const missing = await call(sim, "getMeterOffsetConfig");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, error: "Not Found" });
  });

  it("serves the commercial meter-offset endpoints with their methods, answering 6001 to a normal account", async () => {
    const { sim } = await start();
    const get = await call(sim, "getMeterOffsetConfigInfo", { query: { sysSn: SN } });
    expect(get.status).toBe(200);
    expect(get.json).toEqual({ code: 6001, msg: "Parameter error", expMsg: null, data: null, extra: null });
    expect((await call(sim, "getMeterOffsetConfigInfo", { method: "POST", body: { sysSn: SN } })).status).toBe(405);
    const body = {
      sysSn: SN,
      pmOffset: 10,
      pmOffsetEn: 1,
      pmOffsetS1: "00:00",
      pmOffsetE1: "06:00",
      pmOffsetS2: "00:00",
      pmOffsetE2: "00:00",
    };
    const update = await call(sim, "updateMeterOffsetConfigInfo", { method: "POST", body });
    expect(update.status).toBe(200);
    expect(update.json).toMatchObject({ code: 6001 });
    expect((await call(sim, "updateMeterOffsetConfigInfo", { query: { sysSn: SN } })).status).toBe(405);
    // Authentication still comes first.
    expect((await call(sim, "getMeterOffsetConfigInfo", { query: { sysSn: SN }, secret: "0".repeat(32) })).json).toMatchObject({
      code: 6007,
    });
  });

  it("serves the day series newest first, about every 5 minutes, with drifting seconds", async () => {
    const { sim } = await start();
    const r = await call(sim, "getOneDayPowerBySn", { query: { sysSn: SN, queryDate: "2026-08-03" } });
    const rows = r.json.data as { uploadTime: string; cbat: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(288);
    expect(rows.length).toBeLessThan(300);
    expect(Object.keys(rows[0]!)).toEqual(["sysSn", "uploadTime", "ppv", "load", "cbat", "feedIn", "gridCharge", "pchargingPile"]);
    const times = rows.map((row) => row.uploadTime);
    expect([...times].sort().reverse()).toEqual(times);
    expect(times.every((t) => t.startsWith("2026-08-03 "))).toBe(true);
    const seconds = times.map((t) => Number(t.slice(17)));
    const oneSecondSteps = seconds.slice(1).filter((s, i) => (seconds[i]! - s + 60) % 60 === 1).length;
    expect(oneSecondSteps).toBeGreaterThan(rows.length * 0.9);
    // Today: nothing after the server's now (12:00).
    const today = (await call(sim, "getOneDayPowerBySn", { query: { sysSn: SN, queryDate: "2026-08-04" } })).json.data as {
      uploadTime: string;
    }[];
    expect(today[0]!.uploadTime < "2026-08-04 12:00:00").toBe(true);
    expect(today[0]!.uploadTime > "2026-08-04 11:50:00").toBe(true);
    expect((await call(sim, "getOneDayPowerBySn", { query: { sysSn: SN, queryDate: "2026-8-4" } })).json.code).toBe(6001);
    expect((await call(sim, "getOneDayPowerBySn", { query: { sysSn: SN, queryDate: "2026-08-09" } })).json.data).toEqual([]);
  });

  it("returns the all-null payload for a Storion-S5", async () => {
    const { sim } = await start({ systems: [{ serialNumber: "AK1510000000001", model: "Storion-S5" }] });
    const r = await call(sim, "getLastPowerData", { query: { sysSn: "AK1510000000001" } });
    expect(r.json.data).toEqual({
      ppv: null,
      ppvDetail: null,
      soc: null,
      pev: null,
      pevDetail: null,
      prealL1: null,
      prealL2: null,
      prealL3: null,
      pgrid: null,
      pgridDetail: null,
      pbat: null,
      pload: null,
    });
    expect((await call(sim, "getEssList")).json.data).toEqual([
      {
        sysSn: "AK1510000000001",
        popv: 9.6,
        minv: "Storion-S5",
        poinv: 4.6,
        cobat: 9,
        mbat: "M4860",
        surplusCobat: 8.1,
        usCapacity: 90,
        emsStatus: "Normal",
      },
    ]);
  });

  it("answers 6038 for unknown, 6005 for unbound and 6042 for offline systems", async () => {
    const { sim } = await start({ systems: [{ serialNumber: SN }, { serialNumber: "AL2", boundTo: [] }] });
    expect((await call(sim, "getLastPowerData", { query: { sysSn: "NOPE" } })).json).toEqual({
      code: 6038,
      msg: "system sn does not exist",
      expMsg: null,
      data: null,
      extra: null,
    });
    expect((await call(sim, "getLastPowerData", { query: { sysSn: "AL2" } })).json.code).toBe(6005);
    expect((await call(sim, "getLastPowerData")).json.code).toBe(6001);
    sim.setOnline(SN, false);
    expect((await call(sim, "getLastPowerData", { query: { sysSn: SN } })).json.code).toBe(6042);
    // Stored data is still served while the system is offline.
    expect((await call(sim, "getChargeConfigInfo", { query: { sysSn: SN } })).json.code).toBe(200);
  });

  it("answers 6053 when one app calls one endpoint faster than the minimum interval", async () => {
    const { sim, clock } = await start({ minIntervalMs: { getLastPowerData: 10_000 } });
    expect((await call(sim, "getLastPowerData", { query: { sysSn: SN } })).json.code).toBe(200);
    const fast = await call(sim, "getLastPowerData", { query: { sysSn: SN } });
    expect(fast.json).toEqual({
      code: 6053,
      msg: "The request was too fast, please try again later",
      expMsg: null,
      data: null,
      extra: null,
    });
    expect((await call(sim, "getSumDataForCustomer", { query: { sysSn: SN } })).json.code).toBe(200);
    await clock.advance(10_000);
    expect((await call(sim, "getLastPowerData", { query: { sysSn: SN } })).json.code).toBe(200);
    expect(sim.refused.tooFast).toBe(1);
  });

  it("validates setTimeChargeBySn like the live API: 10001, 6001, 6008, then 6017", async () => {
    const { sim } = await start({ systems: [{ serialNumber: SN }, { serialNumber: "AL2", periodicEntitled: false }] });
    const item = (begin: string, end: string, extra: object = {}) => ({
      beginTime: begin,
      endTime: end,
      weeks: [1, 2, 3, 4, 5],
      chargePower: 5000,
      chargeLimit: 90,
      ...extra,
    });
    const body = {
      sysSn: SN,
      executeCycleType: 1,
      gridChargeCycle: 1,
      ctrDisCycle: 1,
      chargeTimeList: [item("01:00", "05:00")],
      dischargeTimeList: [item("17:00", "21:00", { chargeLimit: 20 })],
    };
    const post = (b: object) => call(sim, "setTimeChargeBySn", { method: "POST", body: b });
    expect((await post({ ...body, dischargeTimeList: undefined })).json.code).toBe(10001);
    expect((await post({ ...body, dischargeTimeList: [] })).json).toEqual({
      code: 6001,
      msg: "Parameter error",
      expMsg: "time list is null",
      data: null,
      extra: null,
    });
    expect((await post({ ...body, executeCycleType: 2 })).json.code).toBe(6001);
    expect((await post({ ...body, chargeTimeList: [item("01:00", "05:00", { chargeLimit: 5 })] })).json.code).toBe(6001);
    expect((await post({ ...body, chargeTimeList: [item("01:00", "05:00", { weeks: undefined })] })).json.code).toBe(6001);
    expect((await post({ ...body, dischargeTimeList: [item("04:00", "06:00")] })).json).toMatchObject({ code: 6008, msg: "Set failed" });
    const seven = Array.from({ length: 7 }, (_, i) => item(`${String(i).padStart(2, "0")}:00`, `${String(i).padStart(2, "0")}:30`));
    expect((await post({ ...body, chargeTimeList: seven })).json.code).toBe(6001);
    expect((await post({ ...body, sysSn: "AL2", dischargeTimeList: [] })).json.code).toBe(6001);
    expect((await post({ ...body, sysSn: "AL2" })).json.code).toBe(6017);
    expect((await call(sim, "getTimeChargeBySn", { query: { sysSn: "AL2" } })).json.code).toBe(6017);
    expect((await post(body)).json.code).toBe(200);
    const read = (await call(sim, "getTimeChargeBySn", { query: { sysSn: SN } })).json.data as Record<string, unknown>;
    expect(read).toMatchObject({ executeCycleType: 1, gridChargeCycle: 0, ctrDisCycle: 0 });
    expect(read.chargeTimeList).toEqual(body.chargeTimeList);
    expect(sim.state(SN).periodic.gridChargeCycle).toBe(1);
    expect(sim.house(SN).getControl().chargeWindows).toHaveLength(1);
  });

  it("stores charge settings as written; off-grid minutes are accepted but not applied, unpadded times are refused", async () => {
    const { sim } = await start();
    const body = {
      sysSn: SN,
      batHighCap: 90,
      gridCharge: 1,
      timeChaf1: "01:00",
      timeChae1: "05:00",
      timeChaf2: "13:10",
      timeChae2: "14:00",
    };
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", body: { ...body, timeChaf1: "9:00" } })).json.code).toBe(6001);
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", body: { ...body, timeChae1: "24:00" } })).json.code).toBe(6001);
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", body: { ...body, gridCharge: undefined } })).json.code).toBe(6001);
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", rawBody: "{not json" })).status).toBe(400);
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", body })).json.code).toBe(200);
    expect((await call(sim, "getChargeConfigInfo", { query: { sysSn: SN } })).json.data).toEqual({
      gridCharge: 1,
      timeChaf1: "01:00",
      timeChae1: "05:00",
      timeChaf2: "13:10",
      timeChae2: "14:00",
      batHighCap: 90,
    });
    expect(sim.house(SN).getControl().chargeWindows).toEqual([{ window: { start: "01:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9 }]);
    // The official Postman example sends batHighCap as a string.
    expect((await call(sim, "updateChargeConfigInfo", { method: "POST", body: { ...body, batHighCap: "95" } })).json.code).toBe(200);
  });

  it("keeps a device-side write cool-down: reject with 6053, or answer Success and drop the write", async () => {
    const reject = await start({ writeCooldownMs: 60_000 });
    const body = { sysSn: SN, batUseCap: 20, ctrDis: 1, timeDisf1: "17:00", timeDise1: "21:00", timeDisf2: "00:00", timeDise2: "00:00" };
    expect((await call(reject.sim, "updateDisChargeConfigInfo", { method: "POST", body })).json.code).toBe(200);
    expect((await call(reject.sim, "updateDisChargeConfigInfo", { method: "POST", body: { ...body, batUseCap: 30 } })).json.code).toBe(
      6053,
    );
    await reject.clock.advance(60_000);
    expect((await call(reject.sim, "updateDisChargeConfigInfo", { method: "POST", body: { ...body, batUseCap: 30 } })).json.code).toBe(200);
    await reject.sim.close();

    const ignore = await start({ writeCooldownMs: 60_000, writeCooldownMode: "ignore" });
    expect((await call(ignore.sim, "updateDisChargeConfigInfo", { method: "POST", body })).json.code).toBe(200);
    expect((await call(ignore.sim, "updateDisChargeConfigInfo", { method: "POST", body: { ...body, batUseCap: 30 } })).json.code).toBe(200);
    expect(ignore.sim.state(SN).discharge.batUseCap).toBe(20);
    expect(ignore.sim.state(SN).appliedWrites).toBe(1);
  });

  it("a write the device refuses (6008) does not start the device-side cool-down", async () => {
    const { sim } = await start({ writeCooldownMs: 60_000 });
    const body = { sysSn: SN, batUseCap: 20, ctrDis: 1, timeDisf1: "17:00", timeDise1: "21:00", timeDisf2: "00:00", timeDise2: "00:00" };
    const house = sim.house(SN);
    const setControl = house.setControl.bind(house);
    house.setControl = () => {
      throw new RangeError("the device refused the control");
    };
    expect((await call(sim, "updateDisChargeConfigInfo", { method: "POST", body })).json).toMatchObject({ code: 6008 });
    expect(sim.state(SN).discharge.batUseCap).toBe(10);
    house.setControl = setControl;
    expect((await call(sim, "updateDisChargeConfigInfo", { method: "POST", body })).json.code).toBe(200);
    expect(sim.state(SN).appliedWrites).toBe(1);
  });

  it("runs the binding flow with an outbox of e-mailed codes that expire", async () => {
    const { sim, clock } = await start({
      systems: [{ serialNumber: SN, boundTo: [], checkCode: "ABC123" }],
      verificationCodeTtlMs: 60_000,
    });
    expect((await call(sim, "getVerificationCode", { query: { sysSn: SN, checkCode: "WRONG" } })).json.code).toBe(6004);
    expect((await call(sim, "getVerificationCode", { query: { sysSn: SN, checkCode: "abc123" } })).json.code).toBe(200);
    expect(sim.outbox).toHaveLength(1);
    expect(sim.outbox[0]).toMatchObject({ serialNumber: SN, appId: sim.credentials.appId });
    await clock.advance(61_000);
    expect((await call(sim, "bindSn", { method: "POST", body: { sysSn: SN, code: sim.lastVerificationCode(SN) } })).json).toMatchObject({
      code: 6046,
      msg: "The verification code is incorrect or expired",
    });
    await call(sim, "getVerificationCode", { query: { sysSn: SN, checkCode: "ABC123" } });
    expect((await call(sim, "bindSn", { method: "POST", body: { sysSn: SN, code: sim.lastVerificationCode(SN) } })).json.code).toBe(200);
    expect((await call(sim, "bindSn", { method: "POST", body: { sysSn: SN, code: "1" } })).json).toMatchObject({
      code: 6003,
      msg: "You have bound this SN!",
    });
    expect((await call(sim, "unBindSn", { method: "POST", body: { sysSn: SN } })).json.code).toBe(200);
    expect((await call(sim, "unBindSn", { method: "POST", body: { sysSn: SN } })).json.code).toBe(6005);
  });

  it("moves the EV charger through its states on remote control", async () => {
    const { sim, clock } = await start();
    const evSn = ((await call(sim, "getEvChargerConfigList", { query: { sysSn: SN } })).json.data as { evchargerSn: string }[])[0]!
      .evchargerSn;
    const status = async () =>
      ((await call(sim, "getEvChargerStatusBySn", { query: { sysSn: SN, evchargerSn: evSn } })).json.data as { evchargerStatus: number })
        .evchargerStatus;
    expect(await status()).toBe(1);
    for (let i = 0; i < 6 * 48 && !sim.house(SN).ev!.state().plugged; i++) await clock.advance(30 * 60_000);
    expect(await status()).toBe(2);
    await call(sim, "remoteControlEvCharger", { method: "POST", body: { sysSn: SN, evchargerSn: evSn, controlMode: 1 } });
    expect(await status()).toBe(3);
    await call(sim, "remoteControlEvCharger", { method: "POST", body: { sysSn: SN, evchargerSn: evSn, controlMode: 0 } });
    expect(await status()).toBe(4);
    expect(
      (await call(sim, "remoteControlEvCharger", { method: "POST", body: { sysSn: SN, evchargerSn: evSn, controlMode: 2 } })).json.code,
    ).toBe(6001);
    sim.house(SN).ev!.setFault(true);
    expect(await status()).toBe(9);
  });

  it("injects any envelope code on demand", async () => {
    const { sim } = await start();
    const remove = sim.errors.add({ endpoint: "getEssList", code: 6026, times: 1 });
    expect((await call(sim, "getEssList")).json).toEqual({ code: 6026, msg: "internal error", expMsg: null, data: null, extra: null });
    expect((await call(sim, "getEssList")).json.code).toBe(200);
    remove();
  });
});

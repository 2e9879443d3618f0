import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../kernel.js";
import { call, SN, useSimulator } from "./test-support/raw-call.js";

const start = useSimulator();

describe("AlphaESS simulator against the captured fixtures", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../../../fixtures/alphaess");
  const fixture = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), "utf8"));
  /** The fixture as the server puts it on the wire (compact JSON, key order kept). */
  const wire = (value: unknown): string => JSON.stringify(value);
  const errors = fixture("errors.json") as Record<string, unknown>;
  const EV = "EV123"; // the charger serial of the request fixtures
  const SN_DIS = "AL20020171xxxxx"; // the serial of updateDisChargeConfigInfo.request.json
  // The captured 405 body's own timestamp, so that it can match byte for byte.
  const CAPTURED_405_AT = Date.parse("2026-08-04T10:43:44.424Z");

  /** Keys (sorted) and JSON types, recursively; an array by its first element. */
  function shape(value: unknown): unknown {
    if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
    if (value !== null && typeof value === "object")
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
      );
    return value === null ? "null" : typeof value;
  }

  it("answers each documented request body with the captured response, byte for byte", async () => {
    const { sim } = await start({
      clock: new VirtualClock({ mode: "manual", start: CAPTURED_405_AT }),
      systems: [
        { serialNumber: SN, evCharger: { serialNumber: EV }, checkCode: "ABC123" },
        { serialNumber: SN_DIS },
        { serialNumber: "AL3", periodicEntitled: false },
      ],
    });
    const post = (endpoint: string, body: unknown) => call(sim, endpoint, { method: "POST", body });
    for (const endpoint of [
      "updateChargeConfigInfo",
      "updateDisChargeConfigInfo",
      "setTimeChargeBySn",
      "setEvChargerCurrentsBySn",
      "remoteControlEvCharger",
    ]) {
      const r = await post(endpoint, fixture(`${endpoint}.request.json`));
      expect(r.text, endpoint).toBe(wire(fixture(`${endpoint}.json`)));
    }
    // ... and took them as sent.
    expect(sim.state(SN).charge).toEqual({
      gridCharge: 1,
      timeChaf1: "01:00",
      timeChae1: "05:00",
      timeChaf2: "00:00",
      timeChae2: "00:00",
      batHighCap: 100,
    });
    expect(sim.state(SN_DIS).discharge).toMatchObject({ ctrDis: 0, batUseCap: 10 });
    expect(sim.state(SN).evCurrentSetting).toBe(16);
    expect(sim.state(SN).periodic).toMatchObject({ executeCycleType: 1, gridChargeCycle: 1, ctrDisCycle: 1 });
    const periodic = fixture("setTimeChargeBySn.request.json") as Record<string, unknown>;
    expect((await post("setTimeChargeBySn", { ...periodic, dischargeTimeList: [] })).text).toBe(
      wire(fixture("setTimeChargeBySn.empty-list.json")),
    );
    expect((await post("setTimeChargeBySn", { ...periodic, dischargeTimeList: [] })).text).toBe(wire(errors.empty_period_list_6001));
    expect((await call(sim, "getTimeChargeBySn", { query: { sysSn: "AL3" } })).text).toBe(
      wire(fixture("getTimeChargeBySn.not-entitled.json")),
    );
    expect((await call(sim, "getTimeChargeBySn", { query: { sysSn: "AL3" } })).text).toBe(wire(errors.not_entitled_6017));

    // Binding: unbind, unbind again, bind with the placeholder code, then the real flow.
    expect((await post("unBindSn", fixture("unBindSn.request.json"))).text).toBe(wire(fixture("unBindSn.json")));
    expect((await post("unBindSn", fixture("unBindSn.request.json"))).text).toBe(wire(fixture("unBindSn.not-bound.json")));
    expect((await call(sim, "getLastPowerData", { query: { sysSn: SN } })).text).toBe(wire(errors.sn_not_bound_to_appid_6005));
    expect((await post("bindSn", fixture("bindSn.request.json"))).text).toBe(wire(fixture("bindSn.bad-code.json")));
    expect((await call(sim, "getVerificationCode", { query: { sysSn: SN, checkCode: "ABC123" } })).text).toBe(
      wire(fixture("getVerificationCode.json")),
    );
    expect((await post("bindSn", { sysSn: SN, code: sim.lastVerificationCode(SN) })).text).toBe(wire(fixture("bindSn.json")));
    expect((await call(sim, "getVerificationCode", { query: { sysSn: SN, checkCode: "ABC123" } })).text).toBe(
      wire(fixture("getVerificationCode.already-bound.json")),
    );

    // The captured error bodies (errors.json) that the simulator produces on its own.
    const now = String(Math.floor(CAPTURED_405_AT / 1000));
    expect((await call(sim, "getEssList", { secret: "0".repeat(32) })).text).toBe(wire(errors.sign_mismatch_6007));
    expect((await call(sim, "getEssList", { ts: String(Number(now) - 400) })).text).toBe(wire(errors.timestamp_out_of_window_6009));
    const wrongMethod = await call(sim, "getVerificationCode", { method: "POST", body: { sysSn: SN, checkCode: "ABC123" } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.text).toBe(wire(errors.wrong_http_method_405));
    sim.setOnline(SN, false);
    expect((await call(sim, "getLastPowerData", { query: { sysSn: SN } })).text).toBe(wire(errors.system_offline_6042));
  });

  it("answers 6053 with the portal's text", async () => {
    const { sim } = await start({ minIntervalMs: 10_000 });
    await call(sim, "getEssList");
    expect((await call(sim, "getEssList")).text).toBe(wire(errors.too_fast_6053_portal_text));
  });

  it("serves every read in the shape of its captured fixture: the same keys, types and nulls", async () => {
    const { sim } = await start({ systems: [{ serialNumber: SN, evCharger: { serialNumber: EV } }, { serialNumber: "AL70110230302xx" }] });
    // A schedule to read back (a system without one answers empty lists).
    expect((await call(sim, "setTimeChargeBySn", { method: "POST", body: fixture("setTimeChargeBySn.request.json") })).json.code).toBe(200);
    const reads: [string, Record<string, string>, string][] = [
      ["getEssList", {}, "getEssList.json"],
      // The second system has no charger: pevDetail holds nulls, as in the capture.
      ["getLastPowerData", { sysSn: "AL70110230302xx" }, "getLastPowerData.json"],
      ["getOneDayPowerBySn", { sysSn: SN, queryDate: "2026-08-04" }, "getOneDayPowerBySn.json"],
      ["getOneDateEnergyBySn", { sysSn: SN, queryDate: "2026-08-03" }, "getOneDateEnergyBySn.json"],
      ["getSumDataForCustomer", { sysSn: SN }, "getSumDataForCustomer.json"],
      ["getChargeConfigInfo", { sysSn: SN }, "getChargeConfigInfo.json"],
      ["getDisChargeConfigInfo", { sysSn: SN }, "getDisChargeConfigInfo.json"],
      ["getTimeChargeBySn", { sysSn: SN }, "getTimeChargeBySn.json"],
      ["getEvChargerConfigList", { sysSn: SN }, "getEvChargerConfigList.json"],
      ["getEvChargerConfigList", { sysSn: "AL70110230302xx" }, "getEvChargerConfigList.none.json"],
      ["getEvChargerCurrentsBySn", { sysSn: SN }, "getEvChargerCurrentsBySn.json"],
      ["getEvChargerStatusBySn", { sysSn: SN, evchargerSn: EV }, "getEvChargerStatusBySn.json"],
    ];
    for (const [endpoint, query, file] of reads) {
      const r = await call(sim, endpoint, { query });
      expect(shape(r.json), file).toEqual(shape(fixture(file)));
    }
  });
});

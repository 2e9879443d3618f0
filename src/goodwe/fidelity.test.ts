import { describe, expect, it } from "vitest";
import { toPowerFlow } from "./adapter.js";
import { decodeString } from "./decode.js";
import { decodeDtRunning } from "./families/dt.js";
import { decodeEsDeviceInfo, decodeEsRunning } from "./families/es.js";
import { decodeEtDeviceInfo, decodeEtMeter, decodeEtRunning } from "./families/et.js";
import { fixtureFrame } from "./test-support/fixtures.js";
import type { EsRuntimeData } from "./types.js";

/**
 * Issue 12, items 10–14: the `goodwe` library's own recorded replies (fixtures/goodwe/INDEX.md),
 * decoded by us to what the library's tests assert.
 */
const rtuData = (name: string) => fixtureFrame(name).slice(5, -2);
const tcpData = (name: string) => fixtureFrame(name).slice(9);
const aa55Payload = (name: string) => fixtureFrame(name).slice(7, -2);

describe("GoodWe fidelity against the library's recorded replies", () => {
  it("item 10: PV4 mode is the high byte of 35119, PV3 mode the low byte (GW29K9-ET)", () => {
    const r = decodeEtRunning(rtuData("local-et-GW29K9-ET-running-data"));
    expect(r.pv4Mode).toBe(0);
    expect(r.pv3Mode).toBe(2);
    expect(r.pv2Mode).toBe(2);
    expect(r.pv1Mode).toBe(2);
  });

  it("item 11: DT derating_mode 0xFFFFFFFF is null, other codes pass", () => {
    for (const name of ["local-dt-GW5000-MS-running-data", "local-dt-GW6000-DT-running-data", "local-dt-GW5000D-NS-running-data"]) {
      expect(decodeDtRunning(rtuData(name)).deratingMode, name).toBeNull();
    }
    expect(decodeDtRunning(tcpData("local-dt-GW10K-MS-30-modbus-tcp-running-data")).deratingMode).toBeNull();
    expect(decodeDtRunning(rtuData("local-dt-GW8K-DT-running-data")).deratingMode).toBe(0);
  });

  it("item 12: GW20K meter totals come from 36104/36120 (u64 / 100) in the 125-register meter block", () => {
    const m = decodeEtMeter(rtuData("local-et-GW20K-ET-meter-data-125"));
    expect(m.meterETotalExp).toBe(35.55);
    expect(m.meterETotalImp).toBe(0.15);
    expect(m).toMatchObject({ meterETotalExp1: 10.72, meterETotalExp2: 12.61, meterETotalExp3: 13.9 });
    expect(m).toMatchObject({ meterETotalImp1: 1.33, meterETotalImp2: 0.49, meterETotalImp3: 0.02 });
  });

  it("item 13: text fields that are not text read as the hex of their bytes, the same on both paths (GW6000-ES-20)", () => {
    const et = decodeEtDeviceInfo(rtuData("local-et-GW6000-ES-20-device-info"));
    expect(et).toMatchObject({ serialNumber: "56000ESN00AW0000", modelName: "GW6000ES20", armFirmware: "02020-05-S01" });
    expect(et.firmware).toBe("ffffffffffffffffffffffff");
    const es = decodeEsDeviceInfo(aa55Payload("local-es-GW6000-ES-20-device-info-aa55"));
    expect(es).toMatchObject({ serialNumber: "56000ESN00AW0000", modelName: "" });
    expect(es.firmware).toBe("0002000205");
    // Printable text is kept; all-zero fields are empty; nothing outside printable ASCII leaks through.
    expect(decodeString(new TextEncoder().encode("GW10K-ET  "))).toBe("GW10K-ET");
    expect(decodeString(new Uint8Array(8))).toBe("");
    expect(decodeString(Uint8Array.of(0x47, 0xe9, 0x41))).toBe("47e941");
  });

  it("item 14: a short ES reply decodes to nulls, and its power flow carries no NaN", () => {
    const full = aa55Payload("local-es-GW5048D-ES-running-data-aa55");
    for (const length of [0, 2, 17, 40, 60, full.length - 1]) {
      const running = decodeEsRunning(full.slice(0, length));
      for (const [key, value] of Object.entries(running)) expect(Number.isNaN(value), `${key} at ${length} bytes`).toBe(false);
      const data: EsRuntimeData = {
        family: "ES",
        running,
        observedAt: new Date(0),
        receivedAt: new Date(0),
        labels: {},
        raw: {},
      };
      const flow = toPowerFlow(data, "95048ESU227W0000");
      for (const key of ["pvW", "loadW", "gridW", "batteryW", "soc"] as const)
        expect(Number.isNaN(flow[key]), `${key} at ${length}`).toBe(false);
    }
  });
});

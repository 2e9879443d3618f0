import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { toPowerFlow } from "./adapter.js";
import { decodeDateTime, decodePayload, decodeRegisterBlock, decodeSensor, decodeString } from "./decode.js";
import { ET_RUNNING_BLOCK, ET_RUNNING_SENSORS } from "./registers/et.js";
import { ES_RUNNING_SENSORS } from "./registers/es.js";
import { camelCase, sensorBytes } from "./registers/types.js";
import { decodeEcoModeGroup, encodeEcoModeGroup, daysMask, dayNames } from "./eco-mode.js";
import { decodeDtDeviceInfo, decodeDtRunning } from "./families/dt.js";
import { decodeEsDeviceInfo, decodeEsRunning } from "./families/es.js";
import { decodeEtBattery, decodeEtDeviceInfo, decodeEtMeter, decodeEtRunning } from "./families/et.js";
import { familyFromSerial } from "./detect.js";
import { fixtureFrame } from "./test-support/fixtures.js";
import type { EtRuntimeData } from "./types.js";
import { powerBalanceW } from "../model/helpers.js";

/** The data bytes of an RTU read reply: after AA55 addr fn bytecount, before the CRC. */
const rtuData = (name: string) => fixtureFrame(name).slice(5, -2);
/** The payload of an AA55 reply. */
const aa55Payload = (name: string) => fixtureFrame(name).slice(7, -2);

describe("ET fixtures decode to the values in fixtures/goodwe/INDEX.md", () => {
  it("device info (fw 819)", () => {
    const info = decodeEtDeviceInfo(rtuData("local-et-GW10K-ET-device-info-fw819"));
    expect(info).toMatchObject({
      ratedPowerW: 10000,
      serialNumber: "9010KETU00000000",
      modelName: "0GW10K-ET",
      dsp1Version: 8,
      dsp2Version: 8,
      armVersion: 19,
      firmware: "04029-08-S11",
      armFirmware: "02041-19-S00",
    });
    expect(familyFromSerial(info.serialNumber)).toBe("ET");
  });

  it("running data", () => {
    const r = decodeEtRunning(rtuData("local-et-GW10K-ET-running-data"));
    expect(r).toMatchObject({
      timestamp: "2021-08-22 11:11:12",
      vpv1: 332.6,
      ipv1: 5.1,
      ppv1: 1695,
      ppv: 3456,
      vgrid: 239.3,
      pgrid: 336,
      activePower: -3,
      gridInOut: 0,
      loadPtotal: 522,
      temperature: 58.7,
      vbattery1: 254.2,
      pbattery1: -2512,
      batteryMode: 3,
      workMode: 1,
      eTotal: 6085.3,
      eDay: 12.5,
      eDayExp: 9.8,
      eDayImp: 0,
      eBatChargeDay: 5.3,
      houseConsumption: 947,
    });
    expect(r.ibattery1).toBe(-9.8);
  });

  it("battery and meter", () => {
    expect(decodeEtBattery(rtuData("local-et-GW10K-ET-battery-info"))).toMatchObject({ batteryTemperature: 35, batterySoc: 68 });
    expect(decodeEtMeter(rtuData("local-et-GW10K-ET-meter-data"))).toMatchObject({ activePowerTotal: -110, meterActivePowerTotal: -110 });
  });

  it("battery cell voltages are millivolts (3312 → 3.312 V), as the library's CellVoltage reads them", () => {
    const block = new Uint8Array(48);
    new DataView(block.buffer).setUint16(44, 3312);
    new DataView(block.buffer).setUint16(46, 3298);
    expect(decodeEtBattery(block)).toMatchObject({ batteryMaxCellVoltage: 3.312, batteryMinCellVoltage: 3.298 });
  });

  it("eco mode V2 group", () => {
    const group = decodeEcoModeGroup(rtuData("local-et-eco-mode-v2-read"), "v2");
    expect(group).toMatchObject({
      start: "00:00",
      end: "23:59",
      enabled: false,
      scheduleType: 0,
      days: 0x7f,
      power: 0.2,
      soc: 1,
      months: 0,
      unset: false,
    });
    expect(dayNames(group.days)).toEqual(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
  });

  it("adapts to the unified power flow: grid sign flipped, battery kept, balanced", () => {
    const running = decodeEtRunning(rtuData("local-et-GW10K-ET-running-data"));
    const data: EtRuntimeData = {
      family: "ET",
      running,
      battery: decodeEtBattery(rtuData("local-et-GW10K-ET-battery-info")),
      battery2: null,
      meter: decodeEtMeter(rtuData("local-et-GW10K-ET-meter-data")),
      mppt: null,
      observedAt: new Date("2021-08-22T09:11:12Z"),
      receivedAt: new Date("2021-08-22T09:11:13Z"),
      labels: {},
      raw: {},
    };
    const flow = toPowerFlow(data, "9010KETU00000000");
    expect(flow).toMatchObject({
      pvW: 3456,
      gridW: 3,
      batteryW: -2512,
      loadW: 947,
      soc: 0.68,
      source: { vendor: "goodwe", device: "9010KETU00000000" },
    });
    expect(powerBalanceW(flow)).toBe(0);
  });
});

describe("DT fixtures", () => {
  it("device info", () => {
    const info = decodeDtDeviceInfo(rtuData("local-dt-GW8K-DT-device-info"));
    expect(info).toMatchObject({
      modelName: "GW8K-DT",
      serialNumber: "00000DTS00000000",
      dsp1Version: 1010,
      dsp2Version: 1010,
      armVersion: 8,
      firmware: "1010.1010.08",
      phases: 3,
    });
    expect(familyFromSerial(info.serialNumber)).toBe("DT");
  });

  it("running data over UDP", () => {
    const r = decodeDtRunning(rtuData("local-dt-GW8K-DT-running-data"));
    expect(r).toMatchObject({
      timestamp: "2021-08-24 16:43:27",
      vpv1: 275.5,
      ppv: 574,
      vgrid1: 237.2,
      pgrid1: 237,
      totalInverterPower: 643,
      workMode: 1,
      temperature: 45.3,
      eDay: null,
      eTotal: null,
    });
  });

  it("running data over Modbus/TCP (GW10K-MS-30)", () => {
    const frame = fixtureFrame("local-dt-GW10K-MS-30-modbus-tcp-running-data");
    const r = decodeDtRunning(frame.slice(9));
    expect(r).toMatchObject({
      timestamp: "2024-06-02 09:07:17",
      vpv1: 400.6,
      ipv1: 6.9,
      ppv1: 2764,
      ppv: 6143,
      vgrid1: 241.1,
      igrid1: 24.7,
      fgrid1: 49.98,
      pgrid1: 5955,
    });
  });
});

describe("ES fixtures (AA55)", () => {
  it("device info and the ESA discovery reply", () => {
    const info = decodeEsDeviceInfo(aa55Payload("local-es-GW5048D-ES-device-info-aa55"));
    expect(info).toMatchObject({
      modelName: "GW5048D-ES",
      serialNumber: "95048ESU227W0000",
      firmware: "2323G",
      dsp1Version: 23,
      dsp2Version: 23,
      armVersion: 16,
    });
    const esa = decodeEsDeviceInfo(aa55Payload("local-es-GW5048-ESA-discovery-aa55"));
    expect(esa).toMatchObject({ modelName: "GW5048-ESA", serialNumber: "95048ESA223W0000" });
    expect(familyFromSerial(esa.serialNumber)).toBe("ES");
  });

  it("running data", () => {
    const r = decodeEsRunning(aa55Payload("local-es-GW5048D-ES-running-data-aa55"));
    expect(r).toMatchObject({
      vbattery1: 49.4,
      ibattery1: 9.5,
      pbattery1: 469,
      batteryMode: 2,
      batterySoc: 60,
      batterySoh: 98,
      vgrid: 228.3,
      pgrid: 2,
      gridInOut: 0,
      pload: 156,
      pbackUp: 535,
      plantPower: 691,
      workMode: 2,
      eTotal: 22963.2,
      eDay: 12.3,
      eLoadDay: 13.7,
      temperature: 22.9,
    });
  });
});

describe("codecs", () => {
  it("decodes a register block exactly as row-by-row decoding does, for any bytes and any block length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: ET_RUNNING_BLOCK.count * 2 }), (data) => {
        const decoded = decodeRegisterBlock(ET_RUNNING_SENSORS, data, ET_RUNNING_BLOCK.register);
        const expected: Record<string, unknown> = {};
        for (const def of ET_RUNNING_SENSORS) {
          const offset = (def.at - ET_RUNNING_BLOCK.register) * 2;
          // Rows that do not fit a short block are left out, not null.
          if (offset + sensorBytes(def) <= data.length) expected[camelCase(def.id)] = decodeSensor(def, data, offset);
        }
        expect(decoded).toStrictEqual(expected);
        expect(Object.keys(decoded)).toEqual(Object.keys(expected)); // table order
      }),
      { numRuns: 300 },
    );
  });

  it("decodes a block read from a later register, leaving out the rows before it", () => {
    const data = new Uint8Array(20).fill(0x01);
    const first = ET_RUNNING_BLOCK.register + 10;
    const decoded = decodeRegisterBlock(ET_RUNNING_SENSORS, data, first);
    const inside = ET_RUNNING_SENSORS.filter((d) => d.at >= first && (d.at - first) * 2 + sensorBytes(d) <= 20);
    expect(Object.keys(decoded)).toEqual(inside.map((d) => camelCase(d.id)));
    expect(inside.length).toBeGreaterThan(0);
  });

  it("decodes an AA55 payload by byte offset, as row-by-row decoding does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), (payload) => {
        const expected: Record<string, unknown> = {};
        for (const def of ES_RUNNING_SENSORS)
          if (def.at + sensorBytes(def) <= payload.length) expected[camelCase(def.id)] = decodeSensor(def, payload, def.at);
        expect(decodePayload(ES_RUNNING_SENSORS, payload)).toStrictEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("decodes dates and rejects impossible ones as null", () => {
    expect(decodeDateTime(Uint8Array.of(22, 1, 4, 18, 30, 25), 0)).toBe("2022-01-04 18:30:25");
    expect(decodeDateTime(Uint8Array.of(22, 2, 30, 0, 0, 0), 0)).toBeNull();
    expect(decodeDateTime(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0)).toBeNull();
    expect(decodeDateTime(Uint8Array.of(24, 2, 29, 23, 59, 59), 0)).toBe("2024-02-29 23:59:59");
    expect(decodeDateTime(Uint8Array.of(24, 2, 29, 23, 59), 0)).toBeNull(); // short buffer
  });

  it("accepts exactly the byte sextets that are real calendar dates and times", () => {
    // Ranges one step past the valid ones on each side, so both answers are common.
    const sextet = fc.tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
    );
    fc.assert(
      fc.property(sextet, ([y, mo, d, h, mi, s]) => {
        const b = Uint8Array.of(y, mo, d, h, mi, s);
        const date = new Date(Date.UTC(2000 + y, mo - 1, d, h, mi, s));
        const real = mo >= 1 && mo <= 12 && h <= 23 && mi <= 59 && s <= 59 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
        const decoded = decodeDateTime(b, 0);
        expect(decoded === null).toBe(!real);
        if (decoded !== null) expect(decoded).toBe(date.toISOString().slice(0, 19).replace("T", " "));
      }),
      { numRuns: 5000 },
    );
  });

  it("decodes UTF-16BE strings when control bytes are present", () => {
    expect(decodeString(Uint8Array.of(0, 0x47, 0, 0x57))).toBe("GW");
    expect(decodeString(new TextEncoder().encode("GW8K-DT   "))).toBe("GW8K-DT");
  });

  it("V1 encoder reproduces the spec's eco vectors", () => {
    expect(Buffer.from(encodeEcoModeGroup({ start: "00:00", end: "23:59", power: -0.4 }, "v1")).toString("hex")).toBe("0000173bffd8ff7f");
    expect(Buffer.from(encodeEcoModeGroup({ start: "00:00", end: "23:59", power: 0.5 }, "v1")).toString("hex")).toBe("0000173b0032ff7f");
  });

  it("rejects bad groups before encoding", () => {
    const bad = [
      { start: "24:00", end: "05:00", power: -0.5 },
      { start: "01:00", end: "01:00", power: -0.5 },
      { start: "01:00", end: "05:00", power: -50 },
      { start: "01:00", end: "05:00", power: -0.505 },
      { start: "01:00", end: "05:00", power: -0.5, soc: 1.2 },
      { start: "01:00", end: "05:00", power: -0.5, days: 0 },
      { start: "01:00", end: "05:00", power: -0.5, days: 200 },
      { start: "1:00", end: "05:00", power: -0.5 },
    ];
    for (const group of bad) expect(() => encodeEcoModeGroup(group, "v2"), JSON.stringify(group)).toThrow(ValidationError);
    expect(() => encodeEcoModeGroup({ start: "01:00", end: "05:00", power: -0.5, soc: 0.5 }, "v1")).toThrow(/cannot stop at a SOC/);
    expect(() => daysMask(["mon", "funday" as never])).toThrow(ValidationError);
  });

  it("property: every valid group round-trips through V1 and V2", () => {
    const time = fc
      .record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) })
      .map(({ h, m }) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
    fc.assert(
      fc.property(
        time,
        time,
        fc.integer({ min: 1, max: 127 }),
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xfff }),
        (start, end, days, power, soc, enabled, months) => {
          fc.pre(start !== end);
          const v2 = decodeEcoModeGroup(
            encodeEcoModeGroup({ start, end, days, power: power / 100, soc: soc / 100, enabled, months }, "v2"),
            "v2",
          );
          expect(v2).toMatchObject({
            start,
            end,
            days,
            power: power / 100,
            soc: soc / 100,
            enabled,
            months,
            scheduleType: 0,
            unset: false,
          });
          const v1 = decodeEcoModeGroup(encodeEcoModeGroup({ start, end, days, power: power / 100, enabled }, "v1"), "v1");
          expect(v1).toMatchObject({ start, end, days, power: power / 100, enabled, soc: null });
        },
      ),
    );
  });
});

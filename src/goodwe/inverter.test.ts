import { afterEach, describe, expect, it } from "vitest";
import { ApiError, ConfigurationError, ConnectionError, TimeoutError, ValidationError } from "../core/errors/index.js";
import { powerBalanceW } from "../model/helpers.js";
import { startGoodWeSimulator, type GoodWeSimulator, type GoodWeSimulatorOptions } from "../sim/goodwe/inverter-simulator.js";
import { VirtualClock } from "../sim/kernel.js";
import { ModbusExceptionError } from "./errors.js";
import { GoodWeInverter, type GoodWeInverterOptions } from "./inverter.js";
import type { DtRuntimeData, EsRuntimeData, EtRuntimeData } from "./types.js";

const TZ = "Australia/Sydney";
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function sim(options: GoodWeSimulatorOptions = {}): Promise<GoodWeSimulator> {
  const s = await startGoodWeSimulator(options);
  open.push(s);
  return s;
}

async function connect(s: GoodWeSimulator, options: Partial<GoodWeInverterOptions> = {}): Promise<GoodWeInverter> {
  const tcp = options.transport === "tcp";
  const inverter = await GoodWeInverter.connect({
    host: s.host,
    port: tcp ? s.tcpPort! : s.udpPort,
    discoveryPort: s.discoveryPort ?? undefined,
    timeoutMs: 200,
    retry: { limit: 2 },
    timeZone: TZ,
    ...options,
  });
  open.unshift(inverter);
  return inverter;
}

describe("monitoring against the simulator seeded with the recorded frames (live: false)", () => {
  for (const transport of ["udp", "tcp"] as const) {
    it(`ET over ${transport}: detects the family and reads every block with the fixture values`, async () => {
      const s = await sim({ live: false, faults: transport === "tcp" ? { mbapLengthField: 3 } : {} });
      const inv = await connect(s, { transport });
      expect(inv.family).toBe("ET");
      expect(inv.deviceInfo).toMatchObject({
        serialNumber: "9010KETU00000000",
        ratedPowerW: 10000,
        armVersion: 19,
        firmware: "04029-08-S11",
      });
      const data = (await inv.readRuntimeData()) as EtRuntimeData;
      expect(data.running).toMatchObject({
        timestamp: "2021-08-22 11:11:12",
        vpv1: 332.6,
        ppv: 3456,
        activePower: -3,
        pbattery1: -2512,
        eDay: 12.5,
        houseConsumption: 947,
      });
      expect(data.battery).toMatchObject({ batterySoc: 68, batteryTemperature: 35 });
      expect(data.meter).toMatchObject({ activePowerTotal: -110, meterActivePowerTotal: -110 });
      expect(data.labels).toMatchObject({ batteryMode: "Charge", workMode: "Normal (On-Grid)", gridInOut: "Idle" });
      // 11:11:12 in Sydney (AEST, +10) on 2021-08-22.
      expect(data.observedAt.toISOString()).toBe("2021-08-22T01:11:12.000Z");
      const flow = await inv.readPowerFlow();
      expect(flow).toMatchObject({ pvW: 3456, gridW: 3, batteryW: -2512, loadW: 947, soc: 0.68 });
      expect(await inv.readBattery()).toMatchObject({ batterySoc: 68 });
      expect(await inv.readMeter()).toMatchObject({ activePowerTotal: -110 });
      const eco = await inv.readEcoModeGroups();
      expect(eco.encoding).toBe("v2");
      expect(eco.groups[0]).toMatchObject({ start: "00:00", end: "23:59", power: 0.2, soc: 1, enabled: false });
    });
  }

  it("DT over UDP and TCP (comm address 0x7F)", async () => {
    const s = await sim({ profile: "DT", live: false });
    for (const transport of ["udp", "tcp"] as const) {
      const inv = await connect(s, { transport });
      expect(inv.family).toBe("DT");
      expect(inv.commAddress).toBe(0x7f);
      expect(inv.deviceInfo).toMatchObject({ modelName: "GW8K-DT", serialNumber: "00000DTS00000000", firmware: "1010.1010.08" });
      const data = (await inv.readRuntimeData()) as DtRuntimeData;
      expect(data.running).toMatchObject({
        vpv1: 275.5,
        ppv: 574,
        vgrid1: 237.2,
        pgrid1: 237,
        totalInverterPower: 643,
        eDay: null,
        eTotal: null,
      });
      expect(data.meter).toMatchObject({ meterActivePower: 0, meterCommStatus: 1 });
      await expect(inv.readBattery()).rejects.toThrow(ValidationError);
      await expect(inv.setOperationMode("eco")).rejects.toThrow(/DT-family/);
    }
  });

  it("ES over AA55", async () => {
    const s = await sim({ profile: "ES", live: false });
    const inv = await connect(s);
    expect(inv.family).toBe("ES");
    expect(inv.deviceInfo).toMatchObject({ modelName: "GW5048D-ES", serialNumber: "95048ESU227W0000", armVersion: 16 });
    const data = (await inv.readRuntimeData()) as EsRuntimeData;
    expect(data.running).toMatchObject({
      vbattery1: 49.4,
      pbattery1: 469,
      batterySoc: 60,
      pgrid: 2,
      plantPower: 691,
      eTotal: 22963.2,
      eDay: 12.3,
    });
    const flow = await inv.readPowerFlow();
    expect(flow).toMatchObject({ batteryW: 469, gridW: -2, soc: 0.6 });
    expect(powerBalanceW(flow)).toBe(0);
    expect(await inv.readSettings()).toMatchObject({ workMode: 0, gridExportLimit: 5000, dod: 0.8 });
    expect(await inv.readBattery()).toEqual({
      vbattery1: 49.4,
      ibattery1: data.running.ibattery1,
      pbattery1: 469,
      batterySoc: 60,
      batterySoh: data.running.batterySoh,
      batteryMode: data.running.batteryMode,
      batteryTemperature: data.running.batteryTemperature,
      batteryStatus: data.running.batteryStatus,
    });
    expect(await inv.readMeter()).toEqual({
      vgrid: data.running.vgrid,
      igrid: data.running.igrid,
      fgrid: data.running.fgrid,
      pgrid: 2,
      gridInOut: data.running.gridInOut,
      meterStatus: data.running.meterStatus,
      meterPowerFactor: data.running.meterPowerFactor,
    });
  });

  it("the power flow polls only the blocks it needs, and the dongle is probed once per connect", async () => {
    const s = await sim({ live: false });
    const inv = await connect(s);
    expect(s.requests.filter((r) => r.transport === "discovery")).toHaveLength(1);
    s.clearRequests();
    expect(await inv.readPowerFlow()).toMatchObject({ pvW: 3456, batteryW: -2512, soc: 0.68, source: { device: "9010KETU00000000" } });
    expect(s.requests.map((r) => `${r.register}×${r.count}`)).toEqual(["35100×125", "37000×24"]);
  });
});

describe("live registers follow the house", () => {
  it("power flow, SOC and counters are the house's (UDP), with GoodWe's signs converted", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-15T02:00:00Z") }); // 13:00 in Sydney
    const s = await sim({ clock });
    const inv = await connect(s, { clock });
    await clock.advance(30 * 60_000);
    const flow = await inv.readPowerFlow();
    const house = s.house.now();
    expect(flow.pvW).toBe(Math.round(house.pvW));
    expect(flow.gridW).toBeCloseTo(house.gridW, 0);
    expect(flow.batteryW).toBe(Math.round(house.batteryW));
    expect(flow.soc).toBeCloseTo(house.soc, 2);
    expect(Math.abs(powerBalanceW(flow)!)).toBeLessThanOrEqual(3);
    const data = (await inv.readRuntimeData()) as EtRuntimeData;
    expect(data.running.eDay).toBeCloseTo(s.house.dayTotals("2026-01-15").pvKwh, 1);
    expect(data.observedAt.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000);
  });
});

describe("transport faults", () => {
  it("reassembles replies split over two datagrams and ignores trailing garbage and stray datagrams", async () => {
    const s = await sim({ live: false, faults: { splitReplies: true, trailingGarbage: true, strayDatagram: true } });
    const inv = await connect(s);
    expect(((await inv.readRuntimeData()) as EtRuntimeData).running.ppv).toBe(3456);
  });

  it("retries reads after dropped datagrams, and gives up with a TimeoutError", async () => {
    const s = await sim({ live: false });
    const inv = await connect(s);
    s.clearRequests();
    s.setFaults({ dropRequests: 2 });
    expect(await inv.readRegisters(47000, 1)).toEqual([0]);
    expect(s.requests.map((r) => r.kind)).toEqual(["dropped", "dropped", "read"]);
    s.setFaults({ busy: true });
    const error = await inv.readRegisters(47000, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/after 3 attempt/);
  });

  it("truncated and corrupted replies are never taken for answers: the read times out, saying why", async () => {
    const s = await sim({ live: false, faults: { corruptReplies: true } });
    const inv = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 100, retry: { limit: 1 }, timeZone: TZ });
    open.unshift(inv);
    await expect(inv.readRegisters(35000, 33)).rejects.toThrow(/did not answer it \(last: CRC mismatch\)/);
    s.setFaults({ corruptReplies: undefined, truncateReplies: 40 });
    await expect(inv.readRegisters(35000, 33)).rejects.toBeInstanceOf(TimeoutError);
    const tcp = new GoodWeInverter({
      host: s.host,
      port: s.tcpPort!,
      transport: "tcp",
      family: "ET",
      timeoutMs: 100,
      retry: { limit: 1 },
      timeZone: TZ,
    });
    open.unshift(tcp);
    await expect(tcp.readRegisters(35000, 33)).rejects.toBeInstanceOf(TimeoutError);
    s.setFaults({ truncateReplies: undefined });
    expect((await tcp.readRegisters(35000, 2))[1]).toBe(10000);
  });

  it("a unit that ignores large blocks: adaptive chunking falls back to 60 registers and keeps it", async () => {
    const s = await sim({ live: false, faults: { maxReadRegisters: 60 } });
    const adaptive = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 100, retry: { limit: 0 }, timeZone: TZ });
    open.unshift(adaptive);
    expect(((await adaptive.readRuntimeData()) as EtRuntimeData).running.houseConsumption).toBe(947);
    expect(adaptive.maxRegistersPerRead).toBe(60);
    s.clearRequests();
    await adaptive.readRuntimeData();
    expect(s.requests.every((r) => (r.count ?? 0) <= 60)).toBe(true);
    const refusing = await sim({ live: false, faults: { maxReadRegisters: 60, maxReadBehaviour: "exception" } });
    const quick = new GoodWeInverter({
      host: refusing.host,
      port: refusing.tcpPort!,
      transport: "tcp",
      family: "ET",
      timeoutMs: 100,
      retry: { limit: 0 },
      timeZone: TZ,
    });
    open.unshift(quick);
    expect(((await quick.readRuntimeData()) as EtRuntimeData).running.ppv).toBe(3456);
  });

  it("without adaptive chunking a unit that ignores large blocks times out; maxRegistersPerRead fixes it", async () => {
    const s = await sim({ live: false, faults: { maxReadRegisters: 60 } });
    const slow = new GoodWeInverter({
      host: s.host,
      port: s.udpPort,
      family: "ET",
      timeoutMs: 100,
      retry: { limit: 0 },
      timeZone: TZ,
      adaptiveChunking: false,
    });
    open.unshift(slow);
    await expect(slow.readRuntimeData()).rejects.toThrow(/maxRegistersPerRead/);
    const chunked = new GoodWeInverter({
      host: s.host,
      port: s.udpPort,
      family: "ET",
      timeoutMs: 200,
      maxRegistersPerRead: 60,
      timeZone: TZ,
    });
    open.unshift(chunked);
    expect(((await chunked.readRuntimeData()) as EtRuntimeData).running.houseConsumption).toBe(947);
  });

  it("a unit that refuses even 60-register reads says how many were asked and points at maxRegistersPerRead", async () => {
    const s = await sim({ live: false, faults: { maxReadRegisters: 40, maxReadBehaviour: "exception" } });
    const inv = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 200, retry: { limit: 0 }, timeZone: TZ });
    open.unshift(inv);
    const error = await inv.readRuntimeData().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect(error).toMatchObject({ exceptionCode: 3, register: 35100, count: 60 });
    expect((error as Error).message).toMatch(/\(60 registers\).*maxRegistersPerRead/);
    expect((error as Error).message).not.toMatch(/allowed range/);
    const smaller = new GoodWeInverter({
      host: s.host,
      port: s.udpPort,
      family: "ET",
      timeoutMs: 200,
      maxRegistersPerRead: 30,
      timeZone: TZ,
    });
    open.unshift(smaller);
    expect(((await smaller.readRuntimeData()) as EtRuntimeData).running.ppv).toBe(3456);
    // A refused write keeps the value advice.
    const write = await inv.writeRegisters(47000, [9]);
    expect(write.results[0]!.error).toMatch(/allowed range/);
  });

  it("delays within the timeout are fine; a refused TCP port is a ConnectionError", async () => {
    const s = await sim({ live: false, faults: { delayMs: 50 } });
    const inv = await connect(s, { transport: "tcp", timeoutMs: 400 });
    expect(inv.family).toBe("ET");
    const closedPort = s.tcpPort!;
    await s.close();
    open.splice(open.indexOf(s), 1);
    const again = new GoodWeInverter({
      host: "127.0.0.1",
      port: closedPort,
      transport: "tcp",
      family: "ET",
      timeoutMs: 200,
      retry: { limit: 0 },
    });
    await expect(again.readDeviceInfo()).rejects.toMatchObject({ name: "ConnectionError", sent: false });
  });

  it("reports a DTLS dongle at once instead of timing out", async () => {
    const s = await sim({ dtls: true });
    const error = await GoodWeInverter.connect({
      host: s.host,
      port: s.udpPort,
      discoveryPort: s.discoveryPort!,
      timeoutMs: 2000,
      retry: { limit: 3 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe("dtls-not-supported");
    expect((error as Error).message).toMatch(/DTLS/);
    // The discovery answer stopped detection during its first attempt: no retry, no other family was tried.
    expect(s.requests.filter((r) => r.transport === "udp").length).toBeLessThanOrEqual(1);
    // Without connect() nothing asks the dongle what it is: the timeout at least names DTLS dongles.
    const direct = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 100, retry: { limit: 0 }, timeZone: TZ });
    open.unshift(direct);
    await expect(direct.readDeviceInfo()).rejects.toMatchObject({
      name: "TimeoutError",
      message: expect.stringMatching(/DTLS.*connect\(\)/) as unknown,
    });
  });

  it("a late reply to a read that timed out is never taken for the answer to the next read", async () => {
    const s = await sim({ live: false });
    s.registers.set(47510, 10000);
    s.registers.set(47000, 0);
    const inv = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 150, retry: { limit: 0 }, timeZone: TZ });
    open.unshift(inv);
    // Every reply arrives 100 ms after its read has given up, while the next read waits.
    s.setFaults({ delayMs: 250 });
    await expect(inv.readRegisters(47510, 1)).rejects.toBeInstanceOf(TimeoutError);
    await expect(inv.readRegisters(47000, 1)).rejects.toBeInstanceOf(TimeoutError);
    s.setFaults({ delayMs: undefined });
    expect(await inv.readRegisters(47000, 1)).toEqual([0]);
  });

  it("nothing listening: detection ends with a ConnectionError (sent: false), not a timeout", async () => {
    const s = await sim({ live: false });
    const { udpPort, tcpPort } = s;
    await s.close();
    open.splice(open.indexOf(s), 1);
    for (const [transport, port] of [
      ["udp", udpPort],
      ["tcp", tcpPort!],
    ] as const) {
      const error = await GoodWeInverter.connect({
        host: "127.0.0.1",
        port,
        transport,
        probeDongle: false,
        timeoutMs: 1000,
        retry: { limit: 1 },
        timeZone: TZ,
      }).catch((e: unknown) => e);
      expect(error, transport).toBeInstanceOf(ConnectionError);
      expect(error, transport).toMatchObject({ sent: false, systemCode: "ECONNREFUSED" });
    }
  });

  it("a device that refuses both register maps is reported as such, not as a timeout", async () => {
    const s = await sim({ profile: "DT", live: false });
    s.registers.delete(30001);
    const error = await GoodWeInverter.connect({
      host: s.host,
      port: s.tcpPort!,
      transport: "tcp",
      commAddress: 0x7f,
      timeoutMs: 200,
      timeZone: TZ,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "family-not-detected" });
    expect((error as Error).message).toMatch(/ILLEGAL DATA ADDRESS/);
  });

  it("an outage does not shrink the block size: only a 60-register read that works does", async () => {
    const s = await sim({ live: false });
    const inv = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 100, retry: { limit: 0 }, timeZone: TZ });
    open.unshift(inv);
    s.setFaults({ busy: true });
    await expect(inv.readRegisters(35100, 125)).rejects.toBeInstanceOf(TimeoutError);
    expect(inv.maxRegistersPerRead).toBe(125);
    s.setFaults({ busy: undefined });
    s.clearRequests();
    expect(await inv.readRegisters(35100, 125)).toHaveLength(125);
    expect(s.requests.map((r) => r.count)).toEqual([125]);
  });

  it("refuses bad options before sending anything", () => {
    const base = { host: "127.0.0.1", family: "ET" as const };
    for (const bad of [
      { commAddress: 300 },
      { commAddress: 1.5 },
      { retry: { limit: Number.NaN } },
      { retry: { limit: -1 } },
      { retry: { limit: 11 } },
      { timeoutMs: Number.POSITIVE_INFINITY },
      { timeoutMs: 0 },
    ]) {
      expect(() => new GoodWeInverter({ ...base, ...bad }), JSON.stringify(bad)).toThrow(ConfigurationError);
    }
    expect(new GoodWeInverter({ ...base, commAddress: 0xff }).commAddress).toBe(0xff);
  });

  it("answers Modbus exception 2 for missing registers (older firmware)", async () => {
    const s = await sim({ live: false });
    const inv = await connect(s);
    const error = await inv.readRegisters(47589, 6).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect((error as ModbusExceptionError).exceptionCode).toBe(2);
    expect(await inv.supportsPeakShaving()).toBe(false);
  });
});

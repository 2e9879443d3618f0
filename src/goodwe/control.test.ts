import { flat } from "./test-support/writes.js";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import { VirtualClock } from "../sim/kernel.js";
import { startGoodWeSimulator, type GoodWeSimulator, type GoodWeSimulatorOptions } from "../sim/goodwe/inverter-simulator.js";
import { GoodWeInverter } from "./inverter.js";
import type { EtRuntimeData } from "./types.js";

const TZ = "Australia/Sydney";
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(options: GoodWeSimulatorOptions = {}, transport: "udp" | "tcp" = "udp") {
  const s = await startGoodWeSimulator(options);
  open.push(s);
  const inv = new GoodWeInverter({
    host: s.host,
    port: transport === "udp" ? s.udpPort : s.tcpPort!,
    transport,
    family: options.profile ?? "ET",
    timeoutMs: 200,
    retry: { limit: 2 },
    timeZone: TZ,
    clock: s.clock,
  });
  open.unshift(inv);
  await inv.readDeviceInfo();
  return { s, inv };
}

const writes = (s: GoodWeSimulator) => s.requests.filter((r) => r.kind === "write" || r.kind === "aa55");

/** The unit address and PDU of a recorded request (RTU: without the CRC; TCP: without the MBAP header before the unit). */
const unitAndPdu = (bytes: string, transport: "udp" | "tcp") => (transport === "udp" ? bytes.slice(0, -4) : bytes.slice(12));
/** The same for one of the spec's RTU vectors. */
const vector = (hex: string) => hex.slice(0, -4);

describe("ET operation modes", () => {
  for (const transport of ["udp", "tcp"] as const) {
    it(`general, eco, backup and off-grid with their side effects, read back (${transport})`, async () => {
      const { s, inv } = await setup({}, transport);
      const eco = await inv.setOperationMode("eco");
      expect(eco.ok).toBe(true);
      expect(flat(eco).map((w) => [w.register, w.values, w.taken])).toEqual([
        [47000, [3], true],
        [47511, [1, 0], true],
      ]);
      expect(await inv.getOperationMode()).toBe("eco");
      expect(((await inv.readRuntimeData()) as EtRuntimeData).running.operationMode).toBe(3);

      const general = await inv.setOperationMode("general");
      expect(flat(general).map((w) => w.register)).toEqual([47000, 47511, 47533]);
      expect(flat(general)[2]).toMatchObject({ sent: true, taken: null });
      expect(general.sideEffects.join(" ")).toMatch(/EMS mode set to auto.*Battery mode parameters cleared/s);
      expect(s.registers.get(47533)).toBe(1);

      const offGrid = await inv.setOperationMode("offGrid");
      expect(offGrid.ok).toBe(true);
      expect([s.registers.get(47000), s.registers.get(47511), s.registers.get(45252), s.registers.get(45248)]).toEqual([1, 7, 1, 4]);

      await inv.setOperationMode("backup");
      expect(await inv.getOperationMode()).toBe("backup");
      expect(s.house.getControl().dischargeTimeControl).toBe(true);
    });
  }

  it("peak shaving needs firmware that has it; without it nothing is sent", async () => {
    const { s, inv } = await setup();
    s.clearRequests();
    await expect(inv.setOperationMode("peakShaving")).rejects.toThrow(ValidationError);
    expect(writes(s)).toHaveLength(0);
    const withIt = await setup({ firmware: { peakShaving: true } });
    expect((await withIt.inv.setOperationMode("peakShaving")).ok).toBe(true);
    expect(withIt.s.registers.get(47000)).toBe(4);
  });

  it("eco charge (emulated): one read and six writes, group 1 all day at the power and SOC asked, groups 2–4 off", async () => {
    const { s, inv } = await setup();
    await inv.ecoModeEncoding(); // probe once (cached)
    s.registers.set(47555, 0xff7f); // group 2 on
    s.clearRequests();
    const result = await inv.setOperationMode("ecoCharge", { power: 0.5, soc: 0.9, verify: false });
    expect(result.ok).toBe(true);
    expect(s.requests.map((r) => `${r.kind} ${r.register}×${r.count}`)).toEqual([
      "read 47547×24",
      "write 47547×6",
      "write 47555×1",
      "write 47561×1",
      "write 47567×1",
      "write 47000×1",
      "write 47511×2",
    ]);
    expect(s.requests[1]).toMatchObject({ kind: "write", register: 47547, values: [0x0000, 0x173b, 0xff7f, 0xffce, 90, 0] });
    expect(s.registers.get(47555)! >> 8).toBe(0);
    expect(s.registers.get(47555)! & 0xff).toBe(0x7f);
    expect(await inv.getOperationMode()).toBe("ecoCharge");
    const control = s.house.getControl();
    expect(control.chargeWindows).toEqual([{ window: { start: "00:00", end: "23:59" }, fromGrid: true, stopSoc: 0.9, powerW: 5000 }]);
    expect((await inv.setOperationMode("ecoDischarge", { power: 0.3 })).ok).toBe(true);
    expect(await inv.getOperationMode()).toBe("ecoDischarge");
  });

  it("self-use (745 platform) writes work mode 5 with EMS auto and the battery-mode clear, and warns", async () => {
    const { s, inv } = await setup();
    const r = await inv.setOperationMode("selfUse");
    expect(r.ok).toBe(true);
    expect(flat(r).map((w) => [w.register, w.values])).toEqual([
      [47000, [5]],
      [47511, [1, 0]],
      [47533, [1]],
    ]);
    expect(r.warnings.join(" ")).toMatch(/745-platform/);
    expect(s.registers.get(47000)).toBe(5);
    expect(await inv.getOperationMode()).toBe("selfUse");
  });

  it("a 745-platform group keeps schedule type 6: power in tenths of a percent, every month 0x0FFF", async () => {
    const { s, inv } = await setup();
    // Group 1 as a 745 unit leaves it: disabled type 6 (on_off 6), 100.0 %, SOC 100 %, all months.
    s.registers.load(47547, Uint8Array.of(0, 0, 23, 59, 6, 0x7f, 0x03, 0xe8, 0, 100, 0x0f, 0xff));
    const result = await inv.setOperationMode("ecoCharge", { power: 0.5, soc: 0.9 });
    expect(result.ok).toBe(true);
    // on_off 0xF9 (−7: type 6 on), power −500 (−50.0 %), months 0x0FFF.
    expect(flat(result)[0]).toMatchObject({ register: 47547, values: [0x0000, 0x173b, 0xf97f, 0xfe0c, 90, 0x0fff], taken: true });
    expect(await inv.getOperationMode()).toBe("ecoCharge");
    expect((await inv.readEcoModeGroups()).groups[0]).toMatchObject({ scheduleType: 6, power: -0.5, enabled: true });
    expect(s.house.getControl().chargeWindows).toEqual([
      { window: { start: "00:00", end: "23:59" }, fromGrid: true, stopSoc: 0.9, powerW: 5000 },
    ]);
    // Writing or clearing one group keeps its type too.
    expect(flat(await inv.setEcoModeGroup(1, { start: "01:00", end: "05:00", power: 0.25 }))[0]!.values).toEqual([
      0x0100, 0x0500, 0xf97f, 250, 100, 0x0fff,
    ]);
    expect(flat(await inv.clearEcoModeGroup(1))[0]!.values).toEqual([0x3000, 0x3000, 0x0600, 1000, 100, 0]);
  });

  it("clears an eco group: GoodWe's unset pattern, read back, and the house forgets the window", async () => {
    const { s, inv } = await setup();
    expect((await inv.setEcoModeGroup(2, { start: "01:00", end: "05:00", power: -0.5 }, { activate: true })).ok).toBe(true);
    expect(s.house.getControl().chargeWindows).toHaveLength(1);
    s.clearRequests();
    const cleared = await inv.clearEcoModeGroup(2);
    expect(cleared.ok).toBe(true);
    expect(flat(cleared)).toMatchObject([
      { register: 47553, values: [0x3000, 0x3000, 0x0000, 100, 100, 0], taken: true, before: { start: "01:00", enabled: true } },
    ]);
    expect(s.requests.map((r) => `${r.kind} ${r.register}`)).toEqual(["read 47553", "write 47553", "read 47553"]);
    expect((await inv.readEcoModeGroups()).groups[1]).toMatchObject({ unset: true, enabled: false });
    expect(s.house.getControl().chargeWindows).toEqual([]);
    await expect(inv.clearEcoModeGroup(0)).rejects.toThrow(ValidationError);
  });

  it("V1 firmware: the eco group is written in the 8-byte layout, byte for byte the spec's vector", async () => {
    const { s, inv } = await setup({ firmware: { ecoModeV2: false } });
    expect(await inv.ecoModeEncoding()).toBe("v1");
    s.clearRequests();
    const result = await inv.setOperationMode("ecoCharge", { power: 0.4 });
    expect(result.ok).toBe(true);
    expect(s.requests.find((r) => r.kind === "write")!.bytes).toBe("f710b99b0004080000173bffd8ff7f1343");
    await expect(inv.setEcoModeGroup(2, { start: "01:00", end: "05:00", power: -0.5, soc: 0.8 })).rejects.toThrow(/cannot stop at a SOC/);
  });
});

describe.each(["udp", "tcp"] as const)("ET settings over %s", (transport) => {
  it("EMS direct dispatch drives the battery", async () => {
    const { s, inv } = await setup({}, transport);
    const r = await inv.setEmsMode("chargeBattery", 3000);
    expect(r.ok).toBe(true);
    expect(flat(r)).toMatchObject([{ register: 47511, values: [11, 3000], taken: true, before: { mode: "auto", powerW: 0 } }]);
    expect(await inv.getEmsMode()).toEqual({ mode: "chargeBattery", powerW: 3000 });
    expect(s.house.getControl()).toMatchObject({ mode: "forceCharge", forcePowerW: 3000 });
    await inv.setEmsMode("auto", 0);
    expect(s.house.getControl().mode).toBe("selfUse");
    await expect(inv.setEmsMode("turbo" as never, 1)).rejects.toThrow(ValidationError);
    await expect(inv.setEmsMode("chargeBattery", 70000)).rejects.toThrow(ValidationError);
  });

  it("eco groups: the layout found by probing 47547 (exception 2 → V1), written, activated, read back and cleared", async () => {
    const v2 = await setup({}, transport);
    expect(await v2.inv.ecoModeEncoding()).toBe("v2");
    const set = await v2.inv.setEcoModeGroup(
      3,
      { start: "01:00", end: "05:00", power: -0.5, soc: 0.9, days: ["mon", "fri"] },
      { activate: true },
    );
    expect(set.ok).toBe(true);
    expect(flat(set).map((w) => [w.register, w.values, w.taken])).toEqual([
      [47559, [0x0100, 0x0500, 0xff22, 0xffce, 90, 0], true],
      [47000, [3], true],
      [47511, [1, 0], true],
    ]);
    expect((await v2.inv.readEcoModeGroups()).groups[2]).toMatchObject({
      start: "01:00",
      end: "05:00",
      enabled: true,
      power: -0.5,
      soc: 0.9,
      days: 0b0100010,
    });
    expect(v2.s.house.getControl().chargeWindows).toEqual([
      { window: { start: "01:00", end: "05:00" }, fromGrid: true, stopSoc: 0.9, powerW: 5000, weekdays: [1, 5] },
    ]);
    expect((await v2.inv.clearEcoModeGroup(3)).ok).toBe(true);
    expect(v2.s.house.getControl().chargeWindows).toEqual([]);

    const v1 = await setup({ firmware: { ecoModeV2: false } }, transport);
    v1.s.clearRequests();
    expect(await v1.inv.ecoModeEncoding()).toBe("v1");
    expect(v1.s.requests.map((r) => `${r.kind} ${r.register}×${r.count}`)).toEqual(["read 47547×6"]);
    v1.s.clearRequests();
    const charge = await v1.inv.setOperationMode("ecoCharge", { power: 0.4 });
    expect(charge.ok).toBe(true);
    expect(unitAndPdu(v1.s.requests.find((r) => r.kind === "write")!.bytes, transport)).toBe(vector("f710b99b0004080000173bffd8ff7f1343"));
    expect(await v1.inv.getOperationMode()).toBe("ecoCharge");
  });

  it("export limit and DoD: the spec's request vectors, read back, applied to the house", async () => {
    const { s, inv } = await setup({}, transport);
    s.clearRequests();
    expect((await inv.setGridExportLimit(100)).ok).toBe(true);
    expect(unitAndPdu(s.requests.find((r) => r.kind === "write")!.bytes, transport)).toBe(vector("f706b996006459c7"));
    expect(await inv.getGridExportLimit()).toBe(100);
    expect(s.house.getControl().exportLimitW).toBe(100);
    s.clearRequests();
    const dod = await inv.setOngridBatteryDod(0.8);
    expect(dod.ok).toBe(true);
    expect(flat(dod)).toMatchObject([{ register: 45356, values: [20], taken: true }]);
    expect(unitAndPdu(s.requests.find((r) => r.kind === "write")!.bytes, transport)).toBe(vector("f706b12c00147ba6"));
    expect(await inv.getOngridBatteryDod()).toBe(0.8);
    expect(s.house.getControl().minSoc).toBe(0.2);
  });

  it("an export limit while export limiting is off: a warning, or enable: true switches it on", async () => {
    const { s, inv } = await setup({}, transport);
    s.registers.set(47509, 0);
    const stored = await inv.setGridExportLimit(3000);
    expect(stored.ok).toBe(true);
    expect(stored.warnings.join(" ")).toMatch(/switched off.*enable: true/);
    expect(s.house.getControl().exportLimitW).toBeNull();
    const enabled = await inv.setGridExportLimit(2500, { enable: true });
    expect(enabled).toMatchObject({ ok: true, warnings: [] });
    expect(flat(enabled).map((w) => [w.register, w.values, w.taken])).toEqual([
      [47509, [1], true],
      [47510, [2500], true],
    ]);
    expect(s.house.getControl().exportLimitW).toBe(2500);
    // Already on: one write, no warning.
    expect(flat(await inv.setGridExportLimit(2000, { enable: true })).map((w) => w.register)).toEqual([47510]);
  });

  it("a write that does not take says so in raw register values, like the values it wrote", async () => {
    const { inv } = await setup({ faults: { ignoreWrites: true } }, transport);
    const r = await inv.setOngridBatteryDod(0.8);
    expect(flat(r)[0]).toMatchObject({ values: [20], after: 0.8, readBack: 10, taken: false });
    expect(flat(r)[0]!.error).toMatch(/^Read back 10, expected 20:/);
  });

  it("bad values are refused before anything is sent", async () => {
    const { s, inv } = await setup({}, transport);
    s.clearRequests();
    for (const attempt of [
      () => inv.setGridExportLimit(-1),
      () => inv.setGridExportLimit(1.5),
      () => inv.setGridExportLimit(70000),
      () => inv.setOngridBatteryDod(0.95),
      () => inv.setOngridBatteryDod(80),
      () => inv.setOngridBatteryDod(0.333),
      () => inv.setEcoModeGroup(5, { start: "01:00", end: "05:00", power: -0.5 }),
      () => inv.setEcoModeGroup(1, { start: "01:00", end: "25:00", power: -0.5 }),
      () => inv.setOperationMode("ecoCharge", { power: 1.5 }),
      () => inv.setOperationMode("turbo" as never),
      () => inv.writeRegisters(47000, [70000]),
      () => inv.writeRegisters(65535, [1, 2]),
      () => inv.syncClock({ at: new Date("invalid") }),
    ]) {
      await expect(attempt()).rejects.toThrow(ValidationError);
    }
    await expect(inv.setOngridBatteryDod(80)).rejects.toThrow(/write 0.8 for 80 %/);
    expect(writes(s)).toHaveLength(0);
  });

  it("dry run reports the writes and sends none", async () => {
    const { s, inv } = await setup({}, transport);
    s.clearRequests();
    const r = await inv.setOperationMode("ecoCharge", { power: 0.5, dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.ok).toBe(true); // every write passed its checks; none was sent
    expect(flat(r).every((w) => !w.sent)).toBe(true);
    expect(flat(r)).toHaveLength(6);
    expect(flat(await inv.setGridExportLimit(3000, { dryRun: true }))[0]).toMatchObject({
      register: 47510,
      values: [3000],
      sent: false,
    });
    expect(writes(s)).toHaveLength(0);
  });

  it("a write the inverter acknowledges but does not keep is reported as not taken, and the sequence stops", async () => {
    const { s, inv } = await setup({ faults: { ignoreWrites: true } }, transport);
    const r = await inv.setOperationMode("eco");
    expect(r.ok).toBe(false);
    expect(flat(r)[0]).toMatchObject({ sent: true, taken: false, readBack: 0 });
    expect(flat(r)[0]!.error).toMatch(/did not take/);
    expect(flat(r)[1]).toMatchObject({ sent: false });
    expect(s.requests.filter((q) => q.kind === "write")).toHaveLength(1);
  });

  it("a write whose reply is lost is not retried: it is read back and reported", async () => {
    const { s, inv } = await setup({}, transport);
    s.setFaults({ dropReplies: 1 });
    s.clearRequests();
    const r = await inv.writeRegisters(47510, [4200]);
    expect(s.requests.filter((q) => q.kind === "write")).toHaveLength(1);
    expect(flat(r)[0]).toMatchObject({ sent: true, taken: true, readBack: 4200 });
    expect(flat(r)[0]!.error).toMatch(/unknown whether it took the change/);
    expect(r.ok).toBe(true);
  });

  it("raw register access: read, write with read-back, read-only registers refused", async () => {
    const { s, inv } = await setup({}, transport);
    expect(await inv.readRegisters(45356, 1)).toEqual([10]);
    expect(flat(await inv.writeRegisters(47510, [1234]))[0]).toMatchObject({ taken: true, readBack: 1234 });
    const refused = await inv.writeRegisters(35100, [1]);
    expect(refused.ok).toBe(false);
    expect(flat(refused)[0]).toMatchObject({ sent: true, taken: false });
    expect(flat(refused)[0]!.error).toMatch(/ILLEGAL DATA ADDRESS/);
    expect(s.registers.get(47510)).toBe(1234);
  });

  it("clock sync sets the inverter's clock, as the next runtime timestamp shows", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-03-01T00:00:00Z") });
    const { s, inv } = await setup({ clock }, transport);
    const at = new Date("2022-01-04T07:30:25Z"); // 18:30:25 in Sydney (AEDT)
    s.clearRequests();
    const r = await inv.syncClock({ at });
    expect(r.ok).toBe(true);
    expect(unitAndPdu(s.requests.find((q) => q.kind === "write")!.bytes, transport)).toBe(vector("f710b090000306160104121e19a961"));
    expect(await inv.readInverterTime()).toEqual({ local: "2022-01-04 18:30:25", instant: at });
    await clock.advance(60_000);
    const data = (await inv.readRuntimeData()) as EtRuntimeData;
    expect(data.running.timestamp).toBe("2022-01-04 18:31:25");
  });
});

describe("ES control over AA55", () => {
  it("work mode, export limit and DoD, each read back from the settings block", async () => {
    const { s, inv } = await setup({ profile: "ES" });
    const eco = await inv.setOperationMode("eco");
    expect(eco.ok).toBe(true);
    expect(flat(eco).map((w) => w.target)).toEqual(["AA55 0336", "AA55 0359"]);
    expect(flat(eco)[1]).toMatchObject({ taken: true, readBack: 3, before: 0 });
    expect(await inv.getOperationMode()).toBe("eco");
    const general = await inv.setOperationMode("general");
    expect(general.ok).toBe(true);
    expect(flat(general).map((w) => w.target)).toEqual(["AA55 0239", "AA55 0336", "AA55 0359"]);
    expect(flat(await inv.setGridExportLimit(3000))[0]).toMatchObject({ taken: true, readBack: 3000 });
    expect(s.house.getControl().exportLimitW).toBe(3000);
    expect(flat(await inv.setOngridBatteryDod(0.5))[0]).toMatchObject({ taken: true, readBack: 0.5 });
    expect(await inv.getOngridBatteryDod()).toBe(0.5);
    s.clearRequests();
    await expect(inv.setOngridBatteryDod(0.9)).rejects.toThrow(ValidationError);
    await expect(inv.setOperationMode("peakShaving")).rejects.toThrow(ValidationError);
    await expect(inv.setEmsMode("auto", 0)).rejects.toThrow(/ET-family/);
    expect(writes(s)).toHaveLength(0);
  });

  it("a command the inverter ignores is reported as not taken", async () => {
    const { inv } = await setup({ profile: "ES", faults: { ignoreWrites: true } });
    const r = await inv.setGridExportLimit(1000);
    expect(r.ok).toBe(false);
    expect(flat(r)[0]).toMatchObject({ sent: true, taken: false, readBack: 5000 });
  });
});

describe("scenario: eco charge 01:00–05:00 at 50 %", () => {
  it("the SOC rises in the simulated house while the window is on, from the grid", async () => {
    // 00:30 in Sydney (AEDT, +11) on 2026-01-20.
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-19T13:30:00Z") });
    const { s, inv } = await setup({ clock });
    const set = await inv.setEcoModeGroup(1, { start: "01:00", end: "05:00", power: -0.5, soc: 1 }, { activate: true });
    expect(set.ok).toBe(true);
    await clock.advance(30 * 60_000 + 60_000); // 01:01
    const before = await inv.readPowerFlow();
    await clock.advance(3600_000); // 02:01
    const during = await inv.readPowerFlow();
    expect(during.soc!).toBeGreaterThan(before.soc! + 0.3);
    expect(during.batteryW!).toBeLessThan(-4000); // charging at about 5 kW
    expect(during.gridW!).toBeGreaterThan(4000); // from the grid, at night
    expect(during.pvW).toBe(0);
    await clock.advance(4 * 3600_000); // 06:01: window over, battery no longer charged from the grid
    const after = await inv.readPowerFlow();
    expect(after.batteryW!).toBeGreaterThanOrEqual(-1);
    expect(s.house.dayTotals("2026-01-20").gridChargeKwh).toBeGreaterThan(3);
  });
});

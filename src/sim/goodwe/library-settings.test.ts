import { afterEach, describe, expect, it } from "vitest";
import { GoodWeInverter } from "../../goodwe/inverter.js";
import { startGoodWeSimulator, type GoodWeProfile } from "./inverter-simulator.js";

/**
 * Issue 12, item 15: the simulators serve the settings the `goodwe` library reads for each family
 * (register addresses and sizes from its ET/DT/ES setting tables, facts only), so that the
 * library's settings reads and time write work against them as against a real inverter.
 */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function connect(profile: GoodWeProfile) {
  const s = await startGoodWeSimulator({ profile, live: false });
  open.push(s);
  const inverter = await GoodWeInverter.connect({
    host: s.host,
    port: s.udpPort,
    discoveryPort: s.discoveryPort!,
    timeoutMs: 300,
    retry: { limit: 0 },
  });
  open.unshift(inverter);
  return { s, inverter };
}

/** [register, registers] of every ET setting of a fw 19 unit without peak shaving (the library's 76 less the V1 groups). */
const ET_SETTINGS: Array<[number, number]> = [
  [45127, 1],
  [45132, 2],
  [45200, 3],
  [45246, 1],
  [45248, 1],
  [45251, 1],
  [45252, 1],
  [45264, 1],
  [45288, 1],
  [45350, 1],
  [45351, 1],
  [45352, 1],
  [45353, 1],
  [45354, 1],
  [45355, 1],
  [45356, 1],
  [45357, 1],
  [45358, 1],
  [45482, 1],
  [47000, 1],
  [47010, 1],
  [47120, 1],
  [47500, 1],
  [47509, 1],
  [47510, 1],
  [47511, 1],
  [47512, 1],
  [47514, 1],
  [47760, 1],
  [47900, 1],
  [47901, 1],
  [47902, 1],
  [47903, 1],
  [47904, 1],
  [47905, 1],
  [47906, 1],
  [47907, 1],
  [47908, 1],
  [47909, 1],
  [47910, 1],
  [47915, 1],
  [47916, 1],
  [47917, 1],
  [47918, 1],
  [47919, 1],
  [47920, 1],
  [47921, 1],
  [47922, 1],
  [47923, 1],
  [47924, 1],
  [47925, 1],
  [47926, 1],
  [47927, 1],
  [47928, 1],
  [47933, 1],
  [47934, 1],
  [47935, 1],
  [47545, 1],
  [47546, 1],
  [47547, 6],
  [47549, 1],
  [47553, 6],
  [47555, 1],
  [47559, 6],
  [47561, 1],
  [47565, 6],
  [47567, 1],
  [47595, 1],
  [47596, 1],
  [47597, 1],
  [47599, 1],
  [47603, 1],
];

const DT_SETTINGS: Array<[number, number]> = [
  [40313, 3],
  [40326, 1],
  [40352, 1],
  [40362, 1],
  [40347, 1],
  [40327, 1],
  [40328, 2],
  [40330, 1],
  [40331, 1],
  [40332, 1],
  [40345, 1],
  [40336, 1],
];

describe("the simulators serve the settings the goodwe library reads (issue 12, item 15)", () => {
  it("ET: every setting of a fw 19 unit answers", async () => {
    const { inverter } = await connect("ET");
    const refused: number[] = [];
    for (const [register, count] of ET_SETTINGS) {
      await inverter.readRegisters(register, count).catch(() => refused.push(register));
    }
    expect(refused).toEqual([]);
    // The BMS block reports the battery as the BMS does.
    const [soc, soh] = await inverter.readRegisters(47908, 2);
    expect(soc).toBeGreaterThan(0);
    expect(soh).toBeGreaterThan(0);
  });

  it("DT: the time register and the shadow-scan settings answer, and a time write sets the clock", async () => {
    const { s, inverter } = await connect("DT");
    const refused: number[] = [];
    for (const [register, count] of DT_SETTINGS) {
      await inverter.readRegisters(register, count).catch(() => refused.push(register));
    }
    expect(refused).toEqual([]);
    const result = await inverter.writeRegisters(40313, [(26 << 8) | 1, (2 << 8) | 3, (4 << 8) | 5]);
    expect(result.ok).toBe(true);
    expect(Math.abs(s.deviceTime() - Date.parse("2026-01-02T03:04:05+11:00"))).toBeLessThan(5000);
  });

  it('ES with firmware "2323G" (eco mode V2 by the library\'s rule) serves the eco groups at 47547', async () => {
    const { inverter } = await connect("ES");
    expect(inverter.deviceInfo?.firmware).toBe("2323G");
    const groups = await inverter.readRegisters(47547, 24);
    expect(groups).toHaveLength(24);
    await expect(inverter.readRegisters(47549, 1)).resolves.toHaveLength(1);
  });
});

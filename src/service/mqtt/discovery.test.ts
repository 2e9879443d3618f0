import { describe, expect, it } from "vitest";
import { checkDiscovery } from "../test-support/ha-discovery.js";
import { modeOf } from "./control.js";
import { discoveryMessage, Topics, uniqueId } from "./discovery.js";
import {
  CHARGE_TARGET_ENTITY,
  DESCRIPTOR_ENTITY,
  ENERGY_ENTITIES,
  MODE_ENTITY,
  priceEntity,
  RENEWABLES_ENTITY,
  SAMPLE_ENTITIES,
} from "./entities.js";
import { currentIntervals, DailyTotals, priceStates, sampleStates } from "./states.js";
import type { EnergyRow, PriceRow } from "../storage/types.js";

const topics = new Topics("openpower", "homeassistant");
const device = { key: "alphaess:AL2002321010043", name: "Home", manufacturer: "AlphaESS" };
const expectations = { discoveryPrefix: "homeassistant", topicPrefix: "openpower", availabilityTopic: "openpower/status" };
const check = (payload: Record<string, unknown>, topic = "homeassistant/sensor/openpower_x/y/config") =>
  checkDiscovery(topic, payload, expectations);

describe("discovery payloads", () => {
  it("every entity the bridge can publish passes the checker", () => {
    const specs = [
      ...Object.values(SAMPLE_ENTITIES),
      ...Object.values(ENERGY_ENTITIES),
      priceEntity("general", "AUD"),
      priceEntity("feedIn", "AUD"),
      priceEntity("controlledLoad", "AUD"),
      RENEWABLES_ENTITY,
      DESCRIPTOR_ENTITY,
      MODE_ENTITY,
      CHARGE_TARGET_ENTITY,
    ];
    for (const spec of specs) {
      const m = discoveryMessage(topics, device, spec, { expireAfterS: 120 });
      expect(checkDiscovery(m.topic, m.payload, expectations), spec.key).toEqual([]);
    }
  });

  it("unique ids come from the system and the entity only, so they survive restarts", () => {
    expect(uniqueId(topics, device.key, "pv_power")).toBe("openpower_alphaess_al2002321010043_pv_power");
    expect(uniqueId(new Topics("other", "ha"), device.key, "pv_power")).toBe(uniqueId(topics, device.key, "pv_power"));
    expect(topics.discovery("sensor", device.key, "pv_power")).toBe(
      "homeassistant/sensor/openpower_alphaess_al2002321010043/pv_power/config",
    );
  });

  it("the checker refuses what Home Assistant refuses", () => {
    const good = discoveryMessage(topics, device, SAMPLE_ENTITIES.pvW).payload;
    expect(check(good)).toEqual([]);
    const broken = (patch: Record<string, unknown>) => check({ ...good, ...patch }).join("\n");
    expect(broken({ unique_id: undefined })).toMatch(/unique_id missing/);
    expect(broken({ unit_of_measurement: "kWh" })).toMatch(/device_class power takes/);
    expect(broken({ state_class: "total_increasing" })).toMatch(/allows state_class measurement/);
    expect(broken({ device_class: "energy", unit_of_measurement: "kWh", state_class: "measurement" })).toMatch(
      /allows state_class total or total_increasing/,
    );
    expect(broken({ device_class: "monetary", unit_of_measurement: "AUD/kWh", state_class: undefined })).toMatch(/ISO 4217/);
    expect(broken({ device_class: "monetary", unit_of_measurement: "AUD", state_class: "measurement" })).toMatch(
      /allows state_class total/,
    );
    expect(broken({ device_class: "monetary", unit_of_measurement: "AUD", state_class: "total" })).toBe("");
    expect(broken({ device: { name: "x" } })).toMatch(/identifiers/);
    expect(broken({ device: { identifiers: ["a"], name: "x", colour: "red" } })).toMatch(/unknown key colour/);
    expect(broken({ state_topic: "elsewhere/x" })).toMatch(/outside openpower/);
    expect(broken({ state_topic: "openpower/+/x" })).toMatch(/wildcards/);
    expect(broken({ availability_topic: "openpower/other" })).toMatch(/availability_topic/);
    expect(broken({ device_class: undefined, unit_of_measurement: undefined })).toMatch(/state_class on a text sensor/);
    expect(broken({ default_entity_id: "Sensor.X" })).toMatch(/default_entity_id/);
    expect(check(good, "homeassistant/sensor/openpower x/y/config").join()).toMatch(/outside \[a-zA-Z0-9_-\]/);
    const select = discoveryMessage(topics, device, MODE_ENTITY).payload;
    expect(check({ ...select, options: [] }, "homeassistant/select/n/o/config").join()).toMatch(/needs options/);
  });
});

describe("states", () => {
  it("SOC is sent in percent, power in W, a missing reading as None", () => {
    const out = new Map(
      sampleStates({ system: "s", t: 0, pvW: 1234.4, loadW: null, gridW: -50, batteryW: 0, soc: 0.456, evW: null }).map(([e, v]) => [
        e.key,
        v,
      ]),
    );
    expect(out.get("battery_soc")).toBe("45.6");
    expect(out.get("pv_power")).toBe("1234");
    expect(out.get("grid_power")).toBe("-50");
    expect(out.get("load_power")).toBe("None");
  });

  it("daily totals: only the newest local day, never lower within a day, and a new day may start at 0 (a total_increasing reset)", () => {
    const t = new DailyTotals();
    const row = (date: string, pvKwh: number | null): EnergyRow => ({
      system: "s",
      date,
      pvKwh,
      loadKwh: null,
      importKwh: null,
      exportKwh: null,
      chargeKwh: null,
      dischargeKwh: null,
      readAt: 0,
    });
    const pv = (r: EnergyRow) => t.accept(r).find(([e]) => e.key === "pv_energy_today")?.[1];
    expect(pv(row("2026-12-06", 10))).toBe("10");
    expect(pv(row("2026-12-06", 9.5))).toBe("10");
    expect(pv(row("2026-12-07", 0.2))).toBe("0.2");
    expect(pv(row("2026-12-06", 30))).toBeUndefined();
    expect(pv(row("2026-12-07", null))).toBeUndefined();
  });

  it("prices: the current interval per channel in dollars per kWh, feed-in as earnings", () => {
    const base = {
      source: "amber:x",
      issuedAt: 0,
      estimate: false,
      spotPerKwhCents: 5,
      renewablesPct: 42,
      descriptor: "low",
      spike: "none",
    };
    const rows: PriceRow[] = [
      { ...base, channel: "general", start: 0, end: 300_000, kind: "actual", perKwhCents: 99 },
      { ...base, channel: "general", start: 300_000, end: 600_000, kind: "current", perKwhCents: 25.5 },
      { ...base, channel: "feedIn", start: 300_000, end: 600_000, kind: "current", perKwhCents: -8 },
      { ...base, channel: "general", start: 600_000, end: 900_000, kind: "forecast", perKwhCents: 40 },
    ];
    const now = currentIntervals(rows, 400_000);
    const out = new Map(priceStates(now, "AUD").map(([e, v]) => [e.key, v]));
    expect(out.get("general_price")).toBe("0.255");
    expect(out.get("feed_in_price")).toBe("0.08");
    expect(out.get("renewables")).toBe("42");
    expect(out.get("price_descriptor")).toBe("low");
  });

  it("battery modes read from a schedule", () => {
    const s = (chargeWindows: number, timeControl: boolean, dischargeWindows: number) => ({
      charge: { fromGrid: true, stopLevel: 0.9, windows: Array.from({ length: chargeWindows }, () => ({ start: "01:00", end: "05:00" })) },
      discharge: {
        timeControl,
        stopLevel: 0.1,
        windows: Array.from({ length: dischargeWindows }, () => ({ start: "17:00", end: "21:00" })),
      },
    });
    expect(modeOf(s(0, false, 0))).toBe("self-use");
    expect(modeOf(s(0, true, 0))).toBe("hold");
    expect(modeOf(s(1, false, 0))).toBe("schedule");
    expect(modeOf(s(0, true, 1))).toBe("schedule");
  });
});

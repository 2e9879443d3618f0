import type { EnergyRow, SampleField } from "../storage/types.js";

/**
 * What the bridge publishes, as data: one entry per Home Assistant entity, with the device class,
 * state class and unit Home Assistant's rules ask for (test-support/ha-discovery.ts checks them).
 */
export type Component = "sensor" | "select" | "number";

export interface EntitySpec {
  /** Stable key, part of the unique_id and the topics: never change one (Home Assistant keys history by it). */
  key: string;
  component: Component;
  /** The entity's own name; Home Assistant prefixes the device name (`has_entity_name`). */
  name: string;
  deviceClass?: string;
  stateClass?: "measurement" | "total" | "total_increasing";
  unit?: string;
  icon?: string;
  precision?: number;
  /** select */
  options?: readonly string[];
  /** number */
  range?: { min: number; max: number; step: number };
}

export type EnergyField = Exclude<keyof EnergyRow, "system" | "date" | "readAt">;

const power = (key: string, name: string, icon: string): EntitySpec => ({
  key,
  component: "sensor",
  name,
  deviceClass: "power",
  stateClass: "measurement",
  unit: "W",
  icon,
  precision: 0,
});

/** Power-flow fields: W, grid + import, battery + discharge (the model's signs); SOC in % on the wire. */
export const SAMPLE_ENTITIES: Record<SampleField, EntitySpec> = {
  pvW: power("pv_power", "PV power", "mdi:solar-power"),
  loadW: power("load_power", "Load power", "mdi:home-lightning-bolt"),
  gridW: power("grid_power", "Grid power", "mdi:transmission-tower"),
  batteryW: power("battery_power", "Battery power", "mdi:battery-charging"),
  evW: power("ev_power", "EV power", "mdi:ev-station"),
  soc: {
    key: "battery_soc",
    component: "sensor",
    name: "Battery",
    deviceClass: "battery",
    stateClass: "measurement",
    unit: "%",
    precision: 0,
  },
};

const energy = (key: string, name: string, icon: string): EntitySpec => ({
  key,
  component: "sensor",
  name,
  deviceClass: "energy",
  // Today's total, which returns to 0 at the system's local midnight: a decrease is a new meter
  // cycle for total_increasing (docs/home-assistant.md), so the Energy dashboard counts each day once.
  stateClass: "total_increasing",
  unit: "kWh",
  icon,
  precision: 2,
});

export const ENERGY_ENTITIES: Record<EnergyField, EntitySpec> = {
  pvKwh: energy("pv_energy_today", "PV energy today", "mdi:solar-power"),
  loadKwh: energy("load_energy_today", "Load energy today", "mdi:home-lightning-bolt"),
  importKwh: energy("import_energy_today", "Grid import today", "mdi:transmission-tower-import"),
  exportKwh: energy("export_energy_today", "Grid export today", "mdi:transmission-tower-export"),
  chargeKwh: energy("charge_energy_today", "Battery charge today", "mdi:battery-arrow-up"),
  dischargeKwh: energy("discharge_energy_today", "Battery discharge today", "mdi:battery-arrow-down"),
};

/**
 * A price per kWh is not a `monetary` amount in Home Assistant's rules (that class wants an ISO 4217
 * unit and state class `total` or none): it has no device class, the unit `AUD/kWh` that the Energy
 * dashboard takes as a current-price entity, and state class `measurement` for long-term statistics.
 */
const price = (key: string, name: string, currency: string): EntitySpec => ({
  key,
  component: "sensor",
  name,
  stateClass: "measurement",
  unit: `${currency}/kWh`,
  icon: "mdi:cash",
  precision: 4,
});

/** The entities of a price feed for one channel (Amber: general, controlledLoad, feedIn). */
export function priceEntity(channel: string, currency: string): EntitySpec {
  if (channel === "general") return price("general_price", "General price", currency);
  if (channel === "controlledLoad") return price("controlled_load_price", "Controlled load price", currency);
  // Feed-in as what exporting earns (positive = paid), as the Energy dashboard's "return to grid" price expects.
  if (channel === "feedIn") return price("feed_in_price", "Feed-in price", currency);
  return price(`${channel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_price`, `${channel} price`, currency);
}

export const RENEWABLES_ENTITY: EntitySpec = {
  key: "renewables",
  component: "sensor",
  name: "Renewables",
  stateClass: "measurement",
  unit: "%",
  icon: "mdi:leaf",
  precision: 0,
};

/** Amber's descriptor ("veryLow", "neutral", "spike", ...) as text: a plain sensor (new descriptors never break it). */
export const DESCRIPTOR_ENTITY: EntitySpec = {
  key: "price_descriptor",
  component: "sensor",
  name: "Price descriptor",
  icon: "mdi:tag-text",
};

export const SPIKE_ENTITY: EntitySpec = { key: "price_spike", component: "sensor", name: "Price spike", icon: "mdi:flash-alert" };

/** Battery modes as a select; `schedule` is what any other schedule reads as, and cannot be chosen (it has no windows to write). */
export const BATTERY_MODES = ["self-use", "hold", "schedule"] as const;
export type BatteryMode = (typeof BATTERY_MODES)[number];

export const MODE_ENTITY: EntitySpec = {
  key: "battery_mode",
  component: "select",
  name: "Battery mode",
  icon: "mdi:battery-sync",
  options: BATTERY_MODES,
};

export const CHARGE_TARGET_ENTITY: EntitySpec = {
  key: "charge_target",
  component: "number",
  name: "Charge target",
  unit: "%",
  icon: "mdi:battery-arrow-up",
  range: { min: 0, max: 100, step: 1 },
};

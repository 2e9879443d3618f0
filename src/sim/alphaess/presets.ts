import type { HouseConfig } from "../kernel.js";
import presets from "./data/presets.json" with { type: "json" };

/**
 * Models the AlphaESS simulator knows, with the figures `getEssList` reports for them and a house
 * to match. The list values come from the public captures (CharlesGillanders/alphaess-openAPI
 * docs/API.md and homeassistant-alphaESS issues #111 and #175, see fixtures/alphaess/INDEX.md).
 */
export interface AlphaEssModelPreset {
  /** `minv` */
  inverterModel: string;
  /** `poinv`, kW */
  inverterKw: number;
  /** `popv`, kW */
  pvKw: number;
  /** `mbat` */
  batteryModel: string;
  /** `cobat`, kWh */
  batteryKwh: number;
  /** `usCapacity`, percent */
  usableCapacityPct: number;
  /** The whole `getLastPowerData` payload comes back null (Storion-S5 and some others since late 2024). */
  realtimeAllNull: boolean;
}

export const MODEL_PRESETS: Readonly<Record<string, AlphaEssModelPreset>> = Object.freeze(presets as Record<string, AlphaEssModelPreset>);

/** Rough coordinates of a few zones, so PV follows the right sun. */
const PLACES: Record<string, { latitude: number; longitude: number }> = {
  "Australia/Sydney": { latitude: -33.87, longitude: 151.21 },
  "Australia/Melbourne": { latitude: -37.81, longitude: 144.96 },
  "Australia/Brisbane": { latitude: -27.47, longitude: 153.03 },
  "Australia/Adelaide": { latitude: -34.93, longitude: 138.6 },
  "Australia/Perth": { latitude: -31.95, longitude: 115.86 },
  "Pacific/Auckland": { latitude: -36.85, longitude: 174.76 },
  "Europe/London": { latitude: 51.5, longitude: -0.12 },
  "Europe/Berlin": { latitude: 52.52, longitude: 13.4 },
  "Europe/Dublin": { latitude: 53.35, longitude: -6.26 },
  UTC: { latitude: 0, longitude: 0 },
};

/** A house for a preset in a zone; `overrides` replace top-level sections. */
export function houseFor(
  preset: AlphaEssModelPreset,
  seed: number,
  timeZone: string,
  withEv: boolean,
  overrides: Partial<HouseConfig> = {},
): HouseConfig {
  const place = PLACES[timeZone] ?? PLACES["Australia/Sydney"]!;
  const powerW = preset.inverterKw * 1000;
  return {
    seed,
    timeZone,
    latitude: place.latitude,
    longitude: place.longitude,
    pv: { capacityW: preset.pvKw * 1000, strings: 2 },
    load: { dailyKwh: 16 },
    battery: {
      capacityKwh: (preset.batteryKwh * preset.usableCapacityPct) / 100,
      maxChargeW: powerW,
      maxDischargeW: powerW,
      roundTripEfficiency: 0.9,
      minSoc: 0.05,
      maxSoc: 1,
      initialSoc: 0.5,
    },
    ev: withEv ? { maxCurrentA: 32, minCurrentA: 6, phases: 1 } : null,
    grid: { phases: 1 },
    ...overrides,
  };
}

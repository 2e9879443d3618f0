import type { SectionSpec, SectionValues } from "./settings.js";

/**
 * The `[automation]` section: where the house is (for Open-Meteo's PV forecast) and, for a
 * battery whose device does not report its size, its usable capacity. Plain data, like the
 * vendor settings.
 */
export const AUTOMATION_SECTION: SectionSpec = {
  name: "automation",
  title: "Battery automation",
  settings: [
    {
      key: "latitude",
      env: ["OPENPOWER_LATITUDE"],
      type: "number",
      description: "the house's latitude, -90..90 (enables the Open-Meteo PV forecast)",
    },
    { key: "longitude", env: ["OPENPOWER_LONGITUDE"], type: "number", description: "the house's longitude, -180..180" },
    { key: "pvKwp", env: ["OPENPOWER_PV_KWP"], type: "number", description: "the PV array's peak power, kWp" },
    { key: "pvTiltDeg", type: "number", description: "panel tilt, 0 (flat) .. 90; default 20" },
    {
      key: "pvAzimuthDeg",
      type: "number",
      description: "panel azimuth in Open-Meteo's convention: 0 south, -90 east, 90 west, 180 north; default: facing the equator",
    },
    { key: "openMeteoUrl", type: "string", description: "Open-Meteo's base URL (default https://api.open-meteo.com/v1)" },
    {
      key: "capacityKwh",
      env: ["OPENPOWER_BATTERY_CAPACITY_KWH"],
      type: "number",
      description: "usable battery capacity, kWh, for a device that does not report it (AlphaESS does)",
    },
  ],
};

export interface AutomationConfig {
  capacityKwh?: number;
  pv?: { latitude: number; longitude: number; kWp: number; tiltDeg: number; azimuthDeg: number; baseUrl?: string };
}

/** The `[automation]` values as the service takes them; the PV array only when latitude, longitude and pvKwp are all set. */
export function automationConfig(values: SectionValues | undefined): AutomationConfig {
  const num = (key: string): number | undefined => {
    const v = values?.[key];
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : undefined;
    return n !== undefined && Number.isFinite(n) ? n : undefined;
  };
  const latitude = num("latitude");
  const longitude = num("longitude");
  const kWp = num("pvKwp");
  const url = values?.openMeteoUrl;
  return {
    capacityKwh: num("capacityKwh"),
    pv:
      latitude !== undefined && longitude !== undefined && kWp !== undefined
        ? {
            latitude,
            longitude,
            kWp,
            tiltDeg: num("pvTiltDeg") ?? 20,
            azimuthDeg: num("pvAzimuthDeg") ?? (latitude < 0 ? 180 : 0),
            ...(typeof url === "string" && url ? { baseUrl: url } : {}),
          }
        : undefined,
  };
}

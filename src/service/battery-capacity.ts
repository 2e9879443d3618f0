import type { EnergySystem } from "../model/types.js";

export interface BatteryCapacity {
  kWh: number;
  /** Where the number came from, for the log and the decision ("AlphaESS getEssList: cobat 13.3 kWh × usCapacity 90 %", "config"). */
  source: string;
}

interface AlphaEssListing {
  listSystems(): Promise<{ serialNumber: string; batteryCapacityKwh: number | null; usableCapacity: number | null }[]>;
}

function isAlphaEssListing(client: unknown): client is AlphaEssListing {
  return typeof (client as { listSystems?: unknown } | null)?.listSystems === "function";
}

/**
 * The usable battery capacity the automation plans with: what the device reports where the vendor
 * reports it (AlphaESS `getEssList`: installed `cobat` × usable share `usCapacity`), else the
 * configured number, else undefined (the caller refuses to plan rather than assume a size).
 * GoodWe reports no capacity to the local protocol; its SEMS station capacity is not read here.
 */
export async function batteryCapacity(
  system: EnergySystem,
  client: unknown,
  configuredKwh?: number,
  configuredSource = "config",
): Promise<BatteryCapacity | undefined> {
  if (system.vendor === "alphaess" && isAlphaEssListing(client)) {
    try {
      const info = (await client.listSystems()).find((s) => s.serialNumber === system.id);
      const installed = info?.batteryCapacityKwh;
      if (installed !== null && installed !== undefined && Number.isFinite(installed) && installed > 0) {
        const usable = info?.usableCapacity;
        const share = usable !== null && usable !== undefined && usable > 0 && usable <= 1 ? usable : 1;
        return {
          kWh: Math.round(installed * share * 100) / 100,
          source: `AlphaESS getEssList: cobat ${installed} kWh × usCapacity ${Math.round(share * 100)} %`,
        };
      }
    } catch {
      // Falls back to the configured number below.
    }
  }
  if (configuredKwh !== undefined && Number.isFinite(configuredKwh) && configuredKwh > 0)
    return { kWh: configuredKwh, source: configuredSource };
  return undefined;
}

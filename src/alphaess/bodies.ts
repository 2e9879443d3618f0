import { fractionToPercent } from "../core/units.js";
import type { ChargingSettings, DischargingSettings } from "./models.js";

/**
 * Our settings as the vendor's config fields (the update bodies without `sysSn`), in the key
 * order of the documented requests. Levels go back to percent.
 */
export function chargeConfigFields(s: ChargingSettings): {
  batHighCap: number;
  gridCharge: 0 | 1;
  timeChaf1: string;
  timeChae1: string;
  timeChaf2: string;
  timeChae2: string;
} {
  return {
    batHighCap: fractionToPercent(s.stopLevel),
    gridCharge: s.useGrid ? 1 : 0,
    timeChaf1: s.firstPeriod.start,
    timeChae1: s.firstPeriod.end,
    timeChaf2: s.secondPeriod.start,
    timeChae2: s.secondPeriod.end,
  };
}

export function dischargeConfigFields(s: DischargingSettings): {
  batUseCap: number;
  ctrDis: 0 | 1;
  timeDisf1: string;
  timeDise1: string;
  timeDisf2: string;
  timeDise2: string;
} {
  return {
    batUseCap: fractionToPercent(s.stopLevel),
    ctrDis: s.enableTimeControl ? 1 : 0,
    timeDisf1: s.firstPeriod.start,
    timeDise1: s.firstPeriod.end,
    timeDisf2: s.secondPeriod.start,
    timeDise2: s.secondPeriod.end,
  };
}

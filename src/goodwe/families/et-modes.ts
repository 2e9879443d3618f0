import { ValidationError } from "../../core/errors/index.js";
import { assertFraction } from "../../core/units.js";
import type { ControlOptions, WriteStep } from "../control.js";
import {
  decodeEcoModeGroup,
  ECO_GROUPS,
  encodeEcoModeGroup,
  groupRegister,
  groupRegisterCount,
  switchedOff,
  type EcoModeGroupInput,
} from "../eco-mode.js";
import { registersOf, u16 } from "../protocol/bytes.js";
import { ET_SETTINGS } from "../registers/et.js";
import { EMS_MODES, OPERATION_MODE_CODES, type OperationMode } from "../types.js";
import type { EtDriver } from "./et.js";

/** The ET operation modes as register writes, with the library's documented side effects. */

/** Side effect notes shared by the mode setters. */
export const EMS_AUTO_NOTE = "EMS mode set to auto (47511 ← 1) and EMS power limit to 0 W (47512 ← 0), ending any direct dispatch.";
export const SCHEDULE_NOTE = "Changing the operation mode can reset eco and peak-shaving schedules made in the SolarGo app.";
const CLEAR_BATTERY_NOTE = "Battery mode parameters cleared (47533 ← 1).";

export const workModeStep = (code: number, name?: string): WriteStep => ({
  description: `work mode ← ${code}${name ? ` (${name})` : ""}`,
  register: ET_SETTINGS.workMode,
  values: [code],
});
const EMS_AUTO_STEP: Readonly<WriteStep> = Object.freeze({
  description: "EMS mode auto, EMS power 0 W",
  register: ET_SETTINGS.emsMode,
  values: [EMS_MODES.auto, 0],
  multiple: true,
});

/** The writes that make eco groups act: work mode eco (3), then EMS auto with power 0 (written together, 0x10). */
export function ecoModeSteps(): WriteStep[] {
  return [workModeStep(OPERATION_MODE_CODES.eco, "eco"), { ...EMS_AUTO_STEP, values: [...EMS_AUTO_STEP.values] }];
}

/** The writes (and side effects) that set `mode`; reads the eco groups for the emulated modes. */
export async function operationModeSteps(
  driver: EtDriver,
  mode: OperationMode,
  params: { power?: number; soc?: number } & ControlOptions,
): Promise<{ steps: WriteStep[]; sideEffects: string[]; warnings: string[] }> {
  const steps: WriteStep[] = [];
  const sideEffects: string[] = [SCHEDULE_NOTE];
  const warnings: string[] = [];
  const emsAuto = (): WriteStep => ({ ...EMS_AUTO_STEP, values: [...EMS_AUTO_STEP.values] });
  const clearBattery: WriteStep = {
    description: "clear battery mode parameters",
    register: ET_SETTINGS.clearBatteryMode,
    values: [1],
    verify: "none",
  };
  switch (mode) {
    case "general":
    case "backup":
    case "peakShaving":
    case "selfUse": {
      if (mode === "peakShaving" && !(await driver.supportsPeakShaving(params))) {
        throw new ValidationError("This inverter has no peak-shaving mode (register 47589 is missing: ARM firmware < 22).", {
          field: "mode",
          vendor: "goodwe",
        });
      }
      if (mode === "selfUse")
        warnings.push("Self-use (5) exists on 745-platform firmware only; other units refuse it with a Modbus exception.");
      steps.push(workModeStep(OPERATION_MODE_CODES[mode], mode), emsAuto(), clearBattery);
      sideEffects.push(EMS_AUTO_NOTE, CLEAR_BATTERY_NOTE);
      break;
    }
    case "eco":
      steps.push(...ecoModeSteps());
      sideEffects.push(EMS_AUTO_NOTE);
      break;
    case "offGrid":
      steps.push(
        workModeStep(OPERATION_MODE_CODES.offGrid, "off-grid"),
        {
          description: "EMS mode off-grid, EMS power 0 W",
          register: ET_SETTINGS.emsMode,
          values: [EMS_MODES.offGrid, 0],
          multiple: true,
        },
        { description: "backup supply on", register: ET_SETTINGS.backupSupply, values: [1] },
        { description: "cold start ← 4", register: ET_SETTINGS.coldStart, values: [4] },
      );
      sideEffects.push(
        "EMS mode set to off-grid (47511 ← 7, 47512 ← 0).",
        "Backup supply enabled (45252 ← 1).",
        "Cold start set to 4 (45248 ← 4).",
      );
      break;
    case "ecoCharge":
    case "ecoDischarge": {
      const power = assertFraction(params.power ?? 1, "power", { step: 0.01 });
      const encoding = await driver.ecoModeEncoding(params);
      const input: EcoModeGroupInput = {
        start: "00:00",
        end: "23:59",
        days: 0x7f,
        enabled: true,
        power: mode === "ecoCharge" ? -power : power,
        soc: mode === "ecoCharge" ? (params.soc ?? 1) : 1,
      };
      if (encoding === "v1" && params.soc !== undefined && params.soc !== 1)
        warnings.push("Eco mode V1 (ARM firmware < 19) cannot stop at a SOC: soc is ignored.");
      if (encoding === "v1") delete input.soc;
      // One read of all four groups: group 1's schedule type, and the switch registers of 2–4.
      const current = params.dryRun ? null : await driver.readGroupBytes(encoding, params);
      const per = groupRegisterCount(encoding);
      const group1 = current ? decodeEcoModeGroup(current.subarray(0, per * 2), encoding) : null;
      const bytes = encodeEcoModeGroup(input, encoding, "eco group 1", driver.scheduleType(encoding, group1));
      steps.push({
        description: `eco group 1 ← all day, ${mode === "ecoCharge" ? "charge" : "discharge"} at ${Math.round(power * 100)} %`,
        register: groupRegister(encoding, 1),
        values: registersOf(bytes),
        before: group1 ?? undefined,
        after: input,
      });
      // The switch register holds the on/off byte high and the days (V1: days, V2: on_off/days) low.
      const switchOffset = encoding === "v2" ? 2 : 3;
      for (let g = 2; g <= ECO_GROUPS; g++) {
        const register = groupRegister(encoding, g) + switchOffset;
        const before = current ? u16(current, ((g - 1) * per + switchOffset) * 2) : null;
        steps.push({
          description: `eco group ${g} off`,
          register,
          values: [before === null ? 0 : switchedOff(before)],
          before: before ?? undefined,
          verify: (rb) => (rb[0]! & 0xff00) === 0,
        });
      }
      steps.push(...ecoModeSteps());
      sideEffects.push("Eco group 1 overwritten; eco groups 2–4 switched off.", EMS_AUTO_NOTE);
      break;
    }
    default:
      throw new ValidationError(
        `Unknown operation mode ${JSON.stringify(mode)}; use one of general, offGrid, backup, eco, peakShaving, selfUse, ecoCharge, ecoDischarge.`,
        { field: "mode", vendor: "goodwe" },
      );
  }
  return { steps, sideEffects, warnings };
}

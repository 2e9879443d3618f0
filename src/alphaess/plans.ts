import { isOnGrid, windowsOverlap } from "../core/time/schedule-grid.js";
import { diffFields } from "../model/helpers.js";
import type { ConstraintCheck, PlannedWrite, WriteResult } from "../model/types.js";
import type { AlphaESS } from "./client.js";
import type { AlphaEssWriteEndpoint } from "./endpoints.js";
import type { AlphaEssWrite, ChargingSettings, SchedulePeriod } from "./models.js";

/** The planned writes of `AlphaEssSystem`, with the checks each passes. Pure: reads and sends nothing. */

/** The client-side cool-down of an endpoint as a constraint check. */
export function cooldownCheck(client: AlphaESS, endpoint: AlphaEssWriteEndpoint): ConstraintCheck {
  const next = client.nextWriteAllowedAt(endpoint);
  const waitS = Math.ceil((next.getTime() - client.clock.now()) / 1000);
  return {
    name: "cooldown",
    ok: waitS <= 0,
    detail:
      waitS <= 0
        ? `no ${endpoint} write within the last ${Math.round(client.writeCooldownMs(endpoint) / 1000)} s`
        : `the next ${endpoint} write is allowed at ${next.toISOString()}`,
  };
}

export function plannedWrite(
  client: AlphaESS,
  endpoint: AlphaEssWriteEndpoint,
  description: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  constraints: ConstraintCheck[],
): PlannedWrite {
  return {
    target: `POST ${endpoint}`,
    description,
    before,
    after,
    changes: diffFields(before, after),
    constraints: [...constraints, cooldownCheck(client, endpoint)],
    payload: { sysSn: client.serialNumber, ...after },
  };
}

/**
 * The checks a config write passes, computed from the values it sends: both periods on the
 * 15-minute grid, the two periods not overlapping, the stop level within 0..1.
 */
export function configConstraints(settings: Pick<ChargingSettings, "stopLevel" | "firstPeriod" | "secondPeriod">): ConstraintCheck[] {
  const { firstPeriod: first, secondPeriod: second, stopLevel } = settings;
  const onGrid = [first.start, first.end, second.start, second.end].every((t) => isOnGrid(t));
  const apart = onGrid && !windowsOverlap(first, second);
  const levelOk = typeof stopLevel === "number" && stopLevel >= 0 && stopLevel <= 1;
  const periods = `periods ${first.start}-${first.end} and ${second.start}-${second.end}`;
  return [
    {
      name: "grid",
      ok: onGrid,
      detail: onGrid ? `${periods} are on the 15-minute grid (00:00-23:45)` : `${periods} are not all on the 15-minute grid (00:00-23:45)`,
    },
    {
      name: "windows",
      ok: apart,
      detail: apart ? "at most 2 windows, not overlapping each other" : `${periods} overlap or are not valid times`,
    },
    { name: "level", ok: levelOk, detail: `stop level ${stopLevel} ${levelOk ? "is" : "is not"} within 0..1` },
  ];
}

/** The checks a weekly schedule write passes (it was validated in full while planning). */
export function weeklyConstraints(periods: SchedulePeriod[]): ConstraintCheck[] {
  const onGrid = periods.every((p) => isOnGrid(p.start) && isOnGrid(p.end));
  const levelOk = periods.every((p) => p.limit >= 0.1 && p.limit <= 1);
  return [
    { name: "grid", ok: onGrid, detail: `${periods.length} periods ${onGrid ? "are" : "are not all"} on the 15-minute grid (00:00-23:45)` },
    { name: "windows", ok: true, detail: "at most 6 periods a day and 28 a week, none overlapping" },
    { name: "level", ok: levelOk, detail: `every limit ${levelOk ? "is" : "is not"} within 10-100 %` },
  ];
}

/** A client write as the result of a planned write: the plan's write, the client's outcome. */
export function asPlannedResult(write: PlannedWrite, outcome: AlphaEssWrite): WriteResult {
  return { ...outcome, write };
}

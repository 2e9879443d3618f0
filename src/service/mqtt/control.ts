import type { Logger } from "../../core/logger.js";
import { applyIntent, parseBatteryIntent } from "../../model/battery-intent.js";
import type { BatteryController } from "../../model/capabilities.js";
import type { BatterySchedule, ControlPlan } from "../../model/types.js";
import { applyBatteryPlan, planBatteryChange, type BatteryWriteDeps } from "../battery-write.js";
import { errorClass } from "../collector/convert.js";
import { BATTERY_MODES, CHARGE_TARGET_ENTITY, MODE_ENTITY, type BatteryMode } from "./entities.js";

/** The intents behind the modes that can be chosen, through the same parser as the CLI and the HTTP API. */
export const MODE_INTENTS: Record<Exclude<BatteryMode, "schedule">, string> = {
  "self-use": "charge off; discharge anytime",
  hold: "charge off; discharge never",
};

/** The mode a schedule reads as: no charge windows and no discharge limit is self-use, no windows at all with time control is hold. */
export function modeOf(s: BatterySchedule): BatteryMode {
  if (s.charge.windows.length > 0) return "schedule";
  if (!s.discharge.timeControl) return "self-use";
  return s.discharge.windows.length === 0 ? "hold" : "schedule";
}

export interface ControlState {
  mode: BatteryMode;
  /** Charge stop level, %. */
  chargeTarget: number;
}

export interface CommandOutcome {
  system: string;
  entity: string;
  payload: string;
  /** `applied`: sent and read back as taken; `refused`: invalid or refused before or by the device; `failed`: the write threw or did not take. */
  outcome: "applied" | "refused" | "failed";
  reason?: string;
  auditId?: number;
  /** What was published afterwards: the state read back from the device (or the last one read when reading failed). */
  state: ControlState | null;
}

const stateOf = (s: BatterySchedule): ControlState => ({ mode: modeOf(s), chargeTarget: Math.round(s.charge.stopLevel * 1000) / 10 });

/**
 * The battery `select` and `number` of one system. Commands run one at a time, each planned,
 * applied with read-back and audited like the CLI's and the API's; afterwards the state read back
 * from the device is published, so a refused or failed write never shows as the requested state.
 */
export class BatteryEntities {
  private last: ControlState | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly system: BatteryController,
    private readonly deps: BatteryWriteDeps & { log: Logger },
    private readonly publish: (entity: string, payload: string) => void,
  ) {}

  get state(): ControlState | null {
    return this.last;
  }

  /** Reads the schedule and publishes the mode and the charge target; on a failed read republishes the last state read. */
  async refresh(): Promise<ControlState | null> {
    try {
      this.last = stateOf(await this.system.getBatterySchedule());
    } catch (error) {
      this.deps.log.warn("mqtt: battery schedule read failed", { system: this.id, errorClass: errorClass(error) });
    }
    if (this.last) {
      this.publish(MODE_ENTITY.key, this.last.mode);
      this.publish(CHARGE_TARGET_ENTITY.key, String(this.last.chargeTarget));
    }
    return this.last;
  }

  /** One command from Home Assistant; resolves once the real state has been published. */
  command(entity: string, payload: string): Promise<CommandOutcome> {
    const run = this.chain.then(() => this.run(entity, payload));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async run(entity: string, payload: string): Promise<CommandOutcome> {
    const base = { system: this.id, entity, payload };
    const change = this.changeFor(entity, payload.trim());
    let outcome: CommandOutcome = { ...base, outcome: "refused", state: null };
    if (typeof change === "string") outcome = { ...base, outcome: "refused", reason: change, state: null };
    else {
      let planned: Awaited<ReturnType<typeof planBatteryChange>> | undefined;
      try {
        planned = await planBatteryChange(this.system, change.desired);
      } catch (error) {
        // Planning refused it (validation, the device's limits): nothing was sent.
        outcome = { ...base, outcome: "refused", reason: errorClass(error), state: null };
      }
      if (planned) outcome = await this.apply(base, planned.plan, { via: "mqtt", entity, value: payload.trim(), intent: change.intent });
    }
    outcome.state = await this.refresh();
    const log = outcome.outcome === "applied" ? this.deps.log.info : this.deps.log.warn;
    log.call(this.deps.log, "mqtt: battery command", {
      system: this.id,
      entity,
      outcome: outcome.outcome,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.state ? { mode: outcome.state.mode, chargeTarget: outcome.state.chargeTarget } : {}),
    });
    return outcome;
  }

  private async apply(
    base: Pick<CommandOutcome, "system" | "entity" | "payload">,
    plan: ControlPlan,
    request: object,
  ): Promise<CommandOutcome> {
    try {
      const { auditId, result } = await applyBatteryPlan(this.deps, { id: this.id, system: this.system }, request, plan);
      if (result.ok) return { ...base, outcome: "applied", auditId, state: null };
      const sent = result.results.some((r) => r.sent !== false);
      const reason = result.results.find((r) => r.error)?.error ?? (sent ? "the device did not take the change" : "refused before sending");
      return { ...base, outcome: sent ? "failed" : "refused", auditId, reason, state: null };
    } catch (error) {
      // The write threw (audited by applyBatteryPlan): whether it reached the device is unknown, so the state is read back.
      return { ...base, outcome: "failed", reason: errorClass(error), state: null };
    }
  }

  /** The schedule change a command asks for, or why it is refused before anything is read or sent. */
  private changeFor(entity: string, value: string): { desired: (s: BatterySchedule) => BatterySchedule; intent?: string } | string {
    if (entity === MODE_ENTITY.key) {
      if (!(BATTERY_MODES as readonly string[]).includes(value)) return `unknown mode ${JSON.stringify(value.slice(0, 40))}`;
      if (value === "schedule") return 'the mode "schedule" has no windows to write: plan one with the CLI or the API';
      const intent = parseBatteryIntent(MODE_INTENTS[value as keyof typeof MODE_INTENTS]);
      return { desired: (s) => applyIntent(s, intent), intent: intent.text };
    }
    if (entity === CHARGE_TARGET_ENTITY.key) {
      const pct = value === "" ? Number.NaN : Number(value);
      if (!Number.isFinite(pct) || pct < 0 || pct > 100)
        return `the charge target is a number 0-100, got ${JSON.stringify(value.slice(0, 40))}`;
      const level = Math.round(pct * 100) / 10_000;
      return { desired: (s) => ({ ...s, charge: { ...s.charge, stopLevel: level } }) };
    }
    return `no such control ${JSON.stringify(entity)}`;
  }
}

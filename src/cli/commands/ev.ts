import { NotFoundError } from "../../core/errors/index.js";
import type { CommandContext } from "../context.js";
import { describeCause, ExitCode, PartialFailure } from "../errors.js";
import type { Column } from "../output/output.js";
import { numberArg } from "../vendors/common.js";
import type { Vendor } from "../../model/types.js";
import type { EvChargerInfo, EvControl, EvWriteOutcome, VendorSession } from "../vendors/types.js";
import { splitDevice } from "./systems.js";
import { assertAuditedCooldown, performWrite } from "./write-flow.js";

const COLUMNS: readonly Column<EvChargerInfo>[] = [
  { header: "charger", value: (r) => `${r.vendor}:${r.id}` },
  { header: "system", value: (r) => r.system },
  { header: "model", value: (r) => r.model },
  { header: "status", value: (r) => r.status },
  { header: "limit A", value: (r) => r.currentLimitA, align: "right" },
];

/** The sessions of the vendors that can have EV chargers (only `vendor` when one is named). */
type EvSession = VendorSession & { ev: EvControl };

async function evSessions(ctx: CommandContext, vendor?: Vendor): Promise<EvSession[]> {
  const { sessions, failures } = await ctx.sessions(vendor ? [vendor] : undefined, "ev");
  for (const f of failures) ctx.out.warn(describeCause(f.error, { vendor: f.vendor }));
  const withEv = sessions.filter((s): s is EvSession => s.ev !== undefined);
  if (withEv.length === 0) {
    if (failures[0]) throw failures[0].error;
    throw new NotFoundError(
      `${vendor ? `${vendor} has no` : "None of the configured vendors has"} EV chargers that openpower can control (AlphaESS does).`,
    );
  }
  return withEv;
}

export async function list(ctx: CommandContext): Promise<number> {
  const sessions = await evSessions(ctx);
  const chargers: EvChargerInfo[] = [];
  let failed = 0;
  for (const s of sessions) {
    try {
      chargers.push(...(await s.ev.list()));
    } catch (error) {
      failed++;
      ctx.out.note(`error: ${describeCause(error, { vendor: s.vendor })}`);
    }
  }
  if (ctx.out.format === "table" && chargers.length === 0) ctx.out.print("No EV chargers.");
  else ctx.out.rows(COLUMNS, chargers, { json: { chargers } });
  if (failed === 0) return ExitCode.ok;
  if (failed === sessions.length) return ExitCode.error;
  throw new PartialFailure(`${failed} of ${sessions.length} vendors could not list their chargers.`);
}

/**
 * Refuses a write inside the vendor's cool-down as counted from the audit log: by the system (the
 * vendor-group commands log it) and by the charger (the `ev` commands log that).
 */
async function checkCooldown(ctx: CommandContext, session: VendorSession, id: string, action: "start" | "stop" | "limit"): Promise<void> {
  if (!session.ev?.writeTarget || !session.writeCooldownMs) return;
  const { device, endpoint } = await session.ev.writeTarget(id, action);
  const cooldownMs = session.writeCooldownMs(endpoint);
  for (const d of new Set([device, id])) assertAuditedCooldown(ctx, { vendor: session.vendor, device: d, endpoint, cooldownMs });
}

/** The vendor session that owns a charger ("vendor:id" or "id"); only that vendor is connected when named. */
async function owner(ctx: CommandContext, charger: string): Promise<{ session: EvSession; id: string }> {
  const { vendor, id } = splitDevice(charger);
  const candidates = await evSessions(ctx, vendor);
  if (candidates.length === 1) return { session: candidates[0]!, id };
  for (const session of candidates) {
    const chargers = await session.ev.list();
    if (chargers.some((c) => c.id === id)) return { session, id };
  }
  throw new NotFoundError(`No EV charger ${charger}. "openpower ev list" shows them.`);
}

export async function status(ctx: CommandContext, charger: string): Promise<number> {
  const { session, id } = await owner(ctx, charger);
  const info = await session.ev.status(id);
  if (ctx.out.isJson) ctx.out.json(info);
  else ctx.out.table(COLUMNS, [info]);
  return ExitCode.ok;
}

function report(ctx: CommandContext, outcome: EvWriteOutcome, what: string, dryRun: boolean): number {
  if (ctx.out.isJson) ctx.out.json(outcome);
  else if (dryRun) ctx.out.print(`dry run: ${what} was not sent.`);
  else if (outcome.taken === true) ctx.out.print(ctx.out.c.green(`${what}: sent, read back: took effect.`));
  else if (outcome.taken === false) ctx.out.print(ctx.out.c.red(`${what}: sent, but reading back shows it did NOT take effect.`));
  else ctx.out.print(ctx.out.c.yellow(`${what}: sent (not verified).`));
  if (!dryRun && outcome.taken === false)
    throw new PartialFailure(`${what} did not take effect; check "openpower ev status" and retry later.`);
  return ExitCode.ok;
}

export async function startStop(
  ctx: CommandContext,
  action: "start" | "stop",
  charger: string,
  opts: { yes?: boolean; dryRun?: boolean },
): Promise<number> {
  const { session, id } = await owner(ctx, charger);
  const dryRun = opts.dryRun === true;
  const what = `${action === "start" ? "Start" : "Stop"} charging on ${session.vendor} EV charger ${id}`;
  // The charger ignores a start without a car and a stop when idle; say so before asking.
  const state = (await session.ev.status(id)).status;
  const pointless =
    action === "start"
      ? state === "available" || state === "charging" || state === "faulted"
      : state === "available" || state === "preparing" || state === "faulted";
  if (pointless) ctx.out.warn(`the charger is ${state}: a ${action} will probably not take effect.`);
  if (!dryRun) await checkCooldown(ctx, session, id, action);
  const outcome = await performWrite(ctx, {
    vendor: session.vendor,
    device: id,
    description: what,
    target: `ev ${action}`,
    request: { action, charger: id },
    dryRun,
    yes: opts.yes,
    send: (d) => (action === "start" ? session.ev.start(id, { dryRun: d }) : session.ev.stop(id, { dryRun: d })),
    outcome: (o) => o,
  });
  return report(ctx, outcome, what, dryRun);
}

export async function limit(
  ctx: CommandContext,
  charger: string,
  ampsText: string,
  opts: { yes?: boolean; dryRun?: boolean },
): Promise<number> {
  // One range, the vendor's (AlphaESS 6–100 A), stated by the client's own check before anything is sent.
  const amps = numberArg(ampsText, "amps");
  const { session, id } = await owner(ctx, charger);
  const dryRun = opts.dryRun === true;
  const what = `Set the current limit of ${session.vendor} EV charger ${id} to ${amps} A`;
  if (!dryRun) await checkCooldown(ctx, session, id, "limit");
  const outcome = await performWrite(ctx, {
    vendor: session.vendor,
    device: id,
    description: what,
    target: "ev limit",
    request: { action: "limit", charger: id, amps },
    dryRun,
    yes: opts.yes,
    send: (d) => session.ev.limit(id, amps, { dryRun: d }),
    outcome: (o) => o,
  });
  return report(ctx, outcome, what, dryRun);
}

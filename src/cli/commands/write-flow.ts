import { appendAudit } from "../audit-log.js";
import type { CommandContext } from "../context.js";
import { confirmWrite } from "../prompt.js";
import type { Vendor } from "../../model/types.js";

export interface WriteOutcome {
  /** The endpoint, register or operation written. */
  target: string;
  sent: boolean | null;
  taken: boolean | null;
  before: unknown;
  after: unknown;
  readBack: unknown;
}

export interface WriteSpec<R> {
  vendor: Vendor;
  device: string;
  /** What will happen, as a question's subject: "Start charging on EV charger SN123". */
  description: string;
  /** What was asked for, for the audit log. */
  request: unknown;
  dryRun: boolean;
  yes: boolean | undefined;
  send(dryRun: boolean): Promise<R>;
  outcome(result: R): WriteOutcome;
}

/**
 * The one path every single write from the CLI takes: ask (unless --yes or --dry-run), send,
 * and append the outcome to the audit log, including failures (a write that may have reached the
 * device is worth recording).
 */
export async function performWrite<R>(ctx: CommandContext, spec: WriteSpec<R>): Promise<R> {
  if (!spec.dryRun) await confirmWrite(ctx.io, `${spec.description}?`, spec.yes);
  let result: R;
  try {
    result = await spec.send(spec.dryRun);
  } catch (error) {
    if (!spec.dryRun) {
      appendAudit(ctx.paths.auditLog, {
        time: new Date().toISOString(),
        command: commandLine(ctx),
        vendor: spec.vendor,
        device: spec.device,
        request: spec.request,
        dryRun: false,
        before: null,
        after: null,
        readBack: null,
        taken: [{ target: spec.description, sent: false, taken: null, error: error instanceof Error ? error.message : String(error) }],
        ok: false,
      });
    }
    throw error;
  }
  if (!spec.dryRun) {
    const o = spec.outcome(result);
    appendAudit(ctx.paths.auditLog, {
      time: new Date().toISOString(),
      command: commandLine(ctx),
      vendor: spec.vendor,
      device: spec.device,
      request: spec.request,
      dryRun: false,
      before: { [o.target]: o.before },
      after: { [o.target]: o.after },
      readBack: { [o.target]: o.readBack },
      taken: [{ target: o.target, sent: o.sent, taken: o.taken }],
      ok: o.sent === true && o.taken !== false,
    });
  }
  return result;
}

export function commandLine(ctx: CommandContext): string {
  return ["openpower", ...ctx.argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

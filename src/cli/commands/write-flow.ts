import { ConnectionError, RateLimitError, ValidationError } from "../../core/errors/index.js";
import { diffFields, writeStatus } from "../../model/helpers.js";
import type { ConstraintCheck, FieldChange, Vendor, WriteResult } from "../../model/types.js";
import { appendAudit, lastAuditedWrite, readAudit, type AuditEntry } from "../audit-log.js";
import type { CommandHost } from "../host.js";
import { describeCause } from "../errors.js";
import { formatValue } from "../output/format.js";
import { assertCanConfirm, confirmWrite } from "../prompt.js";

/**
 * One write's outcome in the model's vocabulary (`WriteResult`: `write` with its target, before,
 * after and changes; `sent`, `taken`, `readBack`), built from what a vendor client reports.
 */
export function writeResult(o: {
  target: string;
  sent: boolean | null;
  taken: boolean | null;
  before: unknown;
  after: unknown;
  readBack: unknown;
  /** The fields the write changes (default: the differences of `before` and `after`). */
  changes?: FieldChange[];
  description?: string;
}): WriteResult {
  return {
    write: {
      target: o.target,
      description: o.description ?? o.target,
      before: o.before,
      after: o.after,
      changes: o.changes ?? diffFields(o.before, o.after),
      constraints: [],
      payload: o.after,
    },
    sent: o.sent,
    taken: o.taken,
    readBack: o.readBack,
  };
}

/** @deprecated The model's `WriteResult`; kept as a name for the vendor helpers' call sites. */
export type WriteOutcome = WriteResult;

export interface WriteSpec<R> {
  vendor: Vendor;
  device: string;
  /** What will happen, as a question's subject: "Start charging on EV charger SN123". */
  description: string;
  /** The endpoint or operation, for the audit log when the write fails before there is a result. */
  target: string;
  /** What was asked for, for the audit log. */
  request: unknown;
  dryRun: boolean;
  yes: boolean | undefined;
  /**
   * Whether `send(true)` is a dry run that shows what would change (it reads the current state).
   * Then, when the user is asked, the change is shown first. Default true.
   */
  preview?: boolean;
  send(dryRun: boolean): Promise<R>;
  outcome(result: R): WriteResult;
}

/**
 * The one path every single write from the CLI takes. With `--dry-run`: the dry run, nothing
 * else. Otherwise, unless `--yes`: a dry run first to show what would change, then the question;
 * then the write, and its outcome appended to the audit log, including failures (a write that may
 * have reached the device is worth recording).
 */
export async function performWrite<R>(ctx: CommandHost, spec: WriteSpec<R>): Promise<R> {
  if (spec.dryRun) return spec.send(true);
  let preview: WriteResult | undefined;
  if (!spec.yes) {
    // Refuse before the preview's reads: without a terminal nobody could answer the question.
    assertCanConfirm(ctx.io);
    if (spec.preview !== false) {
      preview = spec.outcome(await spec.send(true));
      printPreview(ctx, spec.description, preview);
    }
    await confirmWrite(ctx.io, `${spec.description}?`, false);
  }
  let result: R;
  try {
    result = await spec.send(false);
  } catch (error) {
    const target = preview?.write.target ?? spec.target;
    auditWrite(ctx, {
      vendor: spec.vendor,
      device: spec.device,
      request: spec.request,
      before: preview ? { [target]: preview.write.before } : null,
      after: preview ? { [target]: preview.write.after } : null,
      readBack: null,
      taken: [{ target, sent: sentAfter(error), taken: null, error: describeCause(error) }],
      ok: false,
    });
    throw error;
  }
  const o = spec.outcome(result);
  auditWrite(ctx, {
    vendor: spec.vendor,
    device: spec.device,
    request: spec.request,
    before: { [o.write.target]: o.write.before },
    after: { [o.write.target]: o.write.after },
    readBack: { [o.write.target]: o.readBack ?? null },
    taken: [{ target: o.write.target, sent: o.sent, taken: o.taken }],
    // The model's one-word status: "taken" or "sent" (not verified) is a write that went through.
    ok: ["taken", "sent"].includes(writeStatus(o)),
  });
  return result;
}

/** What is shown before the question: each field before → after (on stderr, with the question). */
function printPreview(ctx: CommandHost, description: string, o: WriteResult): void {
  const { c } = ctx.out;
  const changes = o.write.changes;
  ctx.out.note(`${c.bold(description)}: ${o.write.target}`);
  if (changes.length === 0) ctx.out.note("  (no field changes: the device reports these values already)");
  for (const ch of changes) ctx.out.note(`  ${ch.field}: ${c.red(formatValue(ch.before))} → ${c.green(formatValue(ch.after))}`);
}

/**
 * Whether a write that threw may have reached the device: false when it was refused before
 * sending (validation, our own rate limit, a connection that never opened), the error's own word
 * for a connection error, and null (unknown) for anything else, e.g. a timeout.
 */
export function sentAfter(error: unknown): boolean | null {
  if (error instanceof ConnectionError) return error.sent;
  if (error instanceof ValidationError) return false;
  if (error instanceof RateLimitError && error.local) return false;
  return null;
}

/**
 * Appends one entry to the audit log, stamped with one clock (this machine's: the log is ordered
 * by when things were done here) and the command line (secrets removed by the log).
 */
export function auditWrite(ctx: CommandHost, entry: Omit<AuditEntry, "time" | "command" | "user" | "host" | "dryRun">): AuditEntry {
  return appendAudit(
    ctx.paths.auditLog,
    { time: new Date().toISOString(), command: commandLine(ctx), dryRun: false, ...entry },
    { warn: (message) => ctx.out.warn(message) },
  );
}

export function commandLine(ctx: CommandHost): string {
  return ["openpower", ...ctx.argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * The vendor's write cool-down counted from the audit log: a client only knows the writes of its
 * own process, and every CLI command is a new one. A "cooldown" check that fails when an earlier
 * run wrote to this device and endpoint too recently (by this machine's clock, as the log is);
 * undefined when the vendor has no cool-down for it or no such write is logged.
 */
export function auditedCooldown(
  ctx: CommandHost,
  write: { vendor: Vendor; device: string; endpoint: string; cooldownMs: number },
): (ConstraintCheck & { nextAt: Date }) | undefined {
  if (!(write.cooldownMs > 0)) return undefined;
  const last = lastAuditedWrite(readAudit(ctx.paths.auditLog), write);
  if (!last) return undefined;
  const now = Date.now();
  const nextAt = new Date(last.at.getTime() + write.cooldownMs);
  if (nextAt.getTime() <= now) return undefined;
  const endpoint = write.endpoint.replace(/^[A-Z]+\s+/, "");
  return {
    name: "cooldown",
    ok: false,
    detail: `${endpoint} was written to ${write.device} ${Math.max(0, Math.round((now - last.at.getTime()) / 1000))} s ago (audit log); the next write is allowed at ${nextAt.toISOString()}`,
    nextAt,
  };
}

/** Refuses a write (nothing sent) inside the vendor's cool-down as counted from the audit log. */
export function assertAuditedCooldown(
  ctx: CommandHost,
  write: { vendor: Vendor; device: string; endpoint: string; cooldownMs: number },
): void {
  const check = auditedCooldown(ctx, write);
  if (!check) return;
  const waitMs = Math.max(0, check.nextAt.getTime() - Date.now());
  throw new RateLimitError(
    `Refused: ${check.detail}, in ${Math.ceil(waitMs / 1000)} s. ${write.vendor} may ignore writes that come too fast. Nothing was sent; retry then ` +
      `(the interval is the ${write.vendor}.writeCooldownMs setting).`,
    { vendor: write.vendor, operation: write.endpoint, retryAfterMs: waitMs, resetAt: check.nextAt, local: true },
  );
}

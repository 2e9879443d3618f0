import { readFileSync } from "node:fs";
import type { BulkApplyReport, BulkPlan, EditTarget } from "../../../powertrack/index.js";
import { auditWrite } from "../../commands/write-flow.js";
import type { CommandHost } from "../../host.js";
import { describeCause, PartialFailure, UsageError } from "../../errors.js";
import { renderTable, type Column } from "../../output/output.js";
import { createProgress } from "../../output/progress.js";
import { assertCanConfirm, confirmWrite } from "../../prompt.js";
import { intArg } from "../common.js";
import type { VendorSession } from "../types.js";

import { client } from "./session.js";
import { backupStore } from "./write.js";

// ---------------------------------------------------------------------------------- bulk-update

export async function bulkUpdate(s: VendorSession, o: Record<string, unknown>, ctx: CommandHost): Promise<undefined> {
  const { parseEditsCsv, planBulkEdits } = await import("../../../powertrack/index.js");
  if (typeof o.file !== "string") throw new UsageError("bulk-update needs --file <edits.csv>.", { field: "--file" });
  let text: string;
  try {
    text = readFileSync(o.file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${o.file}: ${(error as Error).message}.`, { field: "--file" });
  }
  const limit = o.limit === undefined ? undefined : intArg(o.limit, "--limit", 1);
  const { edits, errors } = parseEditsCsv(text, {
    file: o.file,
    collectErrors: true,
    ...(o.target ? { target: o.target as EditTarget } : {}),
  });
  for (const error of errors) ctx.out.warn(error.message);
  if (edits.length === 0)
    throw new UsageError(`${o.file} has no usable rows${errors.length > 0 ? ` (${errors.length} rejected, see above)` : ""}.`, {
      field: "--file",
    });

  const c = client(s);
  const planning = createProgress(ctx.io.stderr, { total: edits.length, title: "planning" });
  let plan: BulkPlan;
  try {
    plan = await planBulkEdits(c, edits, { onProgress: (p) => planning.tick(1, p.id) });
  } finally {
    planning.stop();
  }
  return applyPlanned(s, o, ctx, plan, {
    source: o.file,
    rejected: errors.map((e) => e.message),
    limit,
    again: "re-running the same file is safe",
  });
}

/**
 * `powertrack bulk-restore --from <dir>`: puts the originals a `bulk-update` saved back, through the
 * same dry run, question, backups, read-back and audit as the update itself.
 */
export async function bulkRestore(s: VendorSession, o: Record<string, unknown>, ctx: CommandHost): Promise<undefined> {
  const { DirectoryBackupStore, planRestoreFromBackups } = await import("../../../powertrack/index.js");
  const from = typeof o.from === "string" ? o.from : (await backupStore(s, ctx)).dir;
  let entries: ReturnType<typeof DirectoryBackupStore.load>;
  try {
    entries = DirectoryBackupStore.load(from);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new UsageError(`No backups in ${from}: the directory does not exist.`, { field: "--from" });
    throw error;
  }
  if (entries.length === 0) throw new UsageError(`No backups in ${from} (*.json files saved by bulk-update).`, { field: "--from" });
  const plan = await planRestoreFromBackups(client(s), entries);
  return applyPlanned(s, o, ctx, plan, { source: from, rejected: [], again: "re-running the restore is safe" });
}

/** Shows a bulk plan (dry run) or applies it: ask, back up, write, read back, audit, report. */
async function applyPlanned(
  s: VendorSession,
  o: Record<string, unknown>,
  ctx: CommandHost,
  plan: BulkPlan,
  input: { source: string; rejected: string[]; limit?: number; again: string },
): Promise<undefined> {
  const c = client(s);
  const { applyBulkPlan } = await import("../../../powertrack/index.js");
  const limit = input.limit;
  const errors = input.rejected.map((message) => ({ message }));
  const apply = o.apply === true;
  const planRows = plan.items.map((item) => ({
    id: item.id,
    row: item.source?.row ?? null,
    status: item.status,
    changes: item.changes.map((ch) => `${ch.field}: ${JSON.stringify(ch.before)} → ${JSON.stringify(ch.after)}`).join("; "),
    error: item.error?.message ?? null,
  }));
  const planColumns: Column<(typeof planRows)[number]>[] = [
    { header: "item", value: (r) => r.id },
    { header: "row", value: (r) => r.row },
    {
      header: "status",
      value: (r) => r.status,
      show: (r, col) => (r.status === "ready" ? col.green(r.status) : r.status === "unchanged" ? r.status : col.red(r.status)),
    },
    { header: "changes / error", value: (r) => r.error ?? r.changes },
  ];
  const summary = plan.summary;
  const summaryLine = `${summary.total} item(s): ${summary.ready} to change (${summary.fieldChanges} fields), ${summary.unchanged} unchanged, ${summary.invalid} invalid, ${summary.failed} unreadable.`;
  if (!apply) {
    if (ctx.out.isJson)
      ctx.out.json({
        dryRun: true,
        plan: { createdAt: plan.createdAt, summary, items: planRows },
        rejectedRows: errors.map((e) => e.message),
      });
    else {
      ctx.out.table(planColumns, planRows);
      ctx.out.print(summaryLine);
      ctx.out.print(ctx.out.c.dim(`Dry run: nothing was written. Add --apply to write${limit ? ` (at most ${limit})` : ""}.`));
    }
    if (summary.invalid + summary.failed + errors.length > 0)
      throw new PartialFailure(`${summary.invalid + summary.failed + errors.length} item(s) cannot be applied as they are (see above).`);
    return undefined;
  }

  if (summary.ready === 0) {
    ctx.out.note("Nothing to write: every item is unchanged, invalid or unreadable.");
    if (ctx.out.isJson) ctx.out.json({ dryRun: false, plan: { summary, items: planRows }, report: null });
    if (summary.invalid + summary.failed > 0) throw new PartialFailure(`${summary.invalid + summary.failed} item(s) could not be planned.`);
    return undefined;
  }
  const writes = Math.min(summary.ready, limit ?? Infinity);
  const limited = limit && limit < summary.ready ? `; writing the first ${limit}` : "";
  if (o.yes !== true) {
    // The question comes with what it is about: the plan, as the dry run shows it (on stderr
    // with the question, so that --json output stays data only).
    assertCanConfirm(ctx.io);
    ctx.out.note(renderTable(planColumns, planRows, ctx.out.c, ctx.io.stderr.columns));
    ctx.out.note(`${summaryLine}${limited ? ` Writing the first ${limit}.` : ""}`);
  } else if (!ctx.out.isJson) ctx.out.print(`${summary.ready} item(s) ready (${summary.fieldChanges} fields)${limited}.`);
  await confirmWrite(ctx.io, `Write ${writes} PowerTrack object(s)`, o.yes === true);
  const backup = await backupStore(s, ctx);
  const applying = createProgress(ctx.io.stderr, { total: writes, title: "writing" });
  let report: BulkApplyReport | undefined;
  let failure: unknown;
  try {
    report = await applyBulkPlan(c, plan, { limit, backup, verify: o.verify !== false, onProgress: (p) => applying.tick(1, p.id) });
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    applying.stop();
    // Audited whatever happened: objects written before a failure must be on record.
    const written = report ? report.results.filter((r) => r.sent) : [];
    auditWrite(ctx, {
      vendor: "powertrack",
      device: `${o.from !== undefined || input.again.includes("restore") ? "bulk-restore" : "bulk-update"} ${input.source}`,
      request: { file: input.source, limit: limit ?? null, items: plan.items.length },
      before: Object.fromEntries(written.map((r) => [r.id, r.changes.map((ch) => ({ field: ch.field, value: ch.before }))])),
      after: Object.fromEntries(written.map((r) => [r.id, r.changes.map((ch) => ({ field: ch.field, value: ch.after }))])),
      readBack: Object.fromEntries(written.filter((r) => r.mismatches.length > 0).map((r) => [r.id, r.mismatches])),
      taken: report
        ? report.results.map((r) => ({
            target: r.id,
            sent: r.sent,
            taken: r.taken,
            ...(r.error ? { error: r.error } : r.reason ? { error: r.reason } : {}),
          }))
        : // Without a report nobody can say which objects went out before the failure.
          plan.items
            .filter((i) => i.status === "ready")
            .map((i) => ({ target: i.id, sent: null, taken: null, error: describeCause(failure) })),
      // What the exit code says: items left out by --limit were asked to be left out.
      ok: report !== undefined && badItems(report) === 0 && !report.aborted,
    });
  }
  const reportRows = report.results.map((r) => ({
    id: r.id,
    status: r.status,
    sent: r.sent,
    taken: r.taken,
    detail: r.error
      ? r.error
      : r.reason
        ? r.reason
        : r.mismatches.length > 0
          ? `did not take: ${r.mismatches.map((m) => m.field).join(", ")}`
          : r.changes.map((ch) => ch.field).join(", "),
    backup: r.backup ?? null,
  }));
  if (ctx.out.isJson) ctx.out.json({ dryRun: false, report: { ...report, results: reportRows } });
  else {
    ctx.out.table(
      [
        { header: "item", value: (r: (typeof reportRows)[number]) => r.id },
        {
          header: "status",
          value: (r) => r.status,
          show: (r, col) =>
            r.status === "applied" || r.status === "alreadyApplied"
              ? col.green(r.status)
              : r.status === "skipped" || r.status === "unchanged"
                ? r.status
                : col.red(r.status),
        },
        { header: "detail", value: (r) => r.detail },
      ],
      reportRows,
    );
    ctx.out.print(
      `${Object.entries(report.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ")}. Originals saved in ${backup.dir}; logged to ${ctx.paths.auditLog}.`,
    );
  }
  // `report.ok` is false when --limit left items out; that was asked for, so only real failures count.
  const bad = badItems(report);
  if (bad > 0) {
    throw new PartialFailure(
      `${bad} of ${writes} write(s) did not complete (see the report); ${input.again}: applied items are detected as alreadyApplied.`,
    );
  }
  if (report.aborted) throw new PartialFailure(`The run stopped early: ${report.aborted}. ${input.again}.`);
  return undefined;
}

/** Items whose write failed, did not take, or met a changed object. */
export function badItems(report: BulkApplyReport): number {
  return report.results.filter((r) => r.status === "notTaken" || r.status === "failed" || r.status === "conflict").length;
}

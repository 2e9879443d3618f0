import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EditResult, EditTarget, PlannedEdit, WriteOptions } from "../../../powertrack/index.js";
import { performWrite, writeResult } from "../../commands/write-flow.js";
import type { CommandHost } from "../../host.js";
import { UsageError } from "../../errors.js";
import type { VendorCommand, VendorSession } from "../types.js";

import { client, type PowerTrackSession } from "./session.js";

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}.`, { field: "file" });
  }
}

export function readJson(path: unknown, option: string): unknown {
  if (typeof path !== "string") throw new UsageError(`${option} <file.json> is required.`, { field: option });
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`Cannot read ${path} as JSON: ${(error as Error).message}.`, { field: option });
  }
}

/**
 * `--field path=value` pairs (repeatable) → fields, typed later by each field's current value.
 * (Not `--set`: that is the global option that overrides config settings.)
 */
export function fieldsOf(sets: unknown): Record<string, string> {
  const list = Array.isArray(sets) ? (sets as string[]) : [];
  if (list.length === 0)
    throw new UsageError('Pass at least one --field path=value (e.g. --field "location.latitude=42.1").', { field: "--field" });
  const out: Record<string, string> = {};
  for (const pair of list) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--field expects path=value, got ${JSON.stringify(pair)}.`, { field: "--field" });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export const writeOptions = [
  { flags: "-y, --yes", description: "do not ask for confirmation" },
  { flags: "--dry-run", description: "plan and print the change; send nothing" },
  { flags: "--no-verify", description: "do not read back after writing" },
] as const;

export function writeOpts(o: Record<string, unknown>, dryRun: boolean, session: VendorSession, ctx: CommandHost): Promise<WriteOptions> {
  return backupStore(session, ctx).then((backup) => ({ dryRun, verify: o.verify !== false && !dryRun, backup }));
}

export async function backupStore(session: VendorSession, ctx: CommandHost) {
  const { DirectoryBackupStore } = await import("../../../powertrack/index.js");
  return new DirectoryBackupStore((session as PowerTrackSession).backupDir ?? join(ctx.paths.dataDir, "powertrack-backups"));
}

/**
 * One PowerTrack write: show the change (a dry run) and confirm, then plan → PUT → read back (the
 * client does that), and audit. `send` gets the write options of each step.
 */
export function update<R extends EditResult>(
  ctx: CommandHost,
  s: VendorSession,
  o: Record<string, unknown>,
  key: string,
  description: string,
  method: string,
  request: unknown,
  send: (opts: WriteOptions) => Promise<R>,
): Promise<R> {
  return performWrite(ctx, {
    vendor: "powertrack",
    device: key,
    description: `${description} (${key})`,
    target: method,
    request,
    dryRun: o.dryRun === true,
    yes: o.yes === true,
    send: async (dryRun) => send(await writeOpts(o, dryRun, s, ctx)),
    outcome: (r) =>
      writeResult({
        target: r.endpoint,
        sent: r.sent,
        taken: r.taken,
        before: r.changes.map((c) => ({ field: c.field, value: c.before })),
        after: r.changes.map((c) => ({ field: c.field, value: c.after })),
        readBack: r.mismatches.length > 0 ? r.mismatches : null,
        changes: r.changes,
      }),
  });
}

/** A field edit through planEdit/applyEdit: `--field path=value`, typed by the current values. */
export function fieldEdit(target: EditTarget, name: string, method: string, what: string, keyArg: string): VendorCommand {
  return {
    name,
    method,
    description: `change ${what} fields (--field path=value, repeatable); plan → PUT → read back`,
    write: true,
    args: [{ name: keyArg, description: `${what} key` }],
    options: [
      {
        flags: "--field <path=value>",
        description: 'a field and its new value, e.g. "location.latitude=42.1" (repeatable)',
        parse: collect,
      },
      ...writeOptions,
    ],
    examples: [`openpower powertrack ${name} ${keyArg === "site" ? "S12345" : "H12345"} --field "name=New name" --dry-run`],
    run: async (s, a, o, ctx) => {
      const fields = fieldsOf(o.field);
      const key = a[0]!;
      const c = client(s);
      // The plan shown before the question is the one applied: applyEdit refuses (conflict) when
      // the object changed in between, rather than writing over a change nobody saw.
      let planned: PlannedEdit | undefined;
      return update(ctx, s, o, key, `Change ${Object.keys(fields).join(", ")}`, method, { target, key, fields }, async (opts) => {
        if (!planned) {
          planned = await c.planEdit({ target, key, fields, coerce: true });
          if (planned.status === "invalid" || planned.status === "failed") {
            const reason = (planned.error?.message ?? planned.status).replace(/\.\s*$/, "");
            throw new UsageError(`${planned.id}: ${reason}${/nothing was sent/i.test(reason) ? "" : ". Nothing was sent"}.`, {
              field: "--field",
            });
          }
        }
        return c.applyEdit(planned, { dryRun: opts.dryRun, verify: opts.verify, backup: opts.backup });
      });
    },
  };
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  BulkApplyReport,
  BulkPlan,
  EditResult,
  EditTarget,
  PlannedEdit,
  PowerTrackClient,
  PvsystModule,
  WriteOptions,
} from "../../powertrack/index.js";
import { VENDOR_SETTINGS } from "../config/vendor-settings.js";
import { auditWrite, performWrite } from "../commands/write-flow.js";
import type { CommandHost } from "../host.js";
import { describeCause, PartialFailure, UsageError } from "../errors.js";
import { renderTable, type Column } from "../output/output.js";
import { createProgress } from "../output/progress.js";
import { assertCanConfirm, confirmWrite } from "../prompt.js";
import { intArg, numberArg, optionalList, optionalString } from "./common.js";
import type { VendorCommand, VendorPlugin, VendorSession } from "./types.js";

const SETTINGS = VENDOR_SETTINGS.powertrack;

interface PowerTrackSession extends VendorSession {
  readonly client: PowerTrackClient;
  readonly customer: string | undefined;
  readonly backupDir: string | undefined;
}

async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<PowerTrackSession> {
  const { PowerTrackClient } = await import("../../powertrack/index.js");
  // Every credential comes from the merged configuration (file, .env, environment, --set, in our
  // precedence, with a bare BASE_URL already vetted): the AuthManager reads no environment, .env
  // or cookie file of its own. It still reads a fetch snippet when one is configured, and names
  // the missing piece when something is missing.
  const explicit = Object.fromEntries(
    (["cookie", "aeS", "aeV", "baseUrl", "fetchFile"] as const)
      .map((k) => [k, optionalString(section, k)])
      .filter(([, v]) => v !== undefined),
  );
  const client = new PowerTrackClient({
    auth: {
      ...explicit,
      env: false,
      envFile: false,
      cookieFile: false,
      cwd: options.cwd,
      optionsLabel: "the openpower configuration (powertrack.cookie, aeS, aeV, fetchFile from the config file, .env, environment or --set)",
    },
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
  });
  const sites = optionalList(section, "sites");
  const systems = sites.map((key) => client.forSite(key));
  return {
    vendor: "powertrack",
    client,
    customer: optionalString(section, "customer"),
    backupDir: optionalString(section, "backupDir"),
    now: () => client.clock.now(),
    systems: async () => systems,
    refreshIntervalMs(count) {
      // Site data is refreshed by the gateways every few minutes; a site read is a few requests.
      return Math.max(60_000, count * 2_000);
    },
    budgetNote: () => "powertrack: sites polled at most once a minute",
    async close() {
      client.close();
    },
  };
}

function client(session: VendorSession): PowerTrackClient {
  return session.client as PowerTrackClient;
}

function customerOf(session: VendorSession, given: string | undefined): string {
  const customer = given ?? (session as PowerTrackSession).customer;
  if (!customer) throw new UsageError("Name the customer (e.g. C1234), or set [powertrack] customer in the config.", { field: "customer" });
  return customer;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}.`, { field: "file" });
  }
}

function readJson(path: unknown, option: string): unknown {
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
function fieldsOf(sets: unknown): Record<string, string> {
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

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

const writeOptions = [
  { flags: "-y, --yes", description: "do not ask for confirmation" },
  { flags: "--dry-run", description: "plan and print the change; send nothing" },
  { flags: "--no-verify", description: "do not read back after writing" },
] as const;

function writeOpts(o: Record<string, unknown>, dryRun: boolean, session: VendorSession, ctx: CommandHost): Promise<WriteOptions> {
  return backupStore(session, ctx).then((backup) => ({ dryRun, verify: o.verify !== false && !dryRun, backup }));
}

async function backupStore(session: VendorSession, ctx: CommandHost) {
  const { DirectoryBackupStore } = await import("../../powertrack/index.js");
  return new DirectoryBackupStore((session as PowerTrackSession).backupDir ?? join(ctx.paths.dataDir, "powertrack-backups"));
}

/**
 * One PowerTrack write: show the change (a dry run) and confirm, then plan → PUT → read back (the
 * client does that), and audit. `send` gets the write options of each step.
 */
function update<R extends EditResult>(
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
    outcome: (r) => ({
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
function fieldEdit(target: EditTarget, name: string, method: string, what: string, keyArg: string): VendorCommand {
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

// ---------------------------------------------------------------------------------- bulk-update

async function bulkUpdate(s: VendorSession, o: Record<string, unknown>, ctx: CommandHost): Promise<undefined> {
  const { parseEditsCsv, planBulkEdits, applyBulkPlan } = await import("../../powertrack/index.js");
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
      device: `bulk-update ${o.file}`,
      request: { file: o.file, limit: limit ?? null, items: plan.items.length },
      before: Object.fromEntries(written.map((r) => [r.id, r.changes.map((ch) => ({ field: ch.field, value: ch.before }))])),
      after: Object.fromEntries(written.map((r) => [r.id, r.changes.map((ch) => ({ field: ch.field, value: ch.after }))])),
      readBack: Object.fromEntries(written.filter((r) => r.mismatches.length > 0).map((r) => [r.id, r.mismatches])),
      taken: report
        ? report.results.map((r) => ({
            target: r.id,
            sent: r.sent,
            taken: r.taken,
            ...(r.error ? { error: r.error.message } : r.reason ? { error: r.reason } : {}),
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
      ? r.error.message
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
      `${bad} of ${writes} write(s) did not complete (see the report); re-running the same file is safe: applied items are detected as alreadyApplied.`,
    );
  }
  if (report.aborted) throw new PartialFailure(`The run stopped early: ${report.aborted}. Re-running the same file is safe.`);
  return undefined;
}

/** Items whose write failed, did not take, or met a changed object. */
function badItems(report: BulkApplyReport): number {
  return report.results.filter((r) => r.status === "notTaken" || r.status === "failed" || r.status === "conflict").length;
}

const COMMANDS: readonly VendorCommand[] = [
  {
    name: "portfolio",
    method: "getPortfolioOverview",
    description: "every site's live metrics for a customer, with portfolio totals (kW, kWh)",
    tabular: true,
    args: [{ name: "customer", description: "customer key, e.g. C1234 (default: [powertrack] customer)", optional: true }],
    examples: ["openpower powertrack portfolio C1234 --csv > portfolio.csv"],
    run: (s, a) => client(s).getPortfolioOverview(customerOf(s, a[0])),
  },
  {
    name: "site-overview",
    method: "getSiteOverview",
    description: "one site's portfolio row",
    args: [{ name: "site", description: "site key, e.g. S12345" }],
    run: (s, a) => client(s).getSiteOverview(a[0]!),
  },
  {
    name: "site-info",
    method: "getSiteDetailedInfo",
    description: "address, capacities, contracts",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteDetailedInfo(a[0]!),
  },
  {
    name: "site-config",
    method: "getSiteConfig",
    description: "the editable site configuration",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteConfig(a[0]!),
  },
  {
    name: "site-hardware",
    method: "getSiteHardware",
    description: "the editable hardware list of a site (raw)",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteHardware(a[0]!),
  },
  {
    name: "sites",
    method: "getSites",
    description: "a site list: from a customer's portfolio or a SiteList JSON file",
    tabular: true,
    options: [
      { flags: "--customer <key>", description: "customer key (default: [powertrack] customer)" },
      { flags: "--file <path>", description: "a SiteList.json" },
    ],
    run: async (s, _a, o) =>
      (
        await client(s).getSites(
          typeof o.file === "string" ? { file: o.file } : { customerId: customerOf(s, o.customer as string | undefined) },
        )
      ).toJSON(),
  },
  {
    name: "site-links",
    method: "getSiteLinks",
    description: "dashboards and external links of a site",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteLinks(a[0]!),
  },
  {
    name: "site-shares",
    method: "getSiteShares",
    description: "customers a site is shared with",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteShares(a[0]!),
  },
  {
    name: "chart",
    method: "getChartData",
    description: "a site chart for local days (255 overview, 1 energy/losses KPI)",
    args: [
      { name: "chartType", description: "e.g. 255" },
      { name: "site", description: "site key" },
    ],
    options: [
      { flags: "--start <date>", description: "first local day YYYY-MM-DD (default end − 7 days)" },
      { flags: "--end <date>", description: "last local day (default today)" },
      { flags: "--bin-size <minutes>", description: "15, 60, 1440 ..." },
      { flags: "--time-zone <zone>", description: "the site's IANA zone (default UTC)" },
    ],
    run: (s, a, o) =>
      client(s).getChartData(intArg(a[0], "chartType", 0), a[1]!, {
        startDate: o.start as string | undefined,
        endDate: o.end as string | undefined,
        binSize: o.binSize === undefined ? undefined : intArg(o.binSize, "--bin-size", 1),
        timeZone: o.timeZone as string | undefined,
      }),
  },
  {
    name: "chart-definitions",
    method: "getChartDefinitions",
    description: "the predefined charts",
    tabular: true,
    run: (s) => client(s).getChartDefinitions(),
  },
  {
    name: "site-production",
    method: "getSiteHardwareProduction",
    description: "live production of every device of a site",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteHardwareProduction(a[0]!),
  },
  {
    name: "hardware-list",
    method: "getHardwareList",
    description: "a site's devices with their live registers",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getHardwareList(a[0]!),
  },
  {
    name: "hardware-details",
    method: "getHardwareDetails",
    description: "one device's configuration",
    args: [{ name: "hardware", description: "hardware key, e.g. H12345" }],
    run: (s, a) => client(s).getHardwareDetails(a[0]!),
  },
  {
    name: "hardware-diagnostics",
    method: "getHardwareDiagnostics",
    description: "one device's status and registers",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getHardwareDiagnostics(a[0]!),
  },
  {
    name: "driver-settings",
    method: "getDriverSettings",
    description: "one device's driver settings",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getDriverSettings(a[0]!),
  },
  {
    name: "driver-settings-list",
    method: "getDriverSettingsList",
    description: "a driver settings list",
    args: [{ name: "listId", description: "list id" }],
    run: (s, a) => client(s).getDriverSettingsList(a[0]!),
  },
  {
    name: "driver-list",
    method: "getDriverList",
    description: "drivers of a function code (default 2, production meters)",
    tabular: true,
    args: [{ name: "functionCode", description: "function code", optional: true }],
    run: (s, a) => client(s).getDriverList(a[0] === undefined ? undefined : intArg(a[0], "functionCode", 0)),
  },
  {
    name: "register-offsets",
    method: "getRegisterOffsets",
    description: "one device's register offsets",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getRegisterOffsets(a[0]!),
  },
  {
    name: "nodes",
    method: "getNodes",
    description: "the node tree under a key (customer, site, hardware)",
    tabular: true,
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--filter <text>", description: "filter by name" }],
    run: (s, a, o) => client(s).getNodes(a[0]!, { filter: o.filter as string | undefined }),
  },
  {
    name: "alert-triggers",
    method: "getAlertTriggers",
    description: "one device's alert triggers and defaults",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getAlertTriggers(a[0]!),
  },
  {
    name: "alert-summary",
    method: "getAlertSummary",
    description: "active alerts of a customer, site or device",
    args: [{ name: "key", description: "C…, S… or H… key" }],
    run: (s, a) => {
      const key = a[0]!;
      const scope = key.startsWith("C") ? { customerId: key } : key.startsWith("S") ? { siteId: key } : { hardwareId: key };
      return client(s).getAlertSummary(scope);
    },
  },
  {
    name: "modeling",
    method: "getModelingData",
    description: "the PV model of a site (S) or inverter (H)",
    args: [{ name: "key", description: "S… or H… key" }],
    run: (s, a) => client(s).getModelingData(a[0]!),
  },
  {
    name: "pv-model-curves",
    method: "getPvModelCurves",
    description: "efficiency-curve or incidence-angle models",
    args: [{ name: "type", description: "efficiencycurvemodels | incidenceanglemodels", optional: true }],
    run: (s, a) => client(s).getPvModelCurves((a[0] as "efficiencycurvemodels" | undefined) ?? "efficiencycurvemodels"),
  },
  {
    name: "pvsyst-modules",
    method: "getPvsystModules",
    description: "PVsyst modules of a site or device",
    args: [{ name: "key", description: "S… or H… key" }],
    run: (s, a) => client(s).getPvsystModules(a[0]!.startsWith("H") ? { hardwareId: a[0]! } : { siteId: a[0]! }),
  },
  {
    name: "reporting-capabilities",
    method: "getReportingCapabilities",
    description: "what the account can report",
    run: (s) => client(s).getReportingCapabilities(),
  },
  {
    name: "user-preferences",
    method: "getUserPreferences",
    description: "the signed-in user's preferences",
    run: (s) => client(s).getUserPreferences(),
  },
  {
    name: "audit-log",
    method: "getAuditLog",
    description: "PowerTrack's audit log of an object",
    tabular: true,
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--recursive", description: "include children" }],
    run: (s, a, o) => client(s).getAuditLog(a[0]!, { recursive: o.recursive === true }),
  },
  {
    name: "report-configs",
    method: "getReportConfigs",
    description: "report configurations of an object",
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--filter <text>", description: "filter" }],
    run: (s, a, o) => client(s).getReportConfigs(a[0]!, { filter: o.filter as string | undefined }),
  },
  {
    name: "site-data",
    method: "getSiteData",
    description: "everything about one site: config, hardware, alerts, modeling (parts that fail are listed)",
    args: [{ name: "site", description: "site key" }],
    options: [
      { flags: "--no-hardware", description: "skip hardware details" },
      { flags: "--no-alerts", description: "skip alert triggers" },
      { flags: "--no-modeling", description: "skip modeling" },
    ],
    run: (s, a, o) =>
      client(s).getSiteData(a[0]!, {
        includeHardware: o.hardware !== false,
        includeAlerts: o.alerts !== false,
        includeModeling: o.modeling !== false,
      }),
  },
  fieldEdit("site", "update-site-config", "updateSiteConfig", "site configuration", "site"),
  fieldEdit("hardware", "update-hardware-config", "updateHardwareConfig", "device configuration", "hardware"),
  fieldEdit("modeling", "update-modeling-data", "updateModelingData", "PV model", "key"),
  {
    name: "update-site-hardware",
    method: "updateSiteHardware | bulkUpdateHardware",
    description: "change rows of a site's hardware list from a JSON file ([{hardwareKey, ...changes}])",
    write: true,
    args: [{ name: "site", description: "site key" }],
    options: [{ flags: "--file <path>", description: "JSON list of rows" }, ...writeOptions],
    run: (s, a, o, ctx) => {
      const rows = readJson(o.file, "--file") as Array<Record<string, unknown> & { hardwareKey: string }>;
      return update(ctx, s, o, a[0]!, "Change the hardware list", "updateSiteHardware", { rows }, (opts) =>
        client(s).updateSiteHardware(a[0]!, rows, opts),
      );
    },
  },
  {
    name: "update-alert-trigger",
    method: "updateAlertTriggers",
    description: "change one alert trigger from a JSON file ({key, ...changes})",
    write: true,
    args: [{ name: "hardware", description: "hardware key" }],
    options: [{ flags: "--file <path>", description: "JSON trigger with its key" }, ...writeOptions],
    run: (s, a, o, ctx) => {
      const trigger = readJson(o.file, "--file") as Record<string, unknown> & { key: string };
      return update(ctx, s, o, a[0]!, "Change an alert trigger", "updateAlertTriggers", { trigger }, (opts) =>
        client(s).updateAlertTriggers(a[0]!, trigger, opts),
      );
    },
  },
  {
    name: "add-alert-trigger",
    method: "addAlertTrigger",
    description: "add an alert trigger from a JSON file ({alertTypeKey, ...})",
    write: true,
    args: [{ name: "hardware", description: "hardware key" }],
    options: [{ flags: "--file <path>", description: "JSON trigger" }, ...writeOptions],
    run: (s, a, o, ctx) => {
      const trigger = readJson(o.file, "--file") as Record<string, unknown> & { alertTypeKey: string };
      return update(ctx, s, o, a[0]!, "Add an alert trigger", "addAlertTrigger", { trigger }, (opts) =>
        client(s).addAlertTrigger(a[0]!, trigger, opts),
      );
    },
  },
  {
    name: "delete-alert-trigger",
    method: "deleteAlertTrigger",
    description: "delete one alert trigger",
    write: true,
    args: [
      { name: "hardware", description: "hardware key" },
      { name: "trigger", description: "trigger key" },
    ],
    options: [...writeOptions],
    run: (s, a, o, ctx) =>
      update(ctx, s, o, a[0]!, `Delete alert trigger ${a[1]}`, "deleteAlertTrigger", { trigger: a[1] }, (opts) =>
        client(s).deleteAlertTrigger(a[0]!, a[1]!, opts),
      ),
  },
  {
    name: "update-inverter-model",
    method: "updateInverterModel",
    description: "change an inverter's PV model from a JSON file",
    write: true,
    args: [{ name: "hardware", description: "hardware key" }],
    options: [{ flags: "--file <path>", description: "JSON inverter model" }, ...writeOptions],
    run: (s, a, o, ctx) => {
      const model = readJson(o.file, "--file") as Record<string, unknown>;
      return update(ctx, s, o, a[0]!, "Change the inverter model", "updateInverterModel", { model }, (opts) =>
        client(s).updateInverterModel(a[0]!, model, opts),
      );
    },
  },
  {
    name: "update-hardware-driver",
    method: "updateHardwareDriver",
    description:
      "change a device's driver, driver settings or register offsets from a JSON file ({driverId?, settings?, registerOffsets?})",
    write: true,
    args: [{ name: "hardware", description: "hardware key" }],
    options: [{ flags: "--file <path>", description: "JSON driver changes" }, ...writeOptions],
    run: (s, a, o, ctx) => {
      const driver = readJson(o.file, "--file") as Record<string, unknown>;
      return update(ctx, s, o, a[0]!, "Change the device driver", "updateHardwareDriver", { driver }, (opts) =>
        client(s).updateHardwareDriver(a[0]!, driver, opts),
      );
    },
  },
  {
    name: "update-bifacial-settings",
    method: "updateBifacialSettings",
    description: "set an inverter's bifacial ratio",
    write: true,
    args: [
      { name: "hardware", description: "hardware key" },
      { name: "ratio", description: "bifacial ratio, e.g. 0.7" },
    ],
    options: [...writeOptions],
    run: (s, a, o, ctx) => {
      const bifacialRatio = numberArg(a[1], "ratio");
      return update(ctx, s, o, a[0]!, `Set the bifacial ratio to ${bifacialRatio}`, "updateBifacialSettings", { bifacialRatio }, (opts) =>
        client(s).updateBifacialSettings(a[0]!, { bifacialRatio }, opts),
      );
    },
  },
  {
    name: "start-report",
    method: "startReport",
    description: "start a report task for a source key",
    write: true,
    args: [{ name: "sourceKey", description: "C…, S… or H… key" }],
    options: [{ flags: "--command <n>", description: "task command number" }, ...writeOptions.slice(0, 2)],
    run: (s, a, o, ctx) =>
      performWrite(ctx, {
        vendor: "powertrack",
        device: a[0]!,
        description: `Start a report for ${a[0]}`,
        target: "POST /api/task/start",
        request: { sourceKey: a[0], command: o.command ?? null },
        // A dry run only echoes the request: nothing to show beyond the question.
        preview: false,
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        send: (dryRun) =>
          client(s).startReport(a[0]!, { dryRun, ...(o.command === undefined ? {} : { command: intArg(o.command, "--command", 0) }) }),
        outcome: (r) => ({
          target: "POST /api/task/start",
          sent: r.sent,
          taken: null,
          before: null,
          after: r.request,
          readBack: r.response,
        }),
      }),
  },
  {
    name: "upload-pan",
    method: "uploadPanData",
    description: "add a PVsyst module to the module library, from a .PAN text file or a JSON file of the module members",
    write: true,
    args: [{ name: "file", description: "PVsyst .PAN (text) or .json" }],
    options: [
      {
        flags: "--verify-key <key>",
        description: "site or inverter key whose module list is checked before (duplicates) and after (new id)",
      },
      { flags: "--cell-type <n>", description: "PowerTrack cell type code when the PAN technology has no known one (0 = monocrystalline)" },
      { flags: "--allow-duplicate", description: "upload even when the list already has this manufacturer and model" },
      ...writeOptions,
    ],
    run: (s, a, o, ctx) => {
      const file = a[0]!;
      const module = /\.json$/i.test(file) ? (readJson(file, "file") as PvsystModule) : readText(file);
      const options = {
        ...(typeof o.verifyKey === "string" ? { verifyKey: o.verifyKey } : {}),
        ...(o.cellType === undefined ? {} : { cellType: intArg(o.cellType, "--cell-type", 0) }),
        allowDuplicate: o.allowDuplicate === true,
        verify: o.verify !== false,
      };
      return performWrite(ctx, {
        vendor: "powertrack",
        device: typeof o.verifyKey === "string" ? o.verifyKey : "module library",
        description: `Upload the PVsyst module in ${file}`,
        target: "POST /api/edit/pvsystmodule",
        request: { file, ...options },
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        send: (dryRun) => client(s).uploadPanData(module, { ...options, dryRun }),
        outcome: (r) => ({
          target: "POST /api/edit/pvsystmodule",
          sent: r.sent,
          taken: r.taken,
          before: null,
          after: r.request,
          readBack: r.createdKey ?? null,
        }),
      });
    },
  },
  {
    name: "create-report-config",
    method: "createReportConfig",
    description: "create a report configuration from a JSON file (start from report-config-template)",
    write: true,
    options: [
      { flags: "--file <path>", description: "JSON report configuration (reportTitle, parentKey, sourceItems, …)" },
      { flags: "--verify-key <key>", description: "whose report configs are checked before and after (default: the first source item)" },
      { flags: "--allow-duplicate", description: "create even when a config of the same title exists" },
      ...writeOptions,
    ],
    run: (s, _a, o, ctx) => {
      const config = readJson(o.file, "--file") as Record<string, unknown>;
      const options = {
        ...(typeof o.verifyKey === "string" ? { verifyKey: o.verifyKey } : {}),
        allowDuplicate: o.allowDuplicate === true,
        verify: o.verify !== false,
      };
      return performWrite(ctx, {
        vendor: "powertrack",
        device: typeof config.parentKey === "string" ? config.parentKey : "report configs",
        description: `Create the report configuration "${String(config.reportTitle)}"`,
        target: "POST /api/reportconfig",
        request: { config, ...options },
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        send: (dryRun) => client(s).createReportConfig(config, { ...options, dryRun }),
        outcome: (r) => ({
          target: "POST /api/reportconfig",
          sent: r.sent,
          taken: r.taken,
          before: null,
          after: r.request,
          readBack: r.createdKey ?? null,
        }),
      });
    },
  },
  {
    name: "report-config-template",
    method: "getReportConfigTemplate",
    description: "a blank report configuration to fill in for create-report-config",
    args: [{ name: "customer", description: "customer key (default: [powertrack] customer)", optional: true }],
    options: [{ flags: "--type <n>", description: "report type number (default 0)" }],
    run: (s, a, o) => client(s).getReportConfigTemplate(customerOf(s, a[0]), o.type === undefined ? 0 : intArg(o.type, "--type", 0)),
  },
  {
    name: "bulk-read",
    method: "readSiteConfigs | readHardwareLists | readSiteData | readHardwareDiagnostics | readAlertTriggers",
    description: "read many sites (or devices) at once, within the client's concurrency, with a progress bar; failures are listed per key",
    args: [
      { name: "what", description: "site-configs | hardware-lists | site-data | hardware-diagnostics | alert-triggers" },
      {
        name: "keys",
        description: "site keys (hardware keys for diagnostics and alert triggers); default: every site of the customer",
        optional: true,
        variadic: true,
      },
    ],
    options: [
      { flags: "--customer <key>", description: "customer whose sites to read (default: [powertrack] customer)" },
      { flags: "--limit <n>", description: "read at most n keys" },
    ],
    examples: [
      "openpower powertrack bulk-read site-configs --customer C1234 > configs.json",
      "openpower powertrack bulk-read hardware-diagnostics H1001 H1002",
    ],
    run: async (s, a, o, ctx) => {
      const pt = await import("../../powertrack/index.js");
      const readers = {
        "site-configs": pt.readSiteConfigs,
        "hardware-lists": pt.readHardwareLists,
        "site-data": pt.readSiteData,
        "hardware-diagnostics": pt.readHardwareDiagnostics,
        "alert-triggers": pt.readAlertTriggers,
      } as const;
      const what = a[0] as keyof typeof readers;
      if (!(what in readers))
        throw new UsageError(`what must be one of ${Object.keys(readers).join(", ")}, got ${JSON.stringify(a[0])}.`, { field: "what" });
      let keys = a.slice(1);
      if (keys.length === 0) {
        if (what === "hardware-diagnostics" || what === "alert-triggers")
          throw new UsageError(`${what} needs hardware keys (H...).`, { field: "keys" });
        keys = (await client(s).getSites({ customerId: customerOf(s, o.customer as string | undefined) })).sites.map((site) => site.key);
      }
      const limit = o.limit === undefined ? undefined : intArg(o.limit, "--limit", 1);
      const progress = createProgress(ctx.io.stderr, { total: Math.min(keys.length, limit ?? Infinity), title: what });
      let report: Awaited<ReturnType<typeof pt.bulkRead>>;
      try {
        report = await (readers[what] as (c: PowerTrackClient, k: string[], opts: object) => ReturnType<typeof pt.bulkRead>)(
          client(s),
          keys,
          { limit, onProgress: (p: { key: string }) => progress.tick(1, p.key) },
        );
      } finally {
        progress.stop();
      }
      ctx.out.json(report);
      if (report.failed > 0 || report.aborted) {
        throw new PartialFailure(
          `${report.failed} of ${report.total} reads failed${report.aborted ? ` (stopped: ${report.aborted})` : ""}; see "failures".`,
        );
      }
      return undefined;
    },
  },
  {
    name: "bulk-update",
    method: "planBulkEdits + applyBulkPlan",
    human: true,
    description:
      "edit many objects from a CSV (key column + field paths): plans and prints a dry run; --apply writes, saves originals, reads back",
    write: true,
    options: [
      { flags: "--file <path>", description: "the CSV: key,<field path>,... (see docs/powertrack.md)" },
      { flags: "--apply", description: "write (default: dry run, nothing is sent)" },
      { flags: "--limit <n>", description: "write at most n objects" },
      { flags: "--target <name>", description: "site | hardware | siteHardware | modeling (default: from the key prefix)" },
      { flags: "-y, --yes", description: "do not ask for confirmation" },
      { flags: "--no-verify", description: "do not read back after writing" },
      { flags: "--json", description: "JSON output" },
    ],
    examples: ["openpower powertrack bulk-update --file edits.csv", "openpower powertrack bulk-update --file edits.csv --apply --limit 10"],
    run: (s, _a, o, ctx) => bulkUpdate(s, o, ctx),
  },
];

export const plugin: VendorPlugin = {
  name: "powertrack",
  title: "AlsoEnergy PowerTrack",
  settings: SETTINGS,
  provides: { systems: true, batterySchedule: false, ev: false, prices: false },
  isConfigured: (section) =>
    section !== undefined && (section.cookie !== undefined || section.aeS !== undefined || section.fetchFile !== undefined),
  connect,
  async check(session) {
    const prefs = await client(session).getUserPreferences();
    const name = (prefs as { userName?: unknown; name?: unknown }).userName ?? (prefs as { name?: unknown }).name;
    return `session accepted${typeof name === "string" && name ? ` (user ${name})` : ""}`;
  },
  async startSimulator(options) {
    const { startPowerTrackSimulator } = await import("../../sim/powertrack/index.js");
    const sim = await startPowerTrackSimulator({ clock: options.clock, seed: options.seed, port: options.port, sites: 12 });
    return {
      vendor: "powertrack",
      section: {
        cookie: sim.credentials.cookie,
        aeS: sim.credentials.aeS,
        aeV: sim.credentials.aeV,
        baseUrl: sim.url,
        sites: sim.sites.slice(0, 2),
        customer: sim.customers[0]!,
      },
      info: `PowerTrack on ${sim.url}: customer ${sim.customers[0]}, ${sim.sites.length} sites`,
      handle: sim,
      close: () => sim.close(),
    };
  },
  commands: () => COMMANDS,
};

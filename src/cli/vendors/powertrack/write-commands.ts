import type { PowerTrackClient, PvsystModule } from "../../../powertrack/index.js";
import { performWrite, writeResult } from "../../commands/write-flow.js";
import { PartialFailure, UsageError } from "../../errors.js";
import { createProgress } from "../../output/progress.js";
import { intArg, numberArg } from "../common.js";
import type { VendorCommand } from "../types.js";

import { client, customerOf } from "./session.js";
import { fieldEdit, readJson, readText, update, writeOptions } from "./write.js";
import { bulkRestore, bulkUpdate } from "./bulk.js";

/** The write commands of `openpower powertrack` (and the bulk ones): each asks, reads back and is audited. */
export const WRITE_COMMANDS: readonly VendorCommand[] = [
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
        outcome: (r) =>
          writeResult({
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
        outcome: (r) =>
          writeResult({
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
        outcome: (r) =>
          writeResult({
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
      const pt = await import("../../../powertrack/index.js");
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
  {
    name: "bulk-restore",
    method: "planRestoreFromBackups + applyBulkPlan",
    human: true,
    description: "put back the originals bulk-update saved (a dry run first; --apply writes, reads back and is audited)",
    write: true,
    options: [
      { flags: "--from <dir>", description: "the backup directory (default: powertrack.backupDir, else <data dir>/powertrack-backups)" },
      { flags: "--apply", description: "write (default: dry run, nothing is sent)" },
      { flags: "-y, --yes", description: "do not ask for confirmation" },
      { flags: "--no-verify", description: "do not read back after writing" },
      { flags: "--json", description: "JSON output" },
    ],
    examples: ["openpower powertrack bulk-restore", "openpower powertrack bulk-restore --from ./backups --apply"],
    run: (s, _a, o, ctx) => bulkRestore(s, o, ctx),
  },
];

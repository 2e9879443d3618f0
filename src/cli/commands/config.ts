import { existsSync, readFileSync } from "node:fs";
import { registerSecret } from "../../core/redact.js";
import { coerce, loadConfig, readConfigFile } from "../config/load.js";
import { maskSecret } from "../config/mask.js";
import type { SectionValues, SettingSpec, SettingValue } from "../config/settings.js";
import { initFlag, initOptionKey } from "../config/vendor-settings.js";
import { HEADER, writeConfigFile } from "../config/write.js";
import type { CommandContext } from "../context.js";
import { describeCause, describeError, ExitCode, PartialFailure, UsageError } from "../errors.js";
import type { Column } from "../output/output.js";
import { askChoices, askText, canPrompt } from "../prompt.js";
import { isVendor, VENDORS } from "../vendors/registry.js";
import type { VendorPlugin } from "../vendors/types.js";
import type { Vendor } from "../../model/types.js";

export function parseVendorList(text: string | undefined, option: string): Vendor[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== "");
  const unknown = names.filter((n) => !isVendor(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `${option} takes a comma-separated list of ${VENDORS.join(", ")}; ${unknown.length > 0 ? `unknown: ${unknown.join(", ")}` : "the list is empty"}.`,
      { field: option },
    );
  }
  return names as Vendor[];
}

function formatSetting(setting: SettingSpec, value: SettingValue | undefined): string {
  if (value === undefined) return "(not set)";
  if (setting.secret) return Array.isArray(value) ? value.map((v) => maskSecret(v)).join(", ") : maskSecret(String(value));
  return Array.isArray(value) ? value.join(", ") : String(value);
}

// ------------------------------------------------------------------------------------------ init

export async function init(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const plugins = await ctx.plugins();
  const file = ctx.paths.configFile;
  const existing = loadConfig({
    file,
    fileRequired: false,
    env: {},
    cwd: ctx.io.cwd,
    overrides: [],
    sections: plugins.map((p) => ({ name: p.name, title: p.title, settings: p.settings })),
    fileOnly: true,
  });
  for (const warning of existing.warnings) ctx.out.warn(warning);
  const sections: Record<string, SectionValues> = structuredClone(existing.sections);
  // What is written back: the file as parsed, so that sections and keys openpower does not know
  // (a newer version's, a typo the user will fix) survive; only the settings changed here change.
  const document = structuredClone(readConfigFile(file, false).data);
  const interactive = opts.input !== false && canPrompt(ctx.io);
  const force = opts.force === true;

  const flagged = plugins.filter((p) => p.settings.some((s) => opts[initOptionKey(p.name, s.key)] !== undefined)).map((p) => p.name);
  let vendors = parseVendorList(opts.vendors as string | undefined, "--vendors");
  if (!vendors && interactive) {
    const picked = await askChoices(
      ctx.io,
      "Which vendors do you use?",
      plugins.map((p) => ({ value: p.name, name: p.title, checked: flagged.includes(p.name) || existing.sections[p.name] !== undefined })),
    );
    vendors = picked as Vendor[];
  }
  vendors ??= flagged;
  if (vendors.length === 0) {
    throw new UsageError(
      'Nothing to configure: not on a terminal (or --no-input) and no setting flags given. Pass flags such as --amber-token psk_..., or run "openpower config init" in a terminal.',
      { field: "--vendors" },
    );
  }

  const changed: string[] = [];
  for (const plugin of plugins.filter((p) => vendors.includes(p.name))) {
    const section = (sections[plugin.name] ??= {});
    for (const setting of plugin.settings) {
      const optionKey = initOptionKey(plugin.name, setting.key);
      const flag = opts[optionKey];
      const current = section[setting.key];
      const where = `${plugin.name}.${setting.key}`;
      let next: SettingValue | undefined;
      if (typeof flag === "string") {
        next = coerce(flag, setting, initFlag(plugin.name, setting.key), "usage");
        if (current !== undefined && !sameValue(current, next) && !force && !interactive) {
          throw new UsageError(`${where} is already set in ${file}; pass --force to replace it. Nothing was written.`, { field: where });
        }
      } else if (interactive && setting.init) {
        const shown = current === undefined ? "" : setting.secret ? ` (Enter keeps ${formatSetting(setting, current)})` : "";
        const answer = await askText(ctx.io, `${plugin.title}: ${setting.description}${shown}`, {
          default: setting.secret || current === undefined ? undefined : Array.isArray(current) ? current.join(",") : String(current),
          secret: setting.secret,
          validate: (v) => {
            if (v.trim() === "") return true;
            try {
              coerce(v, setting, where);
              return true;
            } catch (error) {
              return (error as Error).message;
            }
          },
        });
        if (answer.trim() !== "") next = coerce(answer, setting, where);
      }
      if (setting.secret && typeof next === "string") registerSecret(next);
      if (next !== undefined && !sameValue(current, next)) {
        section[setting.key] = next;
        ((document[plugin.name] ??= {}) as SectionValues)[setting.key] = next;
        changed.push(where);
      }
    }
  }

  // Without a terminal, a vendor named by --vendors but given no value would be written as nothing.
  if (!interactive) {
    const empty = vendors.filter((v) => !changed.some((c) => c.startsWith(`${v}.`)) && existing.sections[v] === undefined);
    if (empty.length > 0) {
      const flags = empty.flatMap((v) =>
        (plugins.find((p) => p.name === v)?.settings ?? []).filter((s) => s.init).map((s) => initFlag(v, s.key)),
      );
      throw new UsageError(
        `No settings given for ${empty.join(", ")} (not on a terminal, or --no-input): pass ${flags.slice(0, 4).join(", ")}${flags.length > 4 ? ", ..." : ""}. Nothing was written.`,
        { field: "--vendors" },
      );
    }
  }
  if (changed.length === 0 && existsSync(file)) {
    ctx.out.note(`Nothing changed; ${file} is as it was.`);
    return ExitCode.ok;
  }
  const comments =
    existsSync(file) &&
    readFileSync(file, "utf8")
      .replace(HEADER, "")
      .split("\n")
      .some((line) => line.trim().startsWith("#"));
  writeConfigFile(file, document);
  ctx.out.print(`Wrote ${file} (mode 0600): ${changed.length > 0 ? `set ${changed.join(", ")}` : "no settings"}.`);
  if (comments)
    ctx.out.warn(`the comments in ${file} were not kept (the file is rewritten from its settings; unknown sections and keys are kept).`);
  ctx.out.print('Next: "openpower config check" makes one cheap call per credential.');
  return ExitCode.ok;
}

function sameValue(a: SettingValue | undefined, b: SettingValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ----------------------------------------------------------------------------------------- check

interface CheckRow {
  vendor: Vendor;
  ok: boolean;
  detail: string;
  credentials: string;
}

export async function check(ctx: CommandContext, opts: { vendor?: string }): Promise<number> {
  const only = parseVendorList(opts.vendor, "--vendor");
  const [plugins, config] = await Promise.all([ctx.plugins(), ctx.config()]);
  const { sessions, failures } = await ctx.sessions(only);
  const rows: CheckRow[] = [];
  const credentials = (plugin: VendorPlugin) =>
    plugin.settings
      .filter((s) => s.secret || s.key === "baseUrl" || s.key === "host")
      .filter((s) => config.sections[plugin.name]?.[s.key] !== undefined)
      .map((s) => `${s.key} ${formatSetting(s, config.sections[plugin.name]?.[s.key])} (${config.sources[`${plugin.name}.${s.key}`]})`)
      .join(", ");
  for (const failure of failures) {
    const plugin = plugins.find((p) => p.name === failure.vendor)!;
    rows.push({ vendor: failure.vendor, ok: false, detail: describeCause(failure.error), credentials: credentials(plugin) });
  }
  await Promise.all(
    sessions.map(async (session) => {
      const plugin = plugins.find((p) => p.name === session.vendor)!;
      try {
        rows.push({ vendor: session.vendor, ok: true, detail: await plugin.check(session), credentials: credentials(plugin) });
      } catch (error) {
        if (ctx.debug) ctx.out.note(describeError(error, { debug: true }));
        rows.push({ vendor: session.vendor, ok: false, detail: describeCause(error), credentials: credentials(plugin) });
      }
    }),
  );
  const order = (v: Vendor) => VENDORS.indexOf(v);
  rows.sort((a, b) => order(a.vendor) - order(b.vendor));
  const columns: Column<CheckRow>[] = [
    { header: "vendor", value: (r) => r.vendor },
    { header: "ok", value: (r) => r.ok, show: (r, c) => (r.ok ? c.green("ok") : c.red("FAILED")) },
    { header: "result", value: (r) => r.detail },
    { header: "credentials", value: (r) => r.credentials },
  ];
  if (ctx.out.isJson) ctx.out.json({ ok: rows.every((r) => r.ok), results: rows });
  else ctx.out.table(columns, rows);
  const okCount = rows.filter((r) => r.ok).length;
  if (okCount === rows.length) return ExitCode.ok;
  if (okCount === 0) return ExitCode.error;
  throw new PartialFailure(`${rows.length - okCount} of ${rows.length} credentials failed; see the table above.`);
}

// ------------------------------------------------------------------------------------------ show

interface ShowRow {
  setting: string;
  value: string;
  source: string;
}

export async function show(ctx: CommandContext): Promise<number> {
  const [plugins, config] = await Promise.all([ctx.plugins(), ctx.config()]);
  for (const warning of Object.values(config.ignored).flat()) ctx.out.warn(warning);
  const rows: ShowRow[] = [];
  const masked: Record<string, Record<string, unknown>> = {};
  for (const plugin of plugins) {
    for (const setting of plugin.settings) {
      const value = config.sections[plugin.name]?.[setting.key];
      const key = `${plugin.name}.${setting.key}`;
      rows.push({ setting: key, value: formatSetting(setting, value), source: config.sources[key] ?? "" });
      if (value !== undefined) (masked[plugin.name] ??= {})[setting.key] = setting.secret ? formatSetting(setting, value) : value;
    }
  }
  if (ctx.out.isJson) {
    ctx.out.json({
      file: config.file,
      fileExists: config.fileExists,
      dataDir: ctx.paths.dataDir,
      auditLog: ctx.paths.auditLog,
      sections: masked,
      sources: config.sources,
    });
    return ExitCode.ok;
  }
  ctx.out.print(`config file: ${config.file}${config.fileExists ? "" : " (does not exist)"}`);
  ctx.out.table(
    [
      { header: "setting", value: (r: ShowRow) => r.setting },
      { header: "value", value: (r: ShowRow) => r.value, show: (r, c) => (r.value === "(not set)" ? c.dim(r.value) : r.value) },
      { header: "from", value: (r: ShowRow) => r.source },
    ],
    rows,
  );
  return ExitCode.ok;
}

export async function path(ctx: CommandContext): Promise<number> {
  const p = ctx.paths;
  if (ctx.out.isJson) ctx.out.json(p);
  else {
    ctx.out.print(`config file:  ${p.configFile} (${p.configSource === "default" ? "platform default" : `from ${p.configSource}`})`);
    ctx.out.print(`data dir:     ${p.dataDir}`);
    ctx.out.print(`audit log:    ${p.auditLog}`);
  }
  return ExitCode.ok;
}

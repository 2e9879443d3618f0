import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ConfigurationError } from "../../core/errors/index.js";
import { registerSecret } from "../../core/redact.js";
import { UsageError } from "../errors.js";
import { readDotenv } from "./dotenv.js";
import { parseBoolean, type SectionSpec, type SectionValues, type SettingSource, type SettingSpec, type SettingValue } from "./settings.js";

export interface ConfigInputs {
  /** The config file path; it may not exist. */
  file: string;
  /** Whether the file was named explicitly (then it must exist). */
  fileRequired: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** `--dotenv`; default `.env` in `cwd` (optional). */
  envFile?: string;
  /** `--set section.key=value` overrides, in order. */
  overrides: readonly string[];
  sections: readonly SectionSpec[];
  /** Read only the file (for `config init`, which rewrites it). */
  fileOnly?: boolean;
}

export interface ResolvedConfig {
  file: string;
  fileExists: boolean;
  /** The values of each section after merging flags > env > .env > file. */
  sections: Record<string, SectionValues>;
  /** "section.key" → where the value came from. */
  sources: Record<string, SettingSource>;
  /** Things the user should fix but that do not stop the command (unknown keys, loose file mode). */
  warnings: string[];
  /**
   * Per section, environment values refused by a setting's `envGuard`, as warnings: shown when the
   * vendor is used (a stray variable must not nag users of other vendors).
   */
  ignored: Record<string, string[]>;
}

/**
 * Loads the configuration: the TOML file, then `.env`, then the environment, then `--set` flags,
 * each overriding the one before. Values are checked against each setting's type; secrets are
 * registered for redaction as soon as they are read.
 */
export function loadConfig(inputs: ConfigInputs): ResolvedConfig {
  const warnings: string[] = [];
  const ignored: Record<string, string[]> = {};
  const refusals: { section: string; key: string; layer: "dotenv" | "env"; warning: string }[] = [];
  const { data: fileData, exists } = readConfigFile(inputs.file, inputs.fileRequired);
  const envFile = inputs.envFile
    ? isAbsolute(inputs.envFile)
      ? inputs.envFile
      : resolve(inputs.cwd, inputs.envFile)
    : resolve(inputs.cwd, ".env");
  const dotenv = inputs.fileOnly ? {} : readDotenv(envFile, inputs.envFile !== undefined);

  const sections: Record<string, SectionValues> = {};
  const sources: Record<string, SettingSource> = {};
  const known = new Map(inputs.sections.map((s) => [s.name, s]));

  for (const [name, value] of Object.entries(fileData)) {
    const spec = known.get(name);
    if (!spec) {
      warnings.push(`Unknown section [${name}] in ${inputs.file} (known: ${[...known.keys()].join(", ")}); it is ignored.`);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ConfigurationError(
        `${inputs.file}: "${name}" must be a section ([${name}]), not a value. Fix the file or run "openpower config init".`,
        { setting: name },
      );
    }
    for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
      const setting = spec.settings.find((s) => s.key === key);
      if (!setting) {
        warnings.push(
          `Unknown setting ${name}.${key} in ${inputs.file} (known: ${spec.settings.map((s) => s.key).join(", ")}); it is ignored.`,
        );
        continue;
      }
      set(sections, sources, name, setting, fromFile(raw, `${name}.${key}`, setting, inputs.file), "config file");
    }
  }

  for (const spec of inputs.sections) {
    for (const setting of spec.settings) {
      for (const layer of ["dotenv", "env"] as const) {
        const source = inputs.fileOnly ? {} : layer === "env" ? inputs.env : dotenv;
        const name = (setting.env ?? []).find((n) => {
          const value = source[n];
          if (value === undefined || value === "") return false;
          const refused = setting.envGuard?.(n, value);
          if (refused !== undefined)
            refusals.push({
              section: spec.name,
              key: setting.key,
              layer,
              warning: `${refused}${layer === "dotenv" ? ` (from ${envFile})` : ""}`,
            });
          return refused === undefined;
        });
        if (name === undefined) continue;
        const where: SettingSource = layer === "env" ? `env ${name}` : `.env ${name}`;
        set(sections, sources, spec.name, setting, coerce(source[name]!, setting, name), where);
      }
    }
  }

  for (const override of inputs.fileOnly ? [] : inputs.overrides) {
    // A mistake here is on the command line: a usage error (exit 2), like any wrong option.
    const match = /^([a-z]+)\.([A-Za-z]+)=(.*)$/s.exec(override);
    if (!match)
      throw new UsageError(`--set expects section.key=value (for example --set amber.site=01ABC...), got ${JSON.stringify(override)}.`, {
        field: "--set",
      });
    const [, sectionName, key, value] = match as unknown as [string, string, string, string];
    const spec = known.get(sectionName);
    const setting = spec?.settings.find((s) => s.key === key);
    if (!spec || !setting) {
      const hint = spec
        ? `known keys of [${sectionName}]: ${spec.settings.map((s) => s.key).join(", ")}`
        : `known sections: ${[...known.keys()].join(", ")}`;
      throw new UsageError(`--set ${sectionName}.${key}: no such setting (${hint}).`, { field: "--set" });
    }
    set(sections, sources, sectionName, setting, coerce(value, setting, `--set ${sectionName}.${key}`, "usage"), "--set");
  }

  // A refused value matters only when nothing above it set the setting anyway.
  for (const r of refusals) {
    const source = sources[`${r.section}.${r.key}`];
    if (source === "--set" || (r.layer === "dotenv" && source?.startsWith("env "))) continue;
    (ignored[r.section] ??= []).push(r.warning);
  }

  if (exists && hasSecretInFile(fileData, inputs.sections)) {
    const mode = statSync(inputs.file).mode & 0o777;
    if ((mode & 0o077) !== 0 && process.platform !== "win32") {
      warnings.push(`${inputs.file} holds secrets and is readable by others (mode ${mode.toString(8)}): run "chmod 600 ${inputs.file}".`);
    }
  }
  return { file: inputs.file, fileExists: exists, sections, sources, warnings, ignored };
}

export function readConfigFile(file: string, required: boolean): { data: Record<string, unknown>; exists: boolean } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return { data: {}, exists: false };
    if (code === "ENOENT")
      throw new ConfigurationError(
        `The config file ${file} does not exist. Create it with "openpower config init --config ${file}", or check the path.`,
        { setting: "config" },
      );
    throw new ConfigurationError(`Cannot read the config file ${file}: ${(error as Error).message}. Check its permissions.`, {
      setting: "config",
      cause: error,
    });
  }
  try {
    return { data: parseToml(text) as Record<string, unknown>, exists: true };
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!.replace(/[.\s]+$/, "");
    const { line, column } = error as { line?: unknown; column?: unknown };
    const at = typeof line === "number" && typeof column === "number" ? ` at line ${line}, column ${column}` : "";
    throw new ConfigurationError(
      `The config file ${file} is not valid TOML${at}: ${message}. Fix it, or recreate it with "openpower config init --force".`,
      { setting: "config" },
    );
  }
}

function set(
  sections: Record<string, SectionValues>,
  sources: Record<string, SettingSource>,
  section: string,
  setting: SettingSpec,
  value: SettingValue,
  source: SettingSource,
): void {
  if (setting.secret) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") registerSecret(v);
  }
  (sections[section] ??= {})[setting.key] = value;
  sources[`${section}.${setting.key}`] = source;
}

function fromFile(raw: unknown, path: string, setting: SettingSpec, file: string): SettingValue {
  const type = setting.type ?? "string";
  const bad = (expected: string) =>
    new ConfigurationError(`${file}: ${path} must be ${expected}, got ${JSON.stringify(raw)}.`, { setting: path });
  if (type === "list") {
    if (typeof raw === "string") return coerce(raw, setting, path);
    if (!Array.isArray(raw) || !raw.every((v) => typeof v === "string")) throw bad("a list of strings");
    return coerce(raw.join(","), setting, `${file}: ${path}`);
  }
  if (type === "number" && typeof raw !== "number") {
    if (typeof raw === "string") return coerce(raw, setting, path);
    throw bad("a number");
  }
  if (type === "boolean" && typeof raw !== "boolean") throw bad("true or false");
  if (type === "string" && typeof raw !== "string") {
    if (typeof raw === "number") return String(raw);
    throw bad("a string");
  }
  if (setting.choices && !setting.choices.includes(String(raw))) throw bad(`one of ${setting.choices.join(", ")}`);
  if (typeof raw === "string" && raw.trim() !== "")
    checkValue(raw.trim(), setting, `${file}: ${path}`, (m) => new ConfigurationError(m, { setting: path }));
  return raw as SettingValue;
}

/**
 * A value given as text (environment, .env, --set, flags, prompts) converted to the setting's type.
 * A wrong value is a ConfigurationError, or with `kind: "usage"` (a command-line flag) a UsageError.
 */
export function coerce(text: string, setting: SettingSpec, where: string, kind: "config" | "usage" = "config"): SettingValue {
  const value = text.trim();
  const wrong = (message: string) =>
    kind === "usage" ? new UsageError(message, { field: where }) : new ConfigurationError(message, { setting: where });
  switch (setting.type ?? "string") {
    case "number": {
      const n = Number(value);
      if (value === "" || !Number.isFinite(n)) throw wrong(`${where} must be a number, got ${JSON.stringify(value)}.`);
      return n;
    }
    case "boolean": {
      const b = parseBoolean(value);
      if (b === undefined) throw wrong(`${where} must be true or false, got ${JSON.stringify(value)}.`);
      return b;
    }
    case "list": {
      const items = value
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      for (const item of items) checkValue(item, setting, where, wrong);
      return items;
    }
    default:
      if (setting.choices && !setting.choices.includes(value))
        throw wrong(`${where} must be one of ${setting.choices.join(", ")}, got ${JSON.stringify(value)}.`);
      if (value !== "") checkValue(value, setting, where, wrong);
      return setting.secret ? text : value;
  }
}

/** The setting's own check (`SettingSpec.check`); a secret's value is never repeated in the message. */
function checkValue(value: string, setting: SettingSpec, where: string, wrong: (message: string) => Error): void {
  const problem = setting.check?.(value);
  if (problem === undefined) return;
  throw wrong(`${where}: ${setting.secret ? "the value" : JSON.stringify(value)} ${problem}.`);
}

function hasSecretInFile(data: Record<string, unknown>, specs: readonly SectionSpec[]): boolean {
  return specs.some((spec) => {
    const section = data[spec.name];
    if (typeof section !== "object" || section === null) return false;
    return spec.settings.some((s) => s.secret && (section as Record<string, unknown>)[s.key] !== undefined);
  });
}

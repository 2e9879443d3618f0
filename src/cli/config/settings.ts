/**
 * The description of one configuration setting: its key in the TOML section, the environment
 * variables that set it (first wins), and whether it is a secret (masked whenever shown,
 * registered for redaction when loaded).
 */
export interface SettingSpec {
  /** The key in the vendor's TOML section, camelCase. */
  key: string;
  /** Environment variables that set it, in order of preference. */
  env?: readonly string[];
  secret?: boolean;
  type?: "string" | "number" | "boolean" | "list";
  choices?: readonly string[];
  description: string;
  example?: string;
  /** Asked by `openpower config init`. */
  init?: boolean;
  /**
   * Checks a value found in an environment variable or `.env` (not the config file or `--set`):
   * returns a warning to ignore it, or undefined to take it.
   */
  envGuard?(name: string, value: string): string | undefined;
  /**
   * Checks one value (each item of a list) where it is entered, wherever from: returns what is
   * wrong with it, or undefined when it is fine. Only what can be known without asking the vendor.
   */
  check?(value: string): string | undefined;
}

export type SettingValue = string | number | boolean | string[];
export type SectionValues = Record<string, SettingValue | undefined>;

/** Where a resolved value came from (never the value itself). */
export type SettingSource = "--set" | `env ${string}` | `.env ${string}` | "config file";

export interface SectionSpec {
  name: string;
  title: string;
  settings: readonly SettingSpec[];
}

/** "1/true/yes/on" → true, "0/false/no/off" → false, anything else → undefined (any case). */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  return undefined;
}

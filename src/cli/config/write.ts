import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify as stringifyToml } from "smol-toml";
import type { SectionValues } from "./settings.js";

export const HEADER = `# openpower configuration: see docs/cli.md (openpower config --help lists the settings).
# Environment variables (OPENPOWER_*) and a .env file override these values.
# This file holds credentials: it is written with mode 0600. Keep it that way.
`;

/**
 * Writes the config file atomically (a temporary file in the same directory, then a rename) with
 * mode 0600 from the moment it exists, so a secret is never readable by others, even briefly.
 * Everything in `document` is written, including sections and keys openpower does not know
 * (`config init` passes the parsed file back with its changes); empty sections and unset values
 * are left out. Comments are not kept (TOML is rewritten from the parsed data).
 */
export function writeConfigFile(path: string, document: Record<string, SectionValues | unknown>): void {
  const clean: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(document)) {
    if (typeof values !== "object" || values === null || Array.isArray(values) || values instanceof Date) {
      if (values !== undefined) clean[name] = values;
      continue;
    }
    const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
    if (Object.keys(kept).length > 0) clean[name] = kept;
  }
  const text = `${HEADER}\n${stringifyToml(clean)}\n`;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.config.toml.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  // The umask can only remove bits, but be explicit: a config file with secrets is 0600.
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

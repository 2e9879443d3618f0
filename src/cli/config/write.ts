import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify as stringifyToml } from "smol-toml";
import type { SectionValues } from "./settings.js";

const HEADER = `# openpower configuration: see docs/cli.md (openpower config --help lists the settings).
# Environment variables (OPENPOWER_*) and a .env file override these values.
# This file holds credentials: it is written with mode 0600. Keep it that way.
`;

/**
 * Writes the config file atomically (a temporary file in the same directory, then a rename) with
 * mode 0600 from the moment it exists, so a secret is never readable by others, even briefly.
 * Empty sections and unset values are left out.
 */
export function writeConfigFile(path: string, sections: Record<string, SectionValues>): void {
  const clean: Record<string, Record<string, unknown>> = {};
  for (const [name, values] of Object.entries(sections)) {
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

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../core/errors/index.js";
import type { BackupEntry, BackupStore } from "../edits.js";

/** Keeps backups in memory (tests, short scripts). */
export class MemoryBackupStore implements BackupStore {
  readonly entries: BackupEntry[] = [];

  async save(entry: BackupEntry): Promise<string> {
    this.entries.push(JSON.parse(JSON.stringify(entry)) as BackupEntry);
    return `memory:${this.entries.length - 1}`;
  }
}

/**
 * One JSON file per original, written (and flushed by the OS write) before the write is sent:
 * `<dir>/<target>-<key>-<time>.json`. `DirectoryBackupStore.load(dir)` reads them back for a restore.
 */
export class DirectoryBackupStore implements BackupStore {
  #seq = 0;
  constructor(readonly dir: string) {}

  async save(entry: BackupEntry): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const stamp = entry.takenAt.replace(/[:.]/g, "-");
    const text = `${JSON.stringify(entry, null, 2)}\n`;
    // Never overwrite: another run (or store) may have used the same name in the same millisecond.
    for (;;) {
      const name = `${entry.target}-${entry.hardwareKey ? `${entry.hardwareKey}-` : ""}${entry.key || "new"}-${stamp}-${String(++this.#seq).padStart(4, "0")}.json`;
      const file = join(this.dir, name);
      try {
        writeFileSync(file, text, { flag: "wx" });
        return file;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }

  /** Every backup in a directory, oldest first. */
  static load(dir: string): BackupEntry[] {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
    const entries = files.map((f) => {
      const entry = JSON.parse(readFileSync(join(dir, f), "utf8")) as BackupEntry;
      if (!entry || typeof entry !== "object" || !entry.target || !Array.isArray(entry.fields)) {
        throw new ValidationError(`${join(dir, f)} is not an openpower PowerTrack backup.`, { field: "backup", vendor: "powertrack" });
      }
      return entry;
    });
    return entries.sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  }
}

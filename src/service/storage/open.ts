import { registerSecret } from "../../core/redact.js";
import { withGroupCommit, type GroupCommitOptions } from "./group-commit.js";
import type { Storage } from "./types.js";

/** Where the service keeps its data: `storage.url` (PostgreSQL) when set, else one SQLite file. */
export interface StorageConfig {
  /** `postgres://` or `postgresql://` picks PostgreSQL; `sqlite:<path>`, `file:<path>` or a bare path picks that SQLite file. */
  url?: string | undefined;
  /** The SQLite file when there is no `url`. */
  file?: string | undefined;
  /** PostgreSQL connections in this process's pool (default 10). */
  poolSize?: number | undefined;
  /**
   * Group commit of the collector's per-poll writes (see group-commit.ts): on by default for PostgreSQL, where it
   * turns many one-row round trips into one statement; off by default for SQLite (`{}` turns it on); `false` = off.
   */
  groupCommit?: GroupCommitOptions | false | undefined;
}

/**
 * `OPENPOWER_STORAGE_GROUP_COMMIT`: "off" (or false, no), "on" (the defaults), or the delay in ms ("2"; "0" groups
 * only the writes of the same tick); unset = the backend's default.
 */
export function groupCommitFromEnv(value: string | undefined): GroupCommitOptions | false | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (["off", "false", "no"].includes(v)) return false;
  if (["on", "true", "yes"].includes(v)) return {};
  const ms = Number(v);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`OPENPOWER_STORAGE_GROUP_COMMIT must be on, off or a delay in ms, not "${value}".`);
  return { maxDelayMs: ms };
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim());
}

/** The storage's location for logs and errors: a PostgreSQL URL with its password replaced by `***`. */
export function describeStorageLocation(config: StorageConfig): string {
  if (!isPostgresUrl(config.url)) return sqliteFile(config);
  try {
    const url = new URL(config.url);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "postgres://(an unparseable URL)";
  }
}

function sqliteFile(config: StorageConfig): string {
  const url = config.url?.trim();
  if (url) return url.replace(/^(sqlite|file):(\/\/)?/i, "");
  if (!config.file) throw new Error("No storage configured: set storage.url (OPENPOWER_STORAGE_URL) or a database file.");
  return config.file;
}

/**
 * Opens (and migrates) the configured storage. The PostgreSQL password is registered as a secret first, so it is
 * redacted from any error or log line that would quote it; the backends load lazily (SQLite users never load pg).
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (isPostgresUrl(config.url)) {
    const url = config.url.trim();
    let password = "";
    try {
      password = decodeURIComponent(new URL(url).password);
    } catch {
      throw new Error(`storage.url is not a valid URL: ${describeStorageLocation(config)}`);
    }
    registerSecret(password);
    const { PgStorage } = await import("./postgres/storage.js");
    let storage: Storage;
    try {
      storage = await PgStorage.open({ url, poolSize: config.poolSize });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const safe = password ? message.split(password).join("***") : message;
      throw new Error(`Could not open PostgreSQL storage at ${describeStorageLocation(config)}: ${safe}`, { cause: error });
    }
    return config.groupCommit === false ? storage : withGroupCommit(storage, config.groupCommit);
  }
  const { SqliteStorage } = await import("./sqlite.js");
  const storage = new SqliteStorage(sqliteFile(config));
  return config.groupCommit ? withGroupCommit(storage, config.groupCommit) : storage;
}

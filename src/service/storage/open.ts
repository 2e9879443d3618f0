import { registerSecret } from "../../core/redact.js";
import type { Storage } from "./types.js";

/** Where the service keeps its data: `storage.url` (PostgreSQL) when set, else one SQLite file. */
export interface StorageConfig {
  /** `postgres://` or `postgresql://` picks PostgreSQL; `sqlite:<path>`, `file:<path>` or a bare path picks that SQLite file. */
  url?: string | undefined;
  /** The SQLite file when there is no `url`. */
  file?: string | undefined;
  /** PostgreSQL connections in this process's pool (default 10). */
  poolSize?: number | undefined;
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
    try {
      return await PgStorage.open({ url, poolSize: config.poolSize });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const safe = password ? message.split(password).join("***") : message;
      throw new Error(`Could not open PostgreSQL storage at ${describeStorageLocation(config)}: ${safe}`, { cause: error });
    }
  }
  const { SqliteStorage } = await import("./sqlite.js");
  return new SqliteStorage(sqliteFile(config));
}

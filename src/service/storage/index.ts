export type * from "./types.js";
export { SAMPLE_FIELDS } from "./types.js";
export { SqliteStorage, migrate } from "./sqlite.js";
export { SCHEMA_VERSION } from "./migrations.js";
export { openStorage, describeStorageLocation, isPostgresUrl, type StorageConfig } from "./open.js";

// openpower/powertrack: the AlsoEnergy PowerTrack web-app API client (with its resources), the site
// façade, the portfolio tools built on the client (bulk read/edit, backups, CSV), errors and model
// types. Helpers (key parsing, paths, merging, value parsing) are internal; public-api.test.ts lists
// every runtime name, so a change to this surface is a deliberate diff.
export {
  PowerTrackClient,
  type PowerTrackClientOptions,
  type WriteOptions,
  type UpdateResult,
  type SiteData,
  type PartialFailure,
  type SiteHardwareProduction,
  type DateInput,
} from "./client.js";
export { AuthManager, type AuthOptions, type CredentialPiece, type CredentialSource } from "./auth/auth-manager.js";
export { type FetchSnippet } from "./auth/fetch-snippet.js";
export { type SiteKey, type HardwareKey, type CustomerKey, type KeyKind, type LegacyHardwareId } from "./keys.js";
export { type MergeOptions } from "./merge.js";
export { type PathSegment } from "./paths.js";
export {
  type EditTarget,
  type EditAction,
  type EditRequest,
  type PlannedEdit,
  type EditResult,
  type EditStatus,
  type EditDetail,
  type EditNotSent,
  editStatus,
  type BackupEntry,
  type BackupStore,
  type ApplyEditOptions,
  type PlanEditOptions,
  type ErrorSummary,
  type CallOptions,
} from "./edits.js";
export { type PvsystModule, type ReportConfigRequest, type CreateResult } from "./library-writes.js";
export { PowerTrackSite, type PowerTrackSiteOptions } from "./system.js";
export { SiteList, type Site, type SiteListJson } from "./portfolio/site-list.js";
export {
  bulkRead,
  valuesOf,
  readHardwareLists,
  readSiteConfigs,
  readSiteData,
  readHardwareDiagnostics,
  readAlertTriggers,
  type BulkReadOptions,
  type BulkReadReport,
  type BulkItemResult,
  type BulkProgress,
} from "./portfolio/bulk-read.js";
export {
  planBulkEdits,
  formatPlan,
  applyBulkPlan,
  formatApplyReport,
  bulkEdit,
  planRestoreFromBackups,
  restoreFromBackups,
  type BulkPlan,
  type PlanOptions,
  type ApplyBulkOptions,
  type BulkApplyReport,
} from "./portfolio/bulk-write.js";
export { MemoryBackupStore, DirectoryBackupStore } from "./portfolio/backups.js";
export { parseEditsCsv, type CsvImportOptions, type CsvImportResult } from "./portfolio/csv.js";
export {
  performanceStatus,
  type SiteOverview,
  type PortfolioMetrics,
  type PerformanceStatus,
  type InvalidRow,
} from "./models/portfolio.js";
export { type SiteDetailedInfo, type SiteConfig, type SiteLink, type SiteShare, type Contract } from "./models/site.js";
export {
  type Hardware,
  type HardwareDetails,
  type HardwareDiagnostics,
  type RegisterData,
  type DataRegister,
  type DriverSettings,
  type RegisterOffsets,
  type PowerTrackNode,
} from "./models/hardware.js";
export {
  severityLevel,
  type AlertTrigger,
  type AlertTriggers,
  type AlertSummary,
  type AlertSummaryResponse,
  type SeverityLevel,
} from "./models/alerts.js";
export { type ModelingData } from "./models/modeling.js";
export { type ChartData, type ChartSeries, type ChartPoint } from "./models/chart.js";
export { type ReportingCapabilities, type UserPreferences, type AuditLogEntry, type ReportConfigs } from "./models/misc.js";
// The errors this client throws; `APIError` is the Python SDK's name, for code ported from it.
export {
  OpenPowerError,
  AuthenticationError,
  ApiError,
  ApiError as APIError,
  ValidationError,
  ConfigurationError,
  ConnectionError,
  TimeoutError,
  NotFoundError,
  ResponseFormatError,
} from "../core/errors/index.js";

// openpower/powertrack: the AlsoEnergy PowerTrack web-app API client, auth, portfolio tools and models.
export {
  PowerTrackClient,
  FULL_PAYLOAD,
  type PowerTrackClientOptions,
  type WriteOptions,
  type UpdateResult,
  type SiteData,
  type PartialFailure,
  type SiteHardwareProduction,
  type DateInput,
} from "./client.js";
export {
  AuthManager,
  DEFAULT_AE_V,
  DEFAULT_BASE_URL,
  type AuthOptions,
  type CredentialPiece,
  type CredentialSource,
} from "./auth/auth-manager.js";
export { parseFetchSnippet, type FetchSnippet } from "./auth/fetch-snippet.js";
export { readEnvFile } from "./auth/env-file.js";
export { SESSION_EXPIRED_HINT } from "./errors.js";
export {
  parseSiteKey,
  parseHardwareKey,
  parseCustomerKey,
  parseSiteOrHardwareKey,
  parseNodeKey,
  parseAlertTriggerKey,
  parseLegacyHardwareId,
  formatLegacyHardwareId,
  keyKind,
  numericId,
  type SiteKey,
  type HardwareKey,
  type CustomerKey,
  type KeyKind,
  type LegacyHardwareId,
} from "./keys.js";
export { numberOrNull, parseTimestamp, parseCalendarDay, parseJsonString, splitTimestamp, isSentinelDate } from "./values.js";
export { FUNCTION_CODES, FUNCTION_CODE, UNIT_CODES, hardwareTypeName, functionCodesHelp, capacityToKw } from "./function-codes.js";
export { mergeByKey, replace, diffIdentity, DEFAULT_KEY_FIELDS, DEFAULT_PROTECTED_FIELDS, type MergeOptions } from "./merge.js";
export { parsePath, formatPath, getPath, setPath, hasPath, resolvePath, type PathSegment } from "./paths.js";
export {
  planEdit,
  applyEdit,
  planRestore,
  buildEdit,
  coerceText,
  summarizeError,
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
export {
  parsePanFile,
  validatePvsystModule,
  validateReportConfig,
  pvsystModuleName,
  type PvsystModule,
  type ReportConfigRequest,
  type CreateResult,
} from "./library-writes.js";
export { PowerTrackSite, powerKwOf, type PowerTrackSiteOptions } from "./system.js";
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
export { parseEditsCsv, EMPTY_TEXT, type CsvImportOptions, type CsvImportResult } from "./portfolio/csv.js";
export {
  performanceStatus,
  SITE_STATUS_ONLINE,
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
  SEVERITY_LEVELS,
  type AlertTrigger,
  type AlertTriggers,
  type AlertSummary,
  type AlertSummaryResponse,
  type SeverityLevel,
} from "./models/alerts.js";
export { type ModelingData } from "./models/modeling.js";
export { LOSS_KEYS, type ChartData, type ChartSeries, type ChartPoint } from "./models/chart.js";
export { type ReportingCapabilities, type UserPreferences, type AuditLogEntry, type ReportConfigs } from "./models/misc.js";
// The Python SDK's exception names, for code ported from it.
export { AuthenticationError, ApiError, ApiError as APIError, ValidationError, ConfigurationError } from "../core/errors/index.js";

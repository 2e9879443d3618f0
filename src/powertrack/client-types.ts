import type { ClientOptions } from "../core/client-options.js";
import type { RateLimiter } from "../core/rate-limit/limiter.js";
import type { AuthManager, AuthOptions } from "./auth/auth-manager.js";
import type { ErrorSummary, EditResult, PlannedEdit, BackupStore } from "./edits.js";
import type { AlertTriggers } from "./models/alerts.js";
import type { Hardware, HardwareDetails } from "./models/hardware.js";
import type { ModelingData } from "./models/modeling.js";
import type { InvalidRow } from "./models/portfolio.js";
import type { SiteConfig } from "./models/site.js";

// The types of the client's methods, shared by the client and its resources.

/** The client's options: the shared `ClientOptions` plus PowerTrack's credentials and concurrency. */
export interface PowerTrackClientOptions extends ClientOptions {
  /** An `AuthManager`, or options for one (explicit > env > fetch snippet > cookie file > .env). */
  auth?: AuthManager | AuthOptions;
  /** Overrides the base URL the credentials came with (e.g. a simulator). */
  baseUrl?: string;
  /** Requests in flight at once, shared by everything using this client. Default 8. */
  concurrency?: number;
  /** @deprecated Use `rateLimit`: a budget shared with other clients of the same account. */
  limiter?: RateLimiter;
}

/** `lastChanged` value that makes the web app's endpoints return the full payload. */
export const FULL_PAYLOAD = "1900-01-01T00:00:00.000Z";

/** Options of every write. */
export interface WriteOptions {
  /** Plan and report, send nothing. */
  dryRun?: boolean;
  /** Read back after writing and report whether each field took. Default true. */
  verify?: boolean;
  /** Saves the original before the write is sent. */
  backup?: BackupStore;
  /** Allow members/list items the object does not have yet (normally a typo). */
  allowNewFields?: boolean;
  /** Allow a value of another JSON type than the current one. */
  allowTypeChange?: boolean;
  signal?: AbortSignal;
}

/**
 * The outcome of a single write. `success` is true when the write was sent and (when verified)
 * every field read back as planned, or when nothing needed sending. A write that failed before
 * anything was sent throws; one that was sent never throws (`sent: true`, see `status`, `taken`
 * and `error`), so a caller never resends a write that may have been made.
 */
export interface UpdateResult extends EditResult {
  success: boolean;
  dryRun: boolean;
  /** The whole object before (the SDK's `originalData`). */
  originalData: Record<string, unknown> | null;
  /** The whole object sent (the SDK's `updatedData`). */
  updatedData: Record<string, unknown> | null;
  /** What the server answered (the SDK's `putResponse`). */
  putResponse: unknown;
  plan: PlannedEdit;
}

/** One part of a composite read that failed. */
export interface PartialFailure {
  /** `hardwareRow`: one device's row of the production view could not be read (`key` is the device). */
  part: "hardware" | "hardwareRow" | "hardwareDetails" | "alerts" | "modeling";
  key: string;
  error: ErrorSummary;
}

/** Everything about one site (`getSiteData`). */
export interface SiteData {
  site: { key: string; name: string | null };
  config: SiteConfig;
  hardwareList: Hardware[];
  hardware: HardwareDetails[];
  alerts: AlertTriggers[];
  modeling: ModelingData | null;
  fetchedAt: Date;
  hardwareCount: number;
  /** Active triggers over every device. */
  activeAlertsCount: number;
  /** Parts that could not be read; the rest is complete. */
  errors: PartialFailure[];
}

export interface SiteHardwareProduction {
  key: string | null;
  timeZone: string | null;
  lastChanged: string | null;
  /** Whether the response had a `hardware` member at all. */
  hasHardware: boolean;
  hardware: Hardware[];
  /** Rows that failed validation (with the failing path); the other rows are in `hardware`. */
  invalidRows: InvalidRow[];
  raw: unknown;
}

export type DateInput = string | Date;

import type { ClientOptions } from "../core/client-options.js";
import type { AlphaEssCooldownEndpoint, AlphaEssEndpoint } from "./endpoints.js";
import type { ChargingSettings, DischargingSettings, WriteOptions } from "./models.js";

/** How the client paces itself so that normal use never meets code 6053 ("too fast"). */
export interface AlphaEssPacing {
  /**
   * Minimum milliseconds between two requests to the same endpoint, across every system and
   * clone of this client: one number for all endpoints or a map per endpoint. Default 1250 ms
   * (the spacing the Home Assistant integration uses between calls).
   */
  minIntervalMs?: number | Partial<Record<AlphaEssEndpoint, number>>;
  /**
   * Extra spacing added to every minimum interval. Requests reach the server with some timing
   * noise (connection reuse, event-loop delays, the network), and one that arrives even a few
   * milliseconds inside the server's interval is refused with 6053 and costs a back-off pause.
   * Default: 4 % of the interval, at least 5 ms (so about 96 % of the configured rate is used).
   */
  jitterMarginMs?: number;
  /** Most requests in flight at once across the account. Default 4. */
  concurrency?: number;
  /** Optional account-wide budget: at most `limit` requests per `windowMs`. */
  limit?: number;
  windowMs?: number;
  /** Wait for the budget (default) or throw a local `RateLimitError` without sending. */
  onLimit?: "wait" | "throw";
  /** In "wait" mode, the longest wait accepted before throwing. Default: no limit. */
  maxWaitMs?: number;
}

/**
 * The AlphaESS client's options: the shared `ClientOptions` (fetch, timeoutMs — default 30 000, the
 * API occasionally stalls —, retry for reads — default 2 retries with back-off —, rateLimit, logger,
 * userAgent, clock, maxResponseBytes) and the AlphaESS credentials and settings.
 */
export interface AlphaESSOptions extends ClientOptions {
  /** Developer ID (AppID) from open.alphaess.com, e.g. "alpha73cf07876a2d789e". */
  appId: string;
  /** Developer secret (AppSecret). Registered for redaction; never logged. */
  appSecret: string;
  /** Default system serial number for device methods (see also `forDevice`). */
  serialNumber?: string;
  /**
   * The systems' IANA time zone, e.g. "Australia/Sydney". The API does not report it: every
   * `queryDate` is a local date in this zone and `uploadTime` is parsed in it. Default: this
   * machine's zone.
   */
  timeZone?: string;
  /** Default "https://openapi.alphaess.com/api". */
  baseUrl?: string;
  /** Per-endpoint pacing and the account budget's shape (when `rateLimit` gives no limiter of its own). */
  pacing?: AlphaEssPacing;
  /**
   * Client-side minimum interval between writes to the same system and endpoint, ms: one number
   * for the setting writes (charge, discharge, weekly schedule, EV current) or a map per endpoint
   * (those four and `remoteControlEvCharger`). Default 30 000 for the setting writes, 0 for EV
   * start/stop. Binding and unbinding have none.
   */
  writeCooldownMs?: number | Partial<Record<AlphaEssCooldownEndpoint, number>>;
  /**
   * After a 6053 ("too fast"), pause every request of this client for this long, ms. Default 10 000, or with
   * `pacing.minIntervalMs` given, four times the longest interval (at least 100 ms, at most 10 000).
   */
  tooFastBackoffMs?: number;
}

/** The per-call options of device methods. */
export interface CallOptions {
  /** The system to address; default the client's `serialNumber`. */
  serialNumber?: string;
  signal?: AbortSignal;
}

/** Device methods take a serial number directly or call options. */
export type SerialOrOptions = string | CallOptions;
export type WriteCallOptions = CallOptions & WriteOptions;

/** Fields of `setChargingSettings`: any subset; missing ones are read from the device first (full replacement). */
export type ChargingSettingsInput = Partial<ChargingSettings>;
export type DischargingSettingsInput = Partial<DischargingSettings>;

import { AuthenticationError } from "../../core/errors/index.js";
import type { PowerTrackClient, SiteData } from "../client.js";
import { mapLimit } from "../../core/concurrency.js";
import { summarizeError, type ErrorSummary } from "../edits.js";
import type { AlertTriggers } from "../models/alerts.js";
import type { Hardware, HardwareDiagnostics } from "../models/hardware.js";
import type { SiteConfig } from "../models/site.js";
import type { Site } from "./site-list.js";

/**
 * Reads over many sites or devices with bounded concurrency, a progress callback, a report of
 * partial failures (which key, and why) and resumption: pass the previous report as `resumeFrom`
 * and only what failed or never ran is read again. An authentication failure stops the run (every
 * later request would fail the same way); the report says so in `aborted`.
 */
export interface BulkProgress {
  done: number;
  total: number;
  failed: number;
  key: string;
  ok: boolean;
}

export interface BulkItemResult<T> {
  key: string;
  ok: boolean;
  value?: T;
  error?: ErrorSummary;
  /** Reused from `resumeFrom`. */
  resumed?: boolean;
  /** Not attempted (aborted or beyond `limit`). */
  skipped?: boolean;
}

export interface BulkReadReport<T> {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** In input order. */
  results: Array<BulkItemResult<T>>;
  failures: Array<{ key: string; error: ErrorSummary }>;
  /** Why the run stopped early, if it did. */
  aborted?: string;
}

export interface BulkReadOptions<T> {
  /** Reads in flight at once. Default: the client's concurrency. */
  concurrency?: number;
  onProgress?: (progress: BulkProgress) => void;
  signal?: AbortSignal;
  resumeFrom?: BulkReadReport<T>;
  /**
   * Read at most this many keys (the rest are reported as skipped). Keys reused from
   * `resumeFrom` do not count, so `limit` and `resumeFrom` together work through a list in batches.
   */
  limit?: number;
  /** Stop at the first authentication failure. Default true. */
  stopOnAuthError?: boolean;
}

type KeyLike = string | Pick<Site, "key">;
const keyOf = (k: KeyLike) => (typeof k === "string" ? k : k.key);

export async function bulkRead<T>(
  client: Pick<PowerTrackClient, "concurrency" | "clock">,
  keys: Iterable<KeyLike>,
  read: (key: string, signal: AbortSignal | undefined) => Promise<T>,
  options: BulkReadOptions<T> = {},
): Promise<BulkReadReport<T>> {
  const started = client.clock.now();
  const all = [...keys].map(keyOf);
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : all.length;
  const previous = new Map((options.resumeFrom?.results ?? []).filter((r) => r.ok).map((r) => [r.key, r]));
  // Everything starts as skipped; a read replaces its entry.
  const results: Array<BulkItemResult<T>> = all.map((key) => {
    const prior = previous.get(key);
    return prior ? { key, ok: true, value: prior.value as T, resumed: true } : { key, ok: false, skipped: true };
  });
  // `limit` counts reads, not input positions: with `resumeFrom`, each run reads the next `limit`.
  const todo = results
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => !r.resumed)
    .slice(0, limit);
  let done = results.filter((r) => r.resumed).length;
  let failed = 0;
  let aborted: string | undefined;
  const stopOnAuth = options.stopOnAuthError ?? true;

  await mapLimit(
    todo,
    options.concurrency ?? client.concurrency,
    async ({ i }) => {
      const key = all[i]!;
      try {
        const value = await read(key, options.signal);
        results[i] = { key, ok: true, value };
      } catch (error) {
        results[i] = { key, ok: false, error: summarizeError(error) };
        failed++;
        if (stopOnAuth && error instanceof AuthenticationError && !aborted) aborted = `authentication failed at ${key}: ${error.message}`;
      }
      done++;
      options.onProgress?.({ done, total: all.length, failed, key, ok: results[i]!.ok });
    },
    { signal: options.signal, shouldStop: () => aborted !== undefined },
  );
  if (!aborted && options.signal?.aborted) aborted = "aborted by the caller";

  const finished = client.clock.now();
  return {
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    total: all.length,
    succeeded: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok && !r.skipped).length,
    skipped: results.filter((r) => r.skipped).length,
    results,
    failures: results.filter((r) => !r.ok && r.error).map((r) => ({ key: r.key, error: r.error! })),
    ...(aborted ? { aborted } : {}),
  };
}

/** The values of the successful items, by key. */
export function valuesOf<T>(report: BulkReadReport<T>): Map<string, T> {
  return new Map(report.results.filter((r) => r.ok).map((r) => [r.key, r.value as T]));
}

/** Hardware lists of many sites (`getHardwareList` per site). */
export function readHardwareLists(client: PowerTrackClient, sites: Iterable<KeyLike>, options: BulkReadOptions<Hardware[]> = {}) {
  return bulkRead(client, sites, (key, signal) => client.getHardwareList(key, { signal }), options);
}

/** Site configurations (`getSiteConfig` per site). */
export function readSiteConfigs(client: PowerTrackClient, sites: Iterable<KeyLike>, options: BulkReadOptions<SiteConfig> = {}) {
  return bulkRead(client, sites, (key, signal) => client.getSiteConfig(key, { signal }), options);
}

/** Everything about many sites (`getSiteData` per site; each site's own reads run one at a time to keep the total bounded). */
export function readSiteData(
  client: PowerTrackClient,
  sites: Iterable<KeyLike>,
  options: BulkReadOptions<SiteData> & { includeHardware?: boolean; includeAlerts?: boolean; includeModeling?: boolean } = {},
) {
  const { includeHardware, includeAlerts, includeModeling } = options;
  return bulkRead(
    client,
    sites,
    (key, signal) => client.getSiteData(key, { includeHardware, includeAlerts, includeModeling, concurrency: 1, signal }),
    options,
  );
}

/** Diagnostics of many devices (`getHardwareDiagnostics` per device). */
export function readHardwareDiagnostics(
  client: PowerTrackClient,
  hardwareKeys: Iterable<string>,
  options: BulkReadOptions<HardwareDiagnostics> = {},
) {
  return bulkRead(client, hardwareKeys, (key, signal) => client.getHardwareDiagnostics(key, { signal }), options);
}

/** Alert triggers of many devices (`getAlertTriggers` per device). */
export function readAlertTriggers(client: PowerTrackClient, hardwareKeys: Iterable<string>, options: BulkReadOptions<AlertTriggers> = {}) {
  return bulkRead(client, hardwareKeys, (key, signal) => client.getAlertTriggers(key, { signal }), options);
}

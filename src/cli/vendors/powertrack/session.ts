import type { PowerTrackClient } from "../../../powertrack/index.js";
import { VENDOR_SETTINGS } from "../../config/vendor-settings.js";
import { UsageError } from "../../errors.js";
import { optionalList, optionalString } from "../common.js";
import type { VendorPlugin, VendorSession } from "../types.js";

export const SETTINGS = VENDOR_SETTINGS.powertrack;

export interface PowerTrackSession extends VendorSession {
  readonly client: PowerTrackClient;
  readonly customer: string | undefined;
  readonly backupDir: string | undefined;
  /** The configured site keys (powertrack.sites), as written. */
  readonly sites: readonly string[];
}

export async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<PowerTrackSession> {
  const { PowerTrackClient } = await import("../../../powertrack/index.js");
  // Every credential comes from the merged configuration (file, .env, environment, --set, in our
  // precedence, with a bare BASE_URL already vetted): the AuthManager reads no environment, .env
  // or cookie file of its own. It still reads a fetch snippet when one is configured, and names
  // the missing piece when something is missing.
  const explicit = Object.fromEntries(
    (["cookie", "aeS", "aeV", "baseUrl", "fetchFile"] as const)
      .map((k) => [k, optionalString(section, k)])
      .filter(([, v]) => v !== undefined),
  );
  const client = new PowerTrackClient({
    auth: {
      ...explicit,
      env: false,
      envFile: false,
      cookieFile: false,
      cwd: options.cwd,
      optionsLabel: "the openpower configuration (powertrack.cookie, aeS, aeV, fetchFile from the config file, .env, environment or --set)",
    },
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const sites = optionalList(section, "sites");
  const systems = sites.map((key) => client.site(key));
  return {
    vendor: "powertrack",
    client,
    customer: optionalString(section, "customer"),
    backupDir: optionalString(section, "backupDir"),
    sites,
    now: () => client.clock.now(),
    systems: async () => systems,
    refreshIntervalMs(count) {
      // Site data is refreshed by the gateways every few minutes; a site read is a few requests.
      return Math.max(60_000, count * 2_000);
    },
    budgetNote: () => "powertrack: sites polled at most once a minute",
    async close() {
      client.close();
    },
  };
}

export function client(session: VendorSession): PowerTrackClient {
  return session.client as PowerTrackClient;
}

export function customerOf(session: VendorSession, given: string | undefined): string {
  const customer = given ?? (session as PowerTrackSession).customer;
  if (!customer) throw new UsageError("Name the customer (e.g. C1234), or set [powertrack] customer in the config.", { field: "customer" });
  return customer;
}

import type { Amber, AmberPriceSource, State } from "../../amber/index.js";
import { VENDOR_SETTINGS } from "../config/vendor-settings.js";
import { UsageError } from "../errors.js";
import { assertRangeCap, NEM_TIME_ZONE, parseDay } from "../day.js";
import { daysBetween } from "../../core/time/calendar-date.js";
import type { CommandHost } from "../host.js";
import { budgetIntervalMs, intArg, memo, optionalString, required } from "./common.js";
import type { VendorCommand, VendorPlugin, VendorSession } from "./types.js";

const SETTINGS = VENDOR_SETTINGS.amber;

const HELP = "Create a token at https://app.amber.com.au/developers.";

interface AmberSession extends VendorSession {
  readonly client: Amber;
  site(): Promise<string>;
}

async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<AmberSession> {
  const token = required(section, SETTINGS, "amber", "token", HELP);
  const { Amber } = await import("../../amber/index.js");
  const configuredSite = optionalString(section, "site");
  const client = new Amber({
    token,
    site: configuredSite,
    baseUrl: optionalString(section, "baseUrl"),
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const site = memo(async () => configuredSite ?? (await client.getActiveSite()).id);
  const priceSource = memo(async (): Promise<AmberPriceSource> => client.priceSource(await site()));
  return {
    vendor: "amber",
    client,
    site,
    now: () => client.clock.now(),
    systems: async () => [],
    priceSource,
    pricesAhead: async (hours) => (await priceSource()).pricesAhead(hours),
    refreshIntervalMs(count) {
      // Prices change every 5 minutes at most; one request per refresh within 50 per 300 s.
      return Math.max(60_000, budgetIntervalMs(client.rateLimitState(), Math.max(1, count), client.clock.now()));
    },
    budgetNote() {
      const s = client.rateLimitState();
      return `amber: ${s.remaining ?? "?"}/${s.limit ?? 50} requests left in the window`;
    },
    async close() {},
  };
}

function client(session: VendorSession): Amber {
  return session.client as Amber;
}

/** --start and --end as NEM dates (default today), capped like every range, checked before anything is sent. */
function nemRange(session: VendorSession, o: Record<string, unknown>, required: boolean): { start: string; end: string } {
  const today = parseDay("today", "--start", NEM_TIME_ZONE, session.now());
  const start = nemDay(session, o.start, "--start") ?? today;
  const end = nemDay(session, o.end, "--end") ?? (required ? today : start > today ? start : today);
  if (start > end) throw new UsageError(`--start ${start} is after --end ${end}.`, { field: "--start" });
  assertRangeCap(start, end, { fromFlag: "--start", toFlag: "--end" });
  return { start, end };
}

/**
 * A long range is fetched a week per request and paced by Amber's 50 requests per 5 minutes: say
 * up front how many requests that is and about how long, and show a bar with an estimate.
 */
async function withProgress<T>(
  ctx: CommandHost,
  title: string,
  start: string,
  end: string,
  fetch: (onProgress: (p: { done: number; total: number; start: string }) => void) => Promise<T>,
): Promise<T> {
  const requests = Math.ceil((daysBetween(start, end) + 1) / 7);
  if (requests > 5) {
    const minutes = requests > AMBER_BUDGET ? Math.ceil((requests - AMBER_BUDGET) / AMBER_BUDGET) * 5 : 0;
    ctx.out.note(
      `${title} ${start} to ${end}: ${requests} requests${minutes > 0 ? `, about ${minutes} min at Amber's ${AMBER_BUDGET} requests per 5 minutes` : ""}. Ctrl-C stops.`,
    );
  }
  const { createProgress } = await import("../output/progress.js");
  const bar = createProgress(ctx.io.stderr, { total: requests, title, enabled: requests > 1 });
  try {
    return await fetch((p) => {
      bar.setTotal(p.total);
      bar.tick(1, p.start);
    });
  } finally {
    bar.stop();
  }
}

/** Amber's request budget per 5-minute window. */
const AMBER_BUDGET = 50;

/** A NEM date option: YYYY-MM-DD, today or yesterday (NEM time). */
function nemDay(session: VendorSession, value: unknown, option: string): string | undefined {
  return typeof value === "string" ? parseDay(value, option, NEM_TIME_ZONE, session.now()) : undefined;
}

async function siteFor(session: VendorSession, options: Record<string, unknown>): Promise<string> {
  return typeof options.site === "string" ? options.site : (session as AmberSession).site();
}

const siteOption = { flags: "--site <id>", description: "site id (default: the configured or active site)" } as const;
const resolutionOption = { flags: "--resolution <5|30>", description: "interval length, minutes (default: the site's)" } as const;

function resolution(options: Record<string, unknown>): 5 | 30 | undefined {
  if (options.resolution === undefined) return undefined;
  const r = Number(options.resolution);
  if (r !== 5 && r !== 30)
    throw new UsageError(`--resolution must be 5 or 30, got ${JSON.stringify(options.resolution)}.`, { field: "--resolution" });
  return r;
}

function count(options: Record<string, unknown>, key: "next" | "previous"): number | undefined {
  return options[key] === undefined ? undefined : intArg(options[key], `--${key}`, 0, 2048);
}

const COMMANDS: readonly VendorCommand[] = [
  {
    name: "list-sites",
    method: "listSites",
    description: "every site of the account (pending, active, closed)",
    tabular: true,
    run: (s) => client(s).listSites(),
  },
  { name: "get-active-site", method: "getActiveSite", description: "the first active site", run: (s) => client(s).getActiveSite() },
  {
    name: "current-prices",
    method: "getCurrentPrices",
    description: "the current interval of each channel plus previous actuals and next forecasts (c/kWh incl. GST; feed-in negative = paid)",
    tabular: true,
    options: [
      siteOption,
      { flags: "--next <n>", description: "forecast intervals per channel" },
      { flags: "--previous <n>", description: "actual intervals per channel" },
      resolutionOption,
    ],
    examples: ["openpower amber current-prices --next 24 --csv"],
    run: async (s, _a, o) =>
      client(s).getCurrentPrices({
        site: await siteFor(s, o),
        next: count(o, "next"),
        previous: count(o, "previous"),
        resolution: resolution(o),
      }),
  },
  {
    name: "prices",
    method: "getPrices",
    description: "prices for NEM dates (inclusive; ranges over 7 days are fetched in chunks)",
    tabular: true,
    options: [
      siteOption,
      { flags: "--start <date>", description: "first NEM date YYYY-MM-DD, today or yesterday (default today)" },
      { flags: "--end <date>", description: "last NEM date, same forms (default today)" },
      resolutionOption,
    ],
    examples: ["openpower amber prices --start 2024-05-01 --end 2024-05-31 --csv > may.csv"],
    run: async (s, _a, o, ctx) => {
      const { start, end } = nemRange(s, o, false);
      const site = await siteFor(s, o);
      return withProgress(ctx, "prices", start, end, (onProgress) =>
        client(s).getPrices({ site, start, end, resolution: resolution(o), onProgress }),
      );
    },
  },
  {
    name: "usage",
    method: "getUsage",
    description: "metered usage for NEM dates (inclusive; lags about a day); kWh and cost in cents",
    tabular: true,
    options: [
      siteOption,
      { flags: "--start <date>", description: "first NEM date YYYY-MM-DD, today or yesterday" },
      { flags: "--end <date>", description: "last NEM date, same forms" },
    ],
    run: async (s, _a, o, ctx) => {
      if (typeof o.start !== "string" || typeof o.end !== "string")
        throw new UsageError("usage needs --start and --end (NEM dates YYYY-MM-DD).", { field: "--start" });
      const { start, end } = nemRange(s, o, true);
      const site = await siteFor(s, o);
      return withProgress(ctx, "usage", start, end, (onProgress) => client(s).getUsage({ site, start, end, onProgress }));
    },
  },
  {
    name: "current-renewables",
    method: "getCurrentRenewables",
    description: "renewables share of a state's grid, percent (no token needed)",
    tabular: true,
    args: [{ name: "state", description: "nsw | qld | sa | vic" }],
    options: [
      { flags: "--next <n>", description: "forecast intervals" },
      { flags: "--previous <n>", description: "actual intervals" },
      resolutionOption,
    ],
    run: (s, a, o) =>
      client(s).getCurrentRenewables(a[0] as State, { next: count(o, "next"), previous: count(o, "previous"), resolution: resolution(o) }),
  },
  {
    name: "prices-ahead",
    method: "pricesAhead",
    description: "unified PriceIntervals from now for the next hours (one request)",
    tabular: true,
    args: [{ name: "hours", description: "0 < hours <= 48" }],
    options: [siteOption, { flags: "--channel <name>", description: "general | controlledLoad | feedIn" }],
    run: async (s, a, o) => client(s).pricesAhead(Number(a[0]), { site: await siteFor(s, o), channel: o.channel as "general" | undefined }),
  },
  {
    name: "ratelimits",
    method: "getRatelimits",
    description: "Amber's RateLimit-* values (makes one cheap request to read them)",
    run: async (s) => {
      await client(s).listSites();
      return client(s).getRatelimits();
    },
  },
  {
    name: "rate-limit-state",
    method: "rateLimitState",
    description: "the local budget (no request)",
    run: async (s) => client(s).rateLimitState(),
  },
];

export const plugin: VendorPlugin = {
  name: "amber",
  title: "Amber Electric",
  settings: SETTINGS,
  provides: { systems: false, batterySchedule: false, ev: false, prices: true },
  isConfigured: (section) => section?.token !== undefined,
  connect,
  async check(session) {
    const sites = await client(session).listSites();
    const active = sites.filter((s) => s.status === "active");
    const configured = sites.length === 0 ? undefined : await (session as AmberSession).site();
    if (configured !== undefined && !sites.some((s) => s.id === configured)) {
      const { NotFoundError } = await import("../../core/errors/index.js");
      throw new NotFoundError(
        `amber.site ${configured} is not a site of this account (its sites: ${sites.map((s) => s.id).join(", ") || "none"}). Fix amber.site, or leave it empty for the active site.`,
        { vendor: "amber" },
      );
    }
    if (sites.length === 0) return "token accepted; the account has no sites yet";
    return `token accepted; ${sites.length} site${sites.length === 1 ? "" : "s"} (${active.length} active): ${sites.map((s) => `${s.id} ${s.status}, ${s.network}`).join("; ")}`;
  },
  async startSimulator(options) {
    const { startAmberSimulator } = await import("../../sim/amber/index.js");
    const sim = await startAmberSimulator({ clock: options.clock, seed: options.seed, port: options.port });
    return {
      vendor: "amber",
      section: { token: sim.token, baseUrl: sim.url, site: sim.activeSiteId },
      info: `Amber API on ${sim.url}: active site ${sim.activeSiteId}`,
      handle: sim,
      close: () => sim.close(),
    };
  },
  commands: () => COMMANDS,
};

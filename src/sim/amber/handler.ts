import { daysBetween, isCalendarDate } from "../../core/time/calendar-date.js";
import { nemDate } from "../../core/time/nem.js";
import type { NemRegion, SimHandler, SimRequest, SimResponse } from "../kernel.js";
import { AmberPricing } from "./pricing.js";
import { amberWireSite, type AmberSimSite } from "./sites.js";

/** Amber's renewables states and the NEM region each reads. */
export const AMBER_STATE_REGIONS: Readonly<Record<string, NemRegion>> = Object.freeze({ nsw: "NSW1", qld: "QLD1", sa: "SA1", vic: "VIC1" });

export interface AmberHandlerOptions {
  seed: number;
  tokens: readonly string[];
  sites: readonly AmberSimSite[];
  /** Per-token budget; `null`: unlimited. */
  rateLimit: { limit: number; windowMs: number } | null;
  estimateSeconds: number;
  forecastHorizonHours?: number;
}

/** What the simulator has answered, for assertions. */
export interface AmberSimStats {
  /** Requests handled (faults injected by the harness are not seen here). */
  requests: number;
  /** Answers by status code. */
  byStatus: Record<number, number>;
  /** Amber's own 429s (with RateLimit-* headers). */
  rateLimited: number;
  /** Edge 429s without rate-limit headers. */
  gatewayThrottled: number;
}

interface Window {
  start: number;
  count: number;
}

const JSON_HEADERS = { "content-type": "application/json", "access-control-allow-origin": "*" };
const MAX_INTERVALS = 2048;
const MAX_RANGE_DAYS = 7;

/**
 * The Amber API's behaviour (Amber spec §2, §3, §8, §9, §11) as a request handler:
 * bearer auth (401 without a header, 403 for an unknown token), a fixed 50/300 s window per token
 * counted from its first call with the four `RateLimit-*` headers on every authenticated answer
 * and 429 beyond it, an optional edge throttle (429 without those headers), parameter validation
 * (400; 422 for ranges over 7 days or next + previous over 2048), 404 for unknown sites and
 * states, and API Gateway `{"message": …}` bodies. Unrouted paths answer 403, as Amber's edge does.
 */
export class AmberApi {
  readonly pricing: AmberPricing;
  private readonly windows = new Map<string, Window>();
  private gateway: boolean | number = false;
  private requestSeq = 0;
  private readonly counters: AmberSimStats = { requests: 0, byStatus: {}, rateLimited: 0, gatewayThrottled: 0 };

  constructor(private readonly options: AmberHandlerOptions) {
    this.pricing = new AmberPricing({
      seed: options.seed,
      estimateSeconds: options.estimateSeconds,
      forecastHorizonHours: options.forecastHorizonHours,
    });
  }

  readonly handle: SimHandler = (req) => {
    const response = this.route(req);
    this.counters.requests++;
    const status = response.status ?? 200;
    this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
    response.headers = { ...JSON_HEADERS, "x-amzn-requestid": this.requestId(), ...response.headers };
    return response;
  };

  /** Edge throttling: `true` answers every request with a header-less 429 until `false`; a number throttles that many requests. */
  setGatewayThrottle(value: boolean | number): void {
    this.gateway = value;
  }

  /** Forgets every token's window. */
  resetRateLimits(): void {
    this.windows.clear();
  }

  stats(): AmberSimStats {
    return { ...this.counters, byStatus: { ...this.counters.byStatus } };
  }

  private route(req: SimRequest): SimResponse {
    if (this.gateway === true || (typeof this.gateway === "number" && this.gateway > 0)) {
      if (typeof this.gateway === "number") this.gateway--;
      this.counters.gatewayThrottled++;
      return {
        status: 429,
        headers: {
          "x-amzn-errortype": "TooManyRequestsException",
          "x-cache": "Error from cloudfront",
          via: "1.1 simulator.cloudfront.net (CloudFront)",
        },
        body: { message: "Too Many Requests" },
      };
    }
    const path = req.path.replace(/\/+$/, "");
    if (req.method !== "GET") return missingToken();
    const renewables = /^\/v1\/state\/([^/]+)\/renewables\/current$/.exec(path);
    if (renewables) return this.renewables(decodePathSegment(renewables[1]!) ?? "", req.query, req.receivedAt);
    const site = /^\/v1\/sites(?:\/([^/]+)\/(prices\/current|prices|usage))?$/.exec(path);
    if (!site) return missingToken();

    const auth = req.headers.authorization;
    if (auth === undefined || auth.trim() === "") return { status: 401, body: { message: "Unauthorized" } };
    const token = /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1];
    if (!token || !this.options.tokens.includes(token)) return { status: 403, body: { message: "Forbidden" } };

    const limit = this.count(token, req.receivedAt);
    if (limit.exceeded) {
      this.counters.rateLimited++;
      return { status: 429, headers: limit.headers, body: { message: "Too Many Requests" } };
    }
    const answer = this.siteRoute(
      site[1] === undefined ? undefined : (decodePathSegment(site[1]) ?? ""),
      site[2],
      req.query,
      req.receivedAt,
    );
    answer.headers = { ...limit.headers, ...answer.headers };
    return answer;
  }

  private siteRoute(siteId: string | undefined, resource: string | undefined, query: URLSearchParams, now: number): SimResponse {
    if (siteId === undefined) return { body: this.options.sites.map(amberWireSite) };
    const site = this.options.sites.find((s) => s.id === siteId);
    if (!site) return { status: 404, body: { message: "Site not found" } };
    if (resource === "prices/current") {
      const previous = count(query, "previous");
      const next = count(query, "next");
      const resolution = resolutionOf(query, site.intervalLength);
      const bad = [previous, next, resolution].find((v): v is SimResponse => typeof v === "object");
      if (bad) return bad;
      if ((previous as number) + (next as number) > MAX_INTERVALS)
        return { status: 422, body: { message: "Requested number of intervals is greater than 2048" } };
      return { body: this.pricing.currentPrices(site, now, previous as number, next as number, resolution as 5 | 30) };
    }
    const today = nemDate(now);
    const required = resource === "usage";
    const start = dateParam(query, "startDate", required ? undefined : today);
    const end = dateParam(query, "endDate", required ? undefined : today);
    const bad = [start, end].find((v): v is SimResponse => typeof v === "object");
    if (bad) return bad;
    const span = daysBetween(start as string, end as string);
    if (span < 0) return { status: 400, body: { message: "startDate must be on or before endDate" } };
    if (span > MAX_RANGE_DAYS) return { status: 422, body: { message: "Requested date range is greater than 7 days" } };
    if (resource === "usage") return { body: this.pricing.usage(site, now, start as string, end as string) };
    const resolution = resolutionOf(query, site.intervalLength);
    if (typeof resolution === "object") return resolution;
    return { body: this.pricing.prices(site, now, start as string, end as string, resolution) };
  }

  private renewables(state: string, query: URLSearchParams, now: number): SimResponse {
    const region = AMBER_STATE_REGIONS[state];
    if (!region) return { status: 404, body: { message: "State not found" } };
    const previous = count(query, "previous");
    const next = count(query, "next");
    const resolution = resolutionOf(query, 30);
    const bad = [previous, next, resolution].find((v): v is SimResponse => typeof v === "object");
    if (bad) return bad;
    return { body: this.pricing.renewables(region, now, previous as number, next as number, resolution as 5 | 30) };
  }

  /** Counts a request against the token's fixed window (opened by its first call); the headers describe the window after it. */
  private count(token: string, now: number): { exceeded: boolean; headers: Record<string, string> } {
    const rate = this.options.rateLimit;
    if (!rate) return { exceeded: false, headers: {} };
    let window = this.windows.get(token);
    if (!window || now >= window.start + rate.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(token, window);
    }
    window.count++;
    const headers = {
      "ratelimit-limit": String(rate.limit),
      "ratelimit-remaining": String(Math.max(0, rate.limit - window.count)),
      "ratelimit-reset": String(Math.max(0, Math.ceil((window.start + rate.windowMs - now) / 1000))),
      "ratelimit-policy": `${rate.limit};w=${Math.round(rate.windowMs / 1000)}`,
    };
    return { exceeded: window.count > rate.limit, headers };
  }

  private requestId(): string {
    const n = ++this.requestSeq;
    const hex = (this.options.seed >>> 0).toString(16).padStart(8, "0");
    return `${hex}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  }
}

/** A percent-decoded path segment, or null for a malformed escape (which then matches no site or state: 404, not a 500). */
function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function missingToken(): SimResponse {
  return { status: 403, body: { message: "Missing Authentication Token" } };
}

function count(query: URLSearchParams, name: string): number | SimResponse {
  const value = query.get(name);
  if (value === null || value === "") return 0;
  if (!/^\d+$/.test(value)) return { status: 400, body: { message: `${name} must be a non-negative integer` } };
  return Number(value);
}

function resolutionOf(query: URLSearchParams, fallback: 5 | 30): 5 | 30 | SimResponse {
  const value = query.get("resolution");
  if (value === null || value === "") return fallback;
  if (value !== "5" && value !== "30") return { status: 400, body: { message: "resolution must be one of 5, 30" } };
  return Number(value) as 5 | 30;
}

function dateParam(query: URLSearchParams, name: string, fallback: string | undefined): string | SimResponse {
  const value = query.get(name);
  if (value === null || value === "") {
    return fallback ?? { status: 400, body: { message: `${name} is required` } };
  }
  if (!isCalendarDate(value)) return { status: 400, body: { message: `${name} must be a date formatted as YYYY-MM-DD` } };
  return value;
}

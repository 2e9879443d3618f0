import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { type SimPortfolio } from "./portfolio.js";

type Obj = Record<string, unknown>;

/** An HTTP error a handler answers with. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PowerTrackSimCredentials {
  /** The full browser cookie string. */
  cookie: string;
  /** The `ae_s` header. */
  aeS: string;
  /** The `ae_v` header (`c75711`). */
  aeV: string;
}

/** A write the simulator accepted. */
export interface SimWriteRecord {
  method: string;
  path: string;
  key: string;
  /** The site or hardware the object belongs to, when it is not itself one. */
  parent?: string;
  body: unknown;
  at: number;
}

export type ExpiredResponse = "419" | "401" | "html";

export interface SimStateOptions {
  sessionLifetimeMs: number | null;
  expiredResponse: ExpiredResponse;
  requireReferer: boolean;
}

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
export const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
export const MONTH_FACTOR = [2.6, 3.4, 4.4, 5.2, 5.8, 6.1, 6.2, 5.7, 4.9, 3.9, 2.9, 2.4];
export const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The session and what every layer shares: the stored objects and the write log. */
export abstract class SimSessionState {
  readonly writes: SimWriteRecord[] = [];
  credentials: PowerTrackSimCredentials;
  sessionIssuedAt: number;
  sessionLifetimeMs: number | null;
  expiredResponse: ExpiredResponse;
  requireReferer: boolean;
  /** The simulator's start; generated `ts` stamps lie before it. */
  readonly createdAt: number;
  protected readonly storedSiteConfigs = new Map<string, Obj>();
  protected readonly storedHardwareConfigs = new Map<string, Obj>();
  protected readonly storedModeling = new Map<string, Obj>();
  protected readonly storedTriggers = new Map<string, Obj[]>();
  /** Modules uploaded with `POST /api/edit/pvsystmodule`, after the built-in library. */
  protected readonly uploadedModules: Array<{ name: string; value: number }> = [];
  /** Report configurations created with `POST /api/reportconfig`. */
  protected readonly storedReportConfigs: Obj[] = [];
  /** Serialised production views by site, for the clock minute they were made in (gateways upload every few minutes). */
  protected readonly productionCache = new Map<string, { minute: number; json: string }>();
  protected sessionCount = 0;
  protected nextTriggerId = 1_764_000;

  constructor(
    readonly portfolio: SimPortfolio,
    readonly clock: Clock,
    options: SimStateOptions,
  ) {
    this.createdAt = clock.now();
    this.sessionLifetimeMs = options.sessionLifetimeMs;
    this.expiredResponse = options.expiredResponse;
    this.requireReferer = options.requireReferer;
    this.sessionIssuedAt = clock.now();
    this.credentials = this.issue();
  }

  // -------------------------------------------------------------------------------------------
  // Session

  protected issue(): PowerTrackSimCredentials {
    const h = (what: string) =>
      createHash("sha256").update(`openpower-powertrack-sim:${this.portfolio.seed}:${this.sessionCount}:${what}`).digest();
    this.sessionCount++;
    const hex = (what: string, n: number) => h(what).toString("hex").slice(0, n).toUpperCase();
    const cookie = [
      `.AspNet.Cookies=chunks-2`,
      `.AspNet.CookiesC1=${hex("c1", 48)}`,
      `.AspNet.CookiesC2=${hex("c2", 48)}`,
      `AESession=${hex("session", 40)}`,
      `_AFC=${hex("afc", 16)}`,
    ].join("; ");
    return { cookie, aeS: `*${h("aes").toString("base64")}`, aeV: "c75711" };
  }

  /** New credentials (a fresh login); the old ones stop working. */
  renewSession(): PowerTrackSimCredentials {
    this.credentials = this.issue();
    this.sessionIssuedAt = this.clock.now();
    return this.credentials;
  }

  /** Keeps the current credentials and starts a fresh lifetime (the browser kept the session alive). */
  refreshSession(): void {
    this.sessionIssuedAt = this.clock.now();
  }

  /** Makes the current session expired now (the next request gets 419, or `expiredResponse`). */
  expireSession(): void {
    this.sessionIssuedAt = Number.NEGATIVE_INFINITY;
  }

  sessionExpired(now = this.clock.now()): boolean {
    if (this.sessionIssuedAt === Number.NEGATIVE_INFINITY) return true;
    return this.sessionLifetimeMs !== null && now - this.sessionIssuedAt > this.sessionLifetimeMs;
  }

  /** The value of the `AESession` cookie the server expects. */
  sessionCookieValue(): string {
    return /AESession=([^;]+)/.exec(this.credentials.cookie)![1]!;
  }

  // -------------------------------------------------------------------------------------------
  // Lookups
}

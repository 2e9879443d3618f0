import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { isCalendarDate } from "../../core/time/calendar-date.js";
import { localDate } from "../../core/time/zoned.js";
import {
  HouseModel,
  startHttpSimulator,
  VirtualClock,
  type FaultRule,
  type HouseConfig,
  type HttpSimulator,
  type SimRequest,
  type SimResponse,
} from "../kernel.js";
import { renderMonitorDetail, renderPlantPowerChart, type SemsPlant } from "./sems-render.js";

export interface SemsSimulatorOptions {
  /** The account. Defaults: owner@example.com / "sems-sim-password". */
  email?: string;
  password?: string;
  /** How long a token stays valid, ms of simulator time. Default 3 600 000 (1 h). */
  tokenTtlMs?: number;
  /** "legacy" (default): `code: 0`, "Successful"; "v3": `code: "0"`, 操作成功 (the newer envelope). */
  loginEnvelope?: "legacy" | "v3";
  /** A migrated account: the monitor detail answers success with `data: {}`. */
  migrated?: boolean;
  /** SEMS+ login answers success without a token (PR #193). */
  semsPlusNoToken?: boolean;
  /** GY0429 once more than `requests` data requests arrive within `windowMs`. */
  rateLimit?: { requests: number; windowMs: number } | null;
  /** The inverter is offline (night): powerflow values "" and status −1. */
  offline?: boolean;
  house?: HouseModel | HouseConfig;
  /** Default an accelerated VirtualClock at speed 1. Pass the house's clock with a house model. */
  clock?: Clock;
  port?: number;
  seed?: number;
  faults?: FaultRule[];
}

export interface SemsSimulator {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  /** The legacy CrossLogin URL to give the client. */
  readonly loginUrl: string;
  readonly account: { email: string; password: string };
  readonly powerStationId: string;
  readonly inverterSerial: string;
  readonly house: HouseModel;
  readonly clock: Clock;
  /** The HTTP harness (requests, faults). */
  readonly http: HttpSimulator;
  /** Changes behaviour while running (migrated, offline, rateLimit, semsPlusNoToken, tokenTtlMs). */
  configure(change: Partial<Pick<SemsSimulatorOptions, "migrated" | "offline" | "rateLimit" | "semsPlusNoToken" | "tokenTtlMs">>): void;
  /** Invalidates every issued token (the next data call gets 100002). */
  expireTokens(): void;
  /** The next `times` data requests get HTTP 429 with `Retry-After: retryAfterS`. */
  throttle(times: number, retryAfterS: number): void;
  /** The inverter's status as SEMS shows it (1 normal, 0 stopped). */
  inverterStatus(): number;
  /** Logins performed so far. */
  logins(): number;
  close(): Promise<void>;
}

const DEFAULT_HOUSE: HouseConfig = {
  seed: 5151,
  timeZone: "Australia/Sydney",
  latitude: -33.87,
  longitude: 151.21,
  pv: { capacityW: 9600, strings: 2 },
  load: { dailyKwh: 16 },
  battery: { capacityKwh: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 0.9, minSoc: 0.1, maxSoc: 1, initialSoc: 0.64 },
};

const MIGRATED_PARA = (id: string) => JSON.stringify({ model: { PowerStationId: id } });

function legacyError(code: string, msg: string): SimResponse {
  return {
    body: {
      language: "en",
      function: null,
      hasError: true,
      code,
      msg,
      data: null,
      components: { para: null, langVer: 179, timeSpan: 0, msgSocketAdr: null },
    },
  };
}

function ok(data: unknown, extra: Record<string, unknown> = {}): SimResponse {
  return { body: { language: "en", function: ["ADD", "VIEW"], hasError: false, msg: "操作成功", code: "0", data, ...extra } };
}

/**
 * A SEMS Portal server on 127.0.0.1 (legacy API, plus the SEMS+ login), rendering one simulated
 * house as monitor detail and day charts, with token lifetimes, rate limits and the 2026
 * migration's failure modes. Data routes accept both `/api/v2/...` and `/api//v2/...`.
 */
export async function startSemsSimulator(options: SemsSimulatorOptions = {}): Promise<SemsSimulator> {
  if (options.house instanceof HouseModel && !options.clock)
    throw new RangeError("Pass the house model's clock as `clock` along with `house`.");
  const clock: Clock = options.clock ?? new VirtualClock({ mode: "accelerated", speed: 1 });
  const house = options.house instanceof HouseModel ? options.house : new HouseModel(options.house ?? DEFAULT_HOUSE, clock);
  const email = options.email ?? "owner@example.com";
  const password = options.password ?? "sems-sim-password";
  const settings = {
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    migrated: options.migrated ?? false,
    semsPlusNoToken: options.semsPlusNoToken ?? false,
    rateLimit: options.rateLimit ?? null,
    offline: options.offline ?? false,
  };
  const plant: SemsPlant = {
    powerStationId: "7f9c2b1e-3a4d-4c5e-9f60-1a2b3c4d5e6f",
    stationName: "Simulated Home",
    inverterSerial: "9010KETU22AW0001",
    inverterModel: "GW10K-ET",
    capacityKwp: house.config.pv.capacityW / 1000,
    batteryCapacityKwh: house.config.battery.capacityKwh,
    inverterStatus: 1,
    currency: "AUD",
    base: { pv: 21873.2, buy: 5120.4, sell: 11890.6, charge: 3210.5, discharge: 2988.1, load: 15103.0 },
  };
  const tokens = new Map<string, { uid: string; issuedAt: number }>();
  const uid = "0c1d2e3f-4a5b-4c6d-8e7f-901234567890";
  let issued = 0;
  let logins = 0;
  let throttled = { times: 0, retryAfterS: 0 };
  const recent: number[] = [];
  let base = "";

  const issue = (): { token: string; timestamp: number } => {
    issued++;
    logins++;
    const token = createHash("sha256")
      .update(`${options.seed ?? 0}:${issued}`)
      .digest("hex")
      .slice(0, 32);
    const timestamp = clock.now();
    tokens.set(token, { uid, issuedAt: timestamp });
    return { token, timestamp };
  };

  const tokenOf = (req: SimRequest): Record<string, unknown> | null => {
    const header = req.headers.token;
    if (!header) return null;
    try {
      const parsed = JSON.parse(header) as unknown;
      return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  const body = (req: SimRequest): Record<string, unknown> => {
    if (req.body.trim() === "") return {};
    if (/^\s*[{[]/.test(req.body)) return req.json<Record<string, unknown>>();
    return Object.fromEntries(new URLSearchParams(req.body));
  };

  const handler = (req: SimRequest): SimResponse => {
    const path = req.path.replace(/\/{2,}/g, "/");
    if (req.method !== "POST") return { status: 405, body: { message: "POST only" } };

    // ---- SEMS+ login ----
    if (path === "/web/sems/sems-user/api/v1/auth/cross-login") {
      const b = body(req);
      const expected = Buffer.from(createHash("md5").update(password).digest("hex")).toString("base64");
      if (b.account !== email || b.pwd !== expected)
        return { body: { code: "100005", description: "Email or password error.", data: null } };
      if (b.agreement === undefined || b.isChinese === undefined || b.isLocal === undefined)
        return { body: { code: "100001", description: "parameter missing.", data: null } };
      const gateway = `${base}/web/sems`;
      if (settings.semsPlusNoToken)
        return { body: { code: "00000", description: "成功", traceId: "sim", data: { agreement: true, api: gateway } } };
      const { token, timestamp } = issue();
      return {
        body: {
          code: "00000",
          description: "成功",
          traceId: "sim",
          data: {
            uid,
            timestamp: String(timestamp),
            token,
            client: "semsPlusWeb",
            version: "",
            language: "en",
            api: gateway,
            region: "au",
          },
          api: gateway,
        },
      };
    }

    // ---- legacy login ----
    const login = /^\/api\/v[123]\/Common\/CrossLogin$/.exec(path);
    if (login) {
      const t = tokenOf(req);
      if (!t || typeof t.version !== "string" || t.version === "") return legacyError("100000", "ver is not fund");
      const b = body(req);
      if (b.account !== email || b.pwd !== password) return legacyError("100005", "Email or password error.");
      const { token, timestamp } = issue();
      const data = {
        uid,
        timestamp,
        token,
        client: String(t.client ?? "ios"),
        version: options.loginEnvelope === "v3" ? "" : String(t.version),
        language: String(t.language ?? "en"),
      };
      const api = `${base}/api/`;
      if (options.loginEnvelope === "v3") return ok(data, { api });
      return {
        body: {
          hasError: false,
          code: 0,
          msg: "Successful",
          data,
          components: { para: null, langVer: 179, timeSpan: 0, api: `${base}/api/Auth/GetToken`, msgSocketAdr: base },
          api,
        },
      };
    }

    // ---- data routes: token, then rate limits ----
    if (!path.startsWith("/api/")) return { status: 404, body: { message: `no route ${path}` } };
    const t = tokenOf(req);
    if (!t || typeof t.version !== "string" || t.version === "") return legacyError("100000", "ver is not fund");
    const session = typeof t.token === "string" ? tokens.get(t.token) : undefined;
    if (!session || session.uid !== t.uid || clock.now() - session.issuedAt > settings.tokenTtlMs) {
      return legacyError("100002", "The authorization has expired, please log in again.");
    }
    if (throttled.times > 0) {
      throttled.times--;
      return { status: 429, headers: { "retry-after": String(throttled.retryAfterS) }, body: { message: "Too Many Requests" } };
    }
    if (settings.rateLimit) {
      const now = clock.now();
      while (recent.length && recent[0]! <= now - settings.rateLimit.windowMs) recent.shift();
      recent.push(now);
      if (recent.length > settings.rateLimit.requests) return { body: { code: "GY0429", description: "Too many requests", data: null } };
    }
    const b = body(req);
    const route = path.replace(/^\/api\/(v[123]\/)?/, "");
    switch (route) {
      case "PowerStation/GetPowerStationIdByOwner":
        return { body: { hasError: false, code: 0, msg: "操作成功", data: plant.powerStationId } };
      case "PowerStation/GetMonitorDetailByPowerstationId": {
        const id = b.powerStationId ?? b.PowerStationId;
        if (id !== plant.powerStationId) return legacyError("100004", "parameter error.");
        if (settings.migrated)
          return {
            body: {
              code: "0",
              components: { langVer: 179, msgSocketAdr: null, para: MIGRATED_PARA(plant.powerStationId), timeSpan: 0 },
              data: {},
              function: null,
              hasError: false,
              language: "en",
              msg: "操作成功",
            },
          };
        return ok(renderMonitorDetail(house, plant, clock.now(), { offline: settings.offline }));
      }
      case "PowerStation/GetPowerflow": {
        if ((b.PowerStationId ?? b.powerStationId) !== plant.powerStationId) return legacyError("100004", "parameter error.");
        const detail = renderMonitorDetail(house, plant, clock.now(), { offline: settings.offline });
        return ok({ powerflow: detail.powerflow });
      }
      case "Charts/GetPlantPowerChart": {
        if (b.id !== plant.powerStationId) return legacyError("100004", "parameter error.");
        const raw = String(b.date ?? "");
        const us = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(raw);
        const date = us ? `${us[3]}-${us[1]}-${us[2]}` : raw.slice(0, 10);
        if (!isCalendarDate(date)) return legacyError("100004", "parameter error.");
        return ok(renderPlantPowerChart(house, plant, date, clock.now()));
      }
      case "PowerStation/SaveRemoteControlInverter": {
        if (b.InverterSN !== plant.inverterSerial || b.InverterStatusSettingMark !== "1") return legacyError("100004", "parameter error.");
        if (b.InverterStatus === "2") plant.inverterStatus = 0;
        else if (b.InverterStatus === "4") plant.inverterStatus = 1;
        else return legacyError("100004", "parameter error.");
        return ok(null);
      }
      default:
        return legacyError("100000", "system error");
    }
  };

  const http = await startHttpSimulator(handler, { port: options.port ?? 0, seed: options.seed, clock, faults: options.faults });
  base = http.url;
  return {
    url: http.url,
    loginUrl: `${http.url}/api/v2/Common/CrossLogin`,
    account: { email, password },
    powerStationId: plant.powerStationId,
    inverterSerial: plant.inverterSerial,
    house,
    clock,
    http,
    configure(change) {
      Object.assign(settings, Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)));
      if ("rateLimit" in change && change.rateLimit === null) settings.rateLimit = null;
    },
    expireTokens() {
      tokens.clear();
    },
    throttle(times, retryAfterS) {
      throttled = { times, retryAfterS };
    },
    inverterStatus: () => plant.inverterStatus,
    logins: () => logins,
    close: () => http.close(),
  };
}

/** Today's local date of the simulated plant (for tests and examples). */
export function semsToday(sim: SemsSimulator): string {
  return localDate(sim.clock.now(), sim.house.config.timeZone);
}

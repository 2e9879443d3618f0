import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { isCalendarDate } from "../../core/time/calendar-date.js";
import { roundTo } from "../../core/units.js";
import { hash01, type SimRequest, type SimResponse } from "../kernel.js";
import defaults from "./data/defaults.json" with { type: "json" };
import { failure, shortFailure, springError, success } from "./envelopes.js";
import type { AlphaEssState } from "./state.js";
import type { AlphaEssSimApp, InjectedError, OutboxEntry } from "./types.js";
import { chargeBody, dischargeBody, periodicBody } from "./write-bodies.js";

/** The endpoints the simulator serves and the method each one enforces. */
const METHODS = defaults.methods as Readonly<Record<string, "GET" | "POST">>;
/** Endpoints that exist but are not open to a normal account: answered with 6001. */
const NOT_FOR_THIS_ACCOUNT = new Set(defaults.notForThisAccount);
/** Writes throttled by the device-side cool-down. */
const THROTTLED_WRITES = new Set(defaults.throttledWrites);
/** Endpoints that need the device online (the rest are served from the cloud's store). */
const NEEDS_DEVICE = new Set(defaults.needsDevice);
const EV_CODES = defaults.evCodes as Record<string, number>;

export interface AlphaEssHandlerOptions {
  seed: number;
  clock: Clock;
  apps: AlphaEssSimApp[];
  /** Accepted skew between `timeStamp` and the server clock, s. */
  windowS: number;
  codeTtl: number;
  intervalOf: (endpoint: string) => number;
  /** Minimum ms between two requests of one app to one endpoint for one system (`sysSn`), else 6053; 0: off. */
  systemIntervalMs?: number;
  writeCooldownMs: number;
  writeCooldownMode: "reject" | "ignore";
}

/**
 * The Open API as the live service answers it: authentication, pacing, the binding flow, reads
 * from the state and writes into it. Returns the request handler and the outbox and injected errors.
 */
export function createAlphaEssHandler(state: AlphaEssState, options: AlphaEssHandlerOptions) {
  const { seed, clock, apps, windowS, codeTtl, intervalOf, writeCooldownMs, writeCooldownMode } = options;
  const { systems, houseOf, applyControl, realtime, daySeries, dayEnergy, summary } = state;
  const outbox: OutboxEntry[] = [];
  const injected: (InjectedError & { remaining: number })[] = [];
  const lastRequest = new Map<string, number>();
  /** Requests refused for coming too fast (6053 on pacing): benches and tests count them. */
  const refused = { tooFast: 0 };
  const lastWrite = new Map<string, number>();

  // ---------------------------------------------------------------------------------------------
  // The handler

  function handle(req: SimRequest): SimResponse {
    const now = clock.now();
    const headers = { date: new Date(now).toUTCString() };
    const reply = (body: unknown, status = 200): SimResponse => ({ status, headers, body });
    const match = /^\/api\/([A-Za-z]+)$/.exec(req.path);
    const endpoint = match?.[1];
    const method = endpoint ? METHODS[endpoint] : undefined;
    if (!endpoint || !method) return reply(springError(404, req.path, now), 404);
    if (req.method !== method) return reply(springError(405, req.path, now), 405);

    // Authentication: short bodies. PYLIB sends "timeStamp" and "timestamp": Node joins repeated headers.
    const first = (v: string | undefined) => v?.split(",")[0]?.trim() ?? "";
    const appId = first(req.headers["appid"]);
    const timeStamp = first(req.headers["timestamp"]);
    const sign = first(req.headers["sign"]);
    if (!appId) return reply(shortFailure(6012));
    if (!timeStamp) return reply(shortFailure(6011));
    if (!sign) return reply(shortFailure(6010));
    const app = apps.find((a) => a.appId === appId);
    const expected = app ? createHash("sha512").update(`${app.appId}${app.appSecret}${timeStamp}`, "utf8").digest("hex") : null;
    if (!app || sign !== expected) return reply(shortFailure(6007));
    if (!/^\d{1,13}$/.test(timeStamp) || Math.abs(Number(timeStamp) - now / 1000) > windowS) return reply(shortFailure(6009));
    if (app.ipAllowList && !app.ipAllowList.includes(req.remoteAddress.replace(/^::ffff:/, "")))
      return reply(shortFailure(6009, "Whitelist verification failed"));

    // Parameters.
    let params: Record<string, unknown>;
    if (method === "GET") {
      params = Object.fromEntries(req.query.entries());
    } else {
      let body: unknown;
      try {
        body = req.body.trim() === "" ? {} : req.json();
      } catch {
        return reply(springError(400, req.path, now), 400);
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) return reply(failure(10001));
      params = body as Record<string, unknown>;
    }
    const sysSn = typeof params.sysSn === "string" ? params.sysSn : undefined;

    // Injected errors.
    for (let i = 0; i < injected.length; i++) {
      const rule = injected[i]!;
      if ((rule.endpoint === undefined || rule.endpoint === endpoint) && (rule.serialNumber === undefined || rule.serialNumber === sysSn)) {
        if (--rule.remaining <= 0) injected.splice(i, 1);
        return reply(failure(rule.code, rule.msg, rule.expMsg ?? null));
      }
    }

    // Pacing per (app, endpoint).
    const interval = intervalOf(endpoint);
    if (interval > 0) {
      const key = `${appId}\u0000${endpoint}`;
      const last = lastRequest.get(key);
      if (last !== undefined && now - last < interval) {
        refused.tooFast++;
        return reply(failure(6053));
      }
      lastRequest.set(key, now);
    }
    // Pacing per (app, endpoint, system): what a developer account with a higher AppID rate still meets.
    const perSystem = options.systemIntervalMs ?? 0;
    if (perSystem > 0 && sysSn !== undefined) {
      const key = `${appId}\u0000${endpoint}\u0000${sysSn}`;
      const last = lastRequest.get(key);
      if (last !== undefined && now - last < perSystem) return reply(failure(6053));
      lastRequest.set(key, now);
    }
    if (NOT_FOR_THIS_ACCOUNT.has(endpoint)) return reply(failure(6001));

    if (endpoint === "getEssList") {
      const list = [...systems.values()]
        .filter((s) => s.boundTo.has(appId))
        .map((s) => ({
          sysSn: s.serialNumber,
          popv: s.preset.pvKw,
          minv: s.preset.inverterModel,
          poinv: s.preset.inverterKw,
          cobat: s.preset.batteryKwh,
          mbat: s.preset.batteryModel,
          surplusCobat: roundTo((s.preset.batteryKwh * s.preset.usableCapacityPct) / 100, 2),
          usCapacity: s.preset.usableCapacityPct,
          emsStatus: "Normal",
        }));
      return reply(success(list));
    }

    if (!sysSn) return reply(failure(6001));
    const s = systems.get(sysSn);
    if (!s) return reply(failure(6038));

    // The binding flow.
    if (endpoint === "getVerificationCode") {
      const checkCode = params.checkCode;
      if (typeof checkCode !== "string" || checkCode === "") return reply(failure(6001));
      if (!s.hasOwner) return reply(failure(6002));
      if (s.boundTo.has(appId)) return reply(failure(6003));
      if (checkCode.trim().toUpperCase() !== s.checkCode.toUpperCase()) return reply(failure(6004));
      const code = String(100000 + Math.floor(hash01(seed, outbox.length + 1, Math.floor(now / 1000)) * 900000));
      outbox.push({ serialNumber: sysSn, appId, code, sentAt: new Date(now), expiresAt: new Date(now + codeTtl) });
      return reply(success(null));
    }
    if (endpoint === "bindSn") {
      if (typeof params.code !== "string" && typeof params.code !== "number") return reply(failure(6001));
      if (s.boundTo.has(appId)) return reply(failure(6003));
      const code = String(params.code);
      const valid = outbox.some((o) => o.serialNumber === sysSn && o.appId === appId && o.code === code && o.expiresAt.getTime() > now);
      if (!valid) return reply(failure(6046));
      s.boundTo.add(appId);
      return reply(success(null));
    }
    if (!s.boundTo.has(appId)) return reply(failure(6005));
    if (endpoint === "unBindSn") {
      s.boundTo.delete(appId);
      return reply(success(null));
    }
    if (NEEDS_DEVICE.has(endpoint) && !s.online) return reply(failure(6042));

    switch (endpoint) {
      case "getLastPowerData":
        return reply(success(realtime(s)));
      case "getOneDayPowerBySn":
      case "getOneDateEnergyBySn": {
        const date = params.queryDate;
        if (typeof date !== "string" || !isCalendarDate(date)) return reply(failure(6001));
        return reply(success(endpoint === "getOneDayPowerBySn" ? daySeries(s, date) : dayEnergy(s, date)));
      }
      case "getSumDataForCustomer":
        return reply(success(summary(s)));
      case "getChargeConfigInfo":
        return reply(success({ ...s.charge }));
      case "getDisChargeConfigInfo":
        return reply(success({ ...s.discharge }));
      case "getTimeChargeBySn": {
        if (!s.periodicEntitled) return reply(failure(6017));
        const p = s.periodic;
        // The read answers 0 for both cycle flags whatever was written (HA tests).
        return reply(
          success({
            sysSn,
            executeCycleType: p.executeCycleType,
            gridChargeCycle: 0,
            ctrDisCycle: 0,
            chargeTimeList: p.chargeTimeList.map((i) => ({ ...i })),
            dischargeTimeList: p.dischargeTimeList.map((i) => ({ ...i })),
          }),
        );
      }
      case "updateChargeConfigInfo":
      case "updateDisChargeConfigInfo":
      case "setTimeChargeBySn": {
        let apply: () => void;
        if (endpoint === "updateChargeConfigInfo") {
          const next = chargeBody(params);
          if (!next) return reply(failure(6001));
          apply = () => void (s.charge = next);
        } else if (endpoint === "updateDisChargeConfigInfo") {
          const next = dischargeBody(params);
          if (!next) return reply(failure(6001));
          apply = () => void (s.discharge = next);
        } else {
          const next = periodicBody(params);
          if ("code" in next) return reply(failure(next.code, undefined, next.expMsg ?? null));
          if (!s.periodicEntitled) return reply(failure(6017));
          apply = () => {
            s.periodic = {
              ...next,
              gridChargeCycle: next.gridChargeCycle === -1 ? s.periodic.gridChargeCycle : next.gridChargeCycle,
              ctrDisCycle: next.ctrDisCycle === -1 ? s.periodic.ctrDisCycle : next.ctrDisCycle,
            };
          };
        }
        const cooled = coolingDown(sysSn, endpoint, now);
        if (cooled) return reply(cooled === "reject" ? failure(6053) : success(null));
        if (s.legacyWritesIgnored && endpoint !== "setTimeChargeBySn") {
          startCooldown(sysSn, endpoint, now); // answered Success: the throttle counts it
          return reply(success(null));
        }
        const before = { charge: s.charge, discharge: s.discharge, periodic: s.periodic };
        apply();
        try {
          applyControl(s);
        } catch {
          Object.assign(s, before);
          return reply(failure(6008)); // refused: the cool-down does not start
        }
        startCooldown(sysSn, endpoint, now);
        s.appliedWrites++;
        return reply(success(null));
      }
      case "getEvChargerConfigList":
        return reply(success(s.evCharger ? [{ evchargerSn: s.evCharger.serialNumber, evchargerModel: s.evCharger.model }] : []));
      case "getEvChargerCurrentsBySn":
        if (!s.evCharger) return reply(failure(6016));
        return reply(success({ currentsetting: s.evCurrentSetting }));
      case "setEvChargerCurrentsBySn": {
        if (!s.evCharger) return reply(failure(6016));
        const amps = params.currentsetting;
        if (typeof amps !== "number" || !Number.isFinite(amps) || amps <= 0 || amps > 1000) return reply(failure(6001));
        const cooled = coolingDown(sysSn, endpoint, now);
        if (cooled) return reply(cooled === "reject" ? failure(6053) : success(null));
        startCooldown(sysSn, endpoint, now);
        s.evCurrentSetting = amps;
        const ev = houseOf(sysSn).ev!;
        ev.setCurrentLimit(Math.min(amps, ev.spec.maxCurrentA));
        s.appliedWrites++;
        return reply(success(null));
      }
      case "getEvChargerStatusBySn":
      case "remoteControlEvCharger": {
        const charger = params.evchargerSn;
        if (typeof charger !== "string" || charger === "") return reply(failure(6001));
        if (!s.evCharger || charger !== s.evCharger.serialNumber) return reply(failure(6016));
        const ev = houseOf(sysSn).ev!;
        if (endpoint === "getEvChargerStatusBySn") return reply(success({ evchargerStatus: EV_CODES[ev.state().status] ?? 9 }));
        const mode = params.controlMode;
        if (mode !== 0 && mode !== 1) return reply(failure(6001));
        if (mode === 1) ev.start();
        else ev.stop();
        return reply(success(null));
      }
      default:
        return reply(failure(6001));
    }
  }

  /** The device-side write cool-down: how a write now is answered, or null when it may go ahead. */
  function coolingDown(sn: string, endpoint: string, now: number): "reject" | "ignore" | null {
    if (!THROTTLED_WRITES.has(endpoint) || writeCooldownMs <= 0) return null;
    const last = lastWrite.get(`${sn}\u0000${endpoint}`);
    return last !== undefined && now - last < writeCooldownMs ? writeCooldownMode : null;
  }

  /** Starts the cool-down once a write was taken (a write refused with 6008 does not start it). */
  function startCooldown(sn: string, endpoint: string, now: number): void {
    if (THROTTLED_WRITES.has(endpoint)) lastWrite.set(`${sn}\u0000${endpoint}`, now);
  }

  return { handle, outbox, injected, refused };
}

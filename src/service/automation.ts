import { AutomationController, type AutomationDecision, type AutomationMode } from "../automation/controller.js";
import type { Clock } from "../core/clock.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { offsetMinutes, systemTimeZone } from "../core/time/index.js";
import { isBatteryController, isPowerMeter, isPriceSource, type PriceSource } from "../model/capabilities.js";
import type { EnergySystem } from "../model/types.js";
import type { VendorSession } from "../cli/vendors/types.js";
import { batteryCapacity } from "./battery-capacity.js";
import { ServiceForecaster, type PvForecastSettings } from "./automation-forecast.js";
import type { Collector } from "./collector/collector.js";
import { sleepOn } from "./collector/pool.js";
import type { Storage } from "./storage/types.js";

export interface ServiceAutomationOptions {
  mode: AutomationMode;
  storage: Storage;
  collector: Collector;
  sessions: readonly VendorSession[];
  clock: Clock;
  logger?: Logger;
  /** Never plan below this SOC. Default 0.2. */
  reserveSoc?: number;
  /** Writes per system and local day. Default 6. */
  dailyWriteBudget?: number;
  /**
   * Usable battery capacity, kWh, for a device that does not report its own (AlphaESS does); a
   * system with neither is not automated (it is logged), never planned with an assumed size.
   */
  capacityKwh?: number;
  /** Where `capacityKwh` came from, for the log. Default "config". */
  capacitySource?: string;
  /** Charge/discharge power, W (default the device's limit, else 5000). */
  maxPowerW?: number;
  /** Cycle spacing on the service clock, ms. Default 5 minutes. */
  intervalMs?: number;
  /** Open-Meteo's PV forecast for the configured location, blended with the history profile. */
  pv?: PvForecastSettings;
}

export interface RunningAutomation {
  readonly controllers: ReadonlyMap<string, AutomationController>;
  /** One cycle of every system now (serialised with the timer's). */
  cycleAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Audit rows read back to count recent writes (a day of writes is far fewer). */
const AUDIT_WINDOW = 500;

/**
 * `automation.mode` in the service: one `AutomationController` per system that takes a battery
 * schedule, cycled every 5 minutes on the service clock and after each new price read. Every
 * decision is stored and logged with its explanation; in control mode each write (planned, applied
 * and read back by the controller) is also stored in the audit.
 */
export async function startAutomation(options: ServiceAutomationOptions): Promise<RunningAutomation> {
  const log = options.logger ?? silentLogger;
  const controllers = new Map<string, AutomationController>();
  const abort = new AbortController();
  const prices = await priceSourceOf(options.sessions, log);
  if (options.mode !== "off" && prices) {
    for (const [key, system] of options.collector.systems) {
      if (!isBatteryController(system) || !isPowerMeter(system)) continue;
      const client = options.sessions.find((s) => s.vendor === system.vendor)?.client;
      const capacity = await batteryCapacity(system, client, options.capacityKwh, options.capacitySource);
      if (!capacity) {
        log.warn("automation: no battery capacity for this system (the device reports none): set [automation] capacityKwh", {
          system: key,
        });
        continue;
      }
      log.info("automation: battery capacity", { system: key, capacityKwh: capacity.kWh, source: capacity.source });
      controllers.set(key, controllerFor(key, system, prices, capacity.kWh, options, log));
    }
  } else if (options.mode !== "off") log.warn("automation idle: no Amber price source configured", { mode: options.mode });
  let chain: Promise<void> = Promise.resolve();
  const cycleAll = (): Promise<void> =>
    (chain = chain.then(async () => {
      for (const [key, c] of controllers) {
        if (abort.signal.aborted) return;
        try {
          await c.cycle();
        } catch (error) {
          log.warn("automation cycle failed", { system: key, errorClass: error instanceof Error ? error.name : typeof error });
        }
      }
    }));
  let pricesLanded: () => void = () => undefined;
  const firstPrices = new Promise<void>((resolve) => (pricesLanded = resolve));
  const onPoll = (e: { vendor: string; ok: boolean }) => {
    if (e.vendor !== "amber" || !e.ok || abort.signal.aborted) return;
    pricesLanded();
    void cycleAll();
  };
  let loop: Promise<void> = Promise.resolve();
  if (controllers.size > 0) {
    options.collector.on("poll", onPoll);
    loop = (async () => {
      // The first cycle runs once the collector's first price read has landed (that read triggers it),
      // or after one interval: not before, when it could only skip on prices it has not seen.
      const now = options.clock.now();
      const stored = await options.storage.prices({ from: now - 30 * 60_000, to: now + 60_000, vintages: "latest" });
      const landed = stored.length > 0 || (await Promise.race([firstPrices.then(() => true), timer(options, abort.signal)]));
      if (stored.length > 0 || !landed) await cycleAll();
      while (await sleepOn(options.clock, options.intervalMs ?? 5 * 60_000, abort.signal)) await cycleAll();
    })();
    log.info("automation started", { mode: options.mode, systems: [...controllers.keys()] });
  }
  return {
    controllers,
    cycleAll,
    async stop() {
      abort.abort(new Error("automation stopped"));
      options.collector.off("poll", onPoll);
      await Promise.allSettled([loop, chain]);
    },
  };
}

/** False after one cycle interval on the service clock (or when stopped). */
async function timer(options: ServiceAutomationOptions, signal: AbortSignal): Promise<boolean> {
  await sleepOn(options.clock, options.intervalMs ?? 5 * 60_000, signal);
  return false;
}

async function priceSourceOf(sessions: readonly VendorSession[], log: Logger): Promise<PriceSource | undefined> {
  for (const s of sessions) {
    if (s.vendor !== "amber" || !s.priceSource) continue;
    try {
      const ps = await s.priceSource();
      if (isPriceSource(ps)) return ps;
    } catch (error) {
      log.warn("automation: price source unavailable", { errorClass: error instanceof Error ? error.name : typeof error });
    }
  }
  return undefined;
}

/** The service's controller for one system: forecasts from (and stored in) `storage`, decisions and writes recorded there. */
export function controllerFor(
  key: string,
  system: EnergySystem,
  prices: PriceSource,
  capacityKwh: number,
  options: Pick<ServiceAutomationOptions, "storage" | "clock" | "mode" | "reserveSoc" | "dailyWriteBudget" | "maxPowerW" | "pv">,
  log: Logger,
): AutomationController {
  const { storage, clock } = options;
  const zone = system.timeZone ?? systemTimeZone();
  const maxPowerW = options.maxPowerW ?? (isBatteryController(system) ? system.batteryControl.maxPowerW : undefined) ?? 5000;
  const forecaster = new ServiceForecaster({ storage, system: key, timeZone: zone, clock, logger: log, pv: options.pv });
  return new AutomationController({
    system,
    prices,
    forecast: (from, count, minutes) => forecaster.forecast(from, count, minutes),
    kind: system.vendor === "goodwe" ? "goodwe" : "alphaess",
    battery: {
      capacityKwh,
      minSoc: 0.1,
      maxSoc: 1,
      maxChargeW: maxPowerW,
      maxDischargeW: maxPowerW,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      cycleCostCentsPerKwh: 2,
    },
    grid: { maxImportW: 15_000, maxExportW: 5_000 },
    mode: options.mode,
    reserveSoc: options.reserveSoc,
    dailyWriteBudget: options.dailyWriteBudget,
    utcOffsetMinutes: offsetMinutes(clock.now(), zone),
    now: () => clock.now(),
    // Every write to the device this service audited (the automation's and the API's), so a restart forgets none.
    pastWrites: async (since) =>
      (await storage.audit(key, AUDIT_WINDOW)).filter((a) => a.action === "apply" && a.at >= since).map((a) => a.at),
    onDecision: (d) => recordDecision(key, d, storage, log),
  });
}

/** Stores and logs the decision; a write also goes to the audit with its plan, result and read-back. */
export async function recordDecision(system: string, d: AutomationDecision, storage: Storage, log: Logger): Promise<void> {
  // The plan's intervals are kept when it was made (a re-plan), not repeated with every decision that follows it.
  const { at, mode, action, reason, intervals, ...rest } = d;
  const detail = d.replanned ? { ...rest, intervals } : rest;
  await storage.recordDecision({ at: at.getTime(), system, mode, action, reason, detail });
  log.info("automation decision", { system, mode, action, reason, explanation: d.explanation });
  if (action === "write" && d.plan)
    await storage.recordAudit({
      at: at.getTime(),
      system,
      action: "apply",
      request: { automation: reason, explanation: d.explanation, desired: d.schedule },
      plan: d.plan,
      result: d.result ?? null,
      ok: d.result?.ok ?? null,
    });
}

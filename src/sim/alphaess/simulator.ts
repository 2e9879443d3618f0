import type { Clock } from "../../core/clock.js";
import { VirtualClock, startHttpSimulator, type FaultRule, type HouseModel, type HttpSimulator } from "../kernel.js";
import defaults from "./data/defaults.json" with { type: "json" };
import { createAlphaEssHandler } from "./handler.js";
import { createAlphaEssState, derive } from "./state.js";
import type { AlphaEssSimApp, AlphaEssSimSystemOptions, AlphaEssSimSystemState, InjectedError, OutboxEntry } from "./types.js";

export type { AlphaEssSimApp, AlphaEssSimSystemOptions, AlphaEssSimSystemState, InjectedError, OutboxEntry } from "./types.js";

export interface AlphaEssSimulatorOptions {
  /** Default: a new `VirtualClock` in "real" mode. Give an accelerated or manual clock to run days in seconds. */
  clock?: Clock;
  seed?: number;
  /** Default: two SMILE5 systems in Sydney, the first with an EV charger. */
  systems?: AlphaEssSimSystemOptions[];
  /** Default: one app with credentials derived from the seed. */
  apps?: AlphaEssSimApp[];
  /**
   * The default of `minIntervalMs` and `writeCooldownMs`: "live" (default) is as strict as the live
   * service (10 s between two requests of one app to one endpoint, 30 s between two setting writes
   * to one system and endpoint); "none" turns both off, for tests and demos that need speed. The two
   * options below override either.
   */
  limits?: "live" | "none";
  /** Minimum ms between two requests of one app to one endpoint (else 6053): one number or per endpoint. Default 10 000 ("live"). */
  minIntervalMs?: number | Partial<Record<string, number>>;
  /** Minimum ms between two requests of one app to one endpoint for the same system (`sysSn`), else 6053. Default 0 (off). */
  systemIntervalMs?: number;
  /** Device-side minimum ms between two setting writes to one system and endpoint. Default 30 000 ("live"). */
  writeCooldownMs?: number;
  /** Within the write cool-down: "reject" answers 6053, "ignore" answers Success and changes nothing (as seen live). Default "reject". */
  writeCooldownMode?: "reject" | "ignore";
  /** Accepted skew between `timeStamp` and the server clock, s. Default 300. */
  signatureWindowS?: number;
  /** Whole local days simulated before today, so day series have history. Default 1. */
  historyDays?: number;
  /** House integration step, s (divides 900). Default 60. */
  stepSeconds?: number;
  /** How long an e-mailed verification code stays valid, ms. Default 30 minutes. */
  verificationCodeTtlMs?: number;
  faults?: FaultRule[];
  port?: number;
}

export interface AlphaEssSimulator {
  /** Base URL for the client: "http://127.0.0.1:<port>/api". */
  readonly url: string;
  /** The first app's credentials. */
  readonly credentials: { appId: string; appSecret: string };
  readonly apps: readonly AlphaEssSimApp[];
  /** Serial numbers of every simulated system. */
  readonly systems: readonly string[];
  /** Verification codes "e-mailed" to owners, oldest first. */
  readonly outbox: readonly OutboxEntry[];
  /** The newest code e-mailed for a system. */
  lastVerificationCode(serialNumber: string): string | undefined;
  /** The house behind a system (created on first use). */
  house(serialNumber: string): HouseModel;
  /** The stored state of a system. */
  state(serialNumber: string): AlphaEssSimSystemState;
  setOnline(serialNumber: string, online: boolean): void;
  /** Envelope errors to inject (6026, 6029, 6006, ...). */
  readonly errors: { add(rule: InjectedError): () => void; clear(): void };
  readonly clock: Clock;
  readonly http: HttpSimulator;
  /** How many requests were refused with 6053 for coming faster than `minIntervalMs` (since the start). */
  readonly refused: { readonly tooFast: number };
  close(): Promise<void>;
}

/**
 * Starts an AlphaESS Open API simulator on 127.0.0.1, backed by the house model: signed requests
 * checked against the 300-second window, the envelope and its codes, methods enforced, the binding
 * flow with an outbox, day series newest first with drifting seconds, summary counters that reset
 * at UTC midnight, EV chargers, and charge/discharge settings that really drive the battery.
 */
export async function startAlphaEssSimulator(options: AlphaEssSimulatorOptions = {}): Promise<AlphaEssSimulator> {
  const seed = options.seed ?? 1;
  const clock: Clock = options.clock ?? new VirtualClock({ mode: "real" });
  const apps: AlphaEssSimApp[] = (
    options.apps ?? [{ appId: `alpha${derive(seed, "appId", 16)}`, appSecret: derive(seed, "appSecret", 32) }]
  ).map((a) => ({ ...a }));
  if (apps.length === 0) throw new RangeError("startAlphaEssSimulator needs at least one app.");
  const windowS = options.signatureWindowS ?? 300;
  const historyDays = options.historyDays ?? 1;
  const stepSeconds = options.stepSeconds ?? 60;
  const codeTtl = options.verificationCodeTtlMs ?? 30 * 60_000;
  const live = (options.limits ?? "live") === "live";
  if (options.limits !== undefined && options.limits !== "live" && options.limits !== "none")
    throw new RangeError(`limits must be "live" or "none", got ${JSON.stringify(options.limits)}.`);
  const writeCooldownMs = options.writeCooldownMs ?? (live ? defaults.liveLimits.writeCooldownMs : 0);
  const writeCooldownMode = options.writeCooldownMode ?? "reject";
  const defaultInterval = live ? defaults.liveLimits.minIntervalMs : 0;
  const intervalOf = (endpoint: string): number =>
    typeof options.minIntervalMs === "number" ? options.minIntervalMs : (options.minIntervalMs?.[endpoint] ?? defaultInterval);

  const state = createAlphaEssState({ seed, clock, apps, systems: options.systems, historyDays, stepSeconds });
  const { systems, houseOf, stateOf } = state;
  const { handle, outbox, injected, refused } = createAlphaEssHandler(state, {
    seed,
    clock,
    apps,
    windowS,
    codeTtl,
    intervalOf,
    systemIntervalMs: options.systemIntervalMs ?? 0,
    writeCooldownMs,
    writeCooldownMode,
  });

  const http = await startHttpSimulator(handle, { port: options.port, seed, clock, faults: options.faults });

  return {
    url: `${http.url}/api`,
    credentials: { appId: apps[0]!.appId, appSecret: apps[0]!.appSecret },
    apps,
    systems: [...systems.keys()],
    outbox,
    lastVerificationCode: (sn) => outbox.filter((o) => o.serialNumber === sn).at(-1)?.code,
    house: (sn) => houseOf(sn),
    state: (sn) => stateOf(sn),
    setOnline: (sn, online) => {
      stateOf(sn).online = online;
    },
    errors: {
      add(rule) {
        const entry = { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
        injected.push(entry);
        return () => {
          const i = injected.indexOf(entry);
          if (i >= 0) injected.splice(i, 1);
        };
      },
      clear() {
        injected.length = 0;
      },
    },
    clock,
    http,
    refused,
    close: () => http.close(),
  };
}

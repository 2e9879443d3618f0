import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { RateLimiter } from "../../core/rate-limit/limiter.js";
import type { EnergySystem, PriceInterval, PriceSource, Vendor, WriteResult } from "../../model/types.js";
import type { SectionValues, SettingSpec } from "../config/settings.js";

import type { CommandHost } from "../host.js";

/**
 * How a vendor client is built: the directory relative paths are resolved against and, for the
 * demo, a shared clock. Settings come from the merged configuration only (file, .env,
 * environment, --set), never from the vendors' own lookups.
 */
export interface ConnectOptions {
  cwd: string;
  clock?: Clock;
  logger?: Logger;
  /** Per-attempt timeout for this command; vendors keep their own defaults otherwise. */
  timeoutMs?: number;
  /** The account's request budget when it is shared beyond this process (a fleet worker's); the vendor's default otherwise. */
  rateLimit?: RateLimiter;
}

/** An EV charger as the `openpower ev` commands see it, whatever the vendor: the model's type. */
export type { EvChargerInfo } from "../../model/capabilities.js";
import type { EvChargerInfo } from "../../model/capabilities.js";

/** What an EV write did: the model's `WriteResult` (`write.target` is e.g. AlphaESS "remoteControlEvCharger"). */
export type EvWriteOutcome = WriteResult;

export interface EvControl {
  list(): Promise<EvChargerInfo[]>;
  status(id: string): Promise<EvChargerInfo>;
  start(id: string, options: { dryRun: boolean }): Promise<EvWriteOutcome>;
  stop(id: string, options: { dryRun: boolean }): Promise<EvWriteOutcome>;
  /** Sets the charging current limit, A, of the charger's system. */
  limit(id: string, amps: number, options: { dryRun: boolean }): Promise<EvWriteOutcome>;
  /** The device and endpoint a write addresses, for the write cool-down (`VendorSession.writeCooldownMs`). */
  writeTarget?(id: string, action: "start" | "stop" | "limit"): Promise<{ device: string; endpoint: string }>;
}

/** A connected vendor account: its systems, price feed, EV chargers and the raw client. */
export interface VendorSession {
  readonly vendor: Vendor;
  /** The vendor client (`AlphaESS`, `Amber`, ...), for the vendor command group. */
  readonly client: unknown;
  /** The systems this account exposes in the unified model (none for Amber). */
  systems(): Promise<EnergySystem[]>;
  /** The price feed (Amber only). */
  priceSource?(): Promise<PriceSource>;
  /**
   * The shortest interval at which `watch` may refresh `systemCount` systems without leaving the
   * vendor's budget, ms. Reads the client's limiter state where it exposes one.
   */
  refreshIntervalMs(systemCount: number): number;
  /**
   * The shortest interval for one system, ms, when the account's systems differ (a local GoodWe
   * inverter every 5 s, its SEMS station once a minute); `refreshIntervalMs` otherwise.
   */
  systemRefreshMs?(system: EnergySystem): number;
  /** One line about the rate budget for `watch` (remaining requests, pacing). */
  budgetNote?(): string | null;
  /**
   * The vendor's minimum interval between two writes to one device and endpoint, ms (0: none).
   * The client only remembers its own writes; the CLI also counts earlier runs' writes, from the
   * audit log, since every command is a new process.
   */
  writeCooldownMs?(endpoint: string): number;
  /** The IANA zone of the account's devices, when known (for "today" and history dates). */
  timeZone?: string;
  /** The clock the client paces itself by (simulated time against an accelerated simulator). */
  now(): number;
  /** Prices from now for `hours` ahead, one request (Amber). */
  pricesAhead?(hours: number): Promise<PriceInterval[]>;
  ev?: EvControl;
  close(): Promise<void>;
}

/** A simulator started for `openpower sim` or `openpower demo`. */
export interface SimulatorHandle {
  vendor: Vendor;
  /** The config section that points a client at this simulator. */
  section: SectionValues;
  /** What people should know (URL, serials, credentials of the simulator). */
  info: string;
  /** The simulator object itself (for the demo and tests). */
  handle?: unknown;
  close(): Promise<void>;
}

export interface SimulatorStartOptions {
  /** The shared virtual clock: every simulator of one run keeps the same simulated time. */
  clock: Clock;
  seed: number;
  /** Fixed port, for `openpower sim --port`; default: any free port. */
  port?: number;
}

/** One command of a vendor group (`openpower alphaess list-systems`): a client method, JSON out. */
export interface VendorCommand {
  name: string;
  description: string;
  /** The client method it calls (for `--help` and docs). */
  method: string;
  args?: readonly { name: string; description: string; optional?: boolean; variadic?: boolean }[];
  options?: readonly {
    flags: string;
    description: string;
    defaultValue?: string | boolean;
    parse?: (value: string, previous: never) => unknown;
  }[];
  /** Changes something on the vendor side: asks first (unless --yes), supports --dry-run where the client does, audited. */
  write?: boolean;
  /** The result is a list of flat records and `--csv` makes sense. */
  tabular?: boolean;
  /** The command prints a report for people (tables) and takes `--json` for scripts. */
  human?: boolean;
  examples?: readonly string[];
  run(session: VendorSession, args: string[], options: Record<string, unknown>, ctx: CommandHost): Promise<unknown>;
}

/** What a vendor can have at all, known without connecting (each system's capability guards say more). */
export interface PluginFeatures {
  /** Systems with a power flow (`status`, `history`). */
  systems: boolean;
  /** Systems that may take a battery schedule (`battery`). */
  batterySchedule: boolean;
  /** EV chargers (`ev`). */
  ev: boolean;
  /** A price feed (`prices`). */
  prices: boolean;
}
export type PluginFeature = keyof PluginFeatures;

/** What the CLI knows about one vendor. Vendor code is imported lazily inside the functions. */
export interface VendorPlugin {
  readonly name: Vendor;
  readonly title: string;
  readonly settings: readonly SettingSpec[];
  readonly provides: Readonly<PluginFeatures>;
  /** Whether the section has enough settings to connect. */
  isConfigured(section: SectionValues | undefined): boolean;
  connect(section: SectionValues, options: ConnectOptions): Promise<VendorSession>;
  /** One cheap call proving the credentials work; resolves to what it found, throws otherwise. */
  check(session: VendorSession): Promise<string>;
  /** Starts this vendor's simulator (undefined while the simulator is not available). */
  startSimulator?(options: SimulatorStartOptions): Promise<SimulatorHandle>;
  /** The vendor command group. */
  commands(): readonly VendorCommand[];
}

import type { AlphaEssModelPreset } from "./presets.js";
import type { HouseConfig } from "../kernel.js";

/** The AlphaESS simulator's types: what a test configures and what it can inspect. */

/** One simulated system. */
export interface AlphaEssSimSystemOptions {
  serialNumber: string;
  /** A preset from `MODEL_PRESETS` ("SMILE5-INV", "Storion-S5", "VT1000", "SMILE-G3-S3.6-INV"). Default "SMILE5-INV". */
  model?: string;
  /** Every `getLastPowerData` field null (default: true for "Storion-S5"). */
  realtimeAllNull?: boolean;
  /** The system's IANA zone: day series and `queryDate` follow it. Default "Australia/Sydney". */
  timeZone?: string;
  /** AppIDs the system is bound to. Default: every app. `[]`: owned but not bound (bind it with the verification flow). */
  boundTo?: string[];
  /** The system has a registered owner (else getVerificationCode answers 6002). Default true. */
  hasOwner?: boolean;
  /** The CheckCode printed on the label. Default derived from the serial. */
  checkCode?: string;
  /** Default true; offline systems answer 6042 to real-time reads and writes. */
  online?: boolean;
  /** Fit an EV charger (true, or its serial and model). Default false. */
  evCharger?: boolean | { serialNumber?: string; model?: string };
  /** Entitled to the periodic endpoints (else 6017). Default true. */
  periodicEntitled?: boolean;
  /** The "new backend" (AU/NZ/UK 2026): the legacy update endpoints answer Success and change nothing. Default false. */
  legacyWritesIgnored?: boolean;
  /** A tariff is configured (else income, ratios and lifetime figures are null in the summary). Default true. */
  tariff?: boolean;
  /** Replaces sections of the generated house. */
  house?: Partial<HouseConfig>;
}

export interface AlphaEssSimApp {
  appId: string;
  appSecret: string;
  /** When set, only these source addresses are accepted (others get 6009 "Whitelist verification failed"). */
  ipAllowList?: string[];
}
/** A verification code "e-mailed" to a system's owner. */
export interface OutboxEntry {
  serialNumber: string;
  appId: string;
  code: string;
  sentAt: Date;
  expiresAt: Date;
}

/** An injected envelope error: the next matching requests answer `code`. */
export interface InjectedError {
  endpoint?: string;
  serialNumber?: string;
  code: number;
  msg?: string;
  expMsg?: string | null;
  /** Default: until removed. */
  times?: number;
}

export interface ChargeConfig {
  gridCharge: number;
  timeChaf1: string;
  timeChae1: string;
  timeChaf2: string;
  timeChae2: string;
  batHighCap: number;
}
export interface DischargeConfig {
  ctrDis: number;
  timeDisf1: string;
  timeDise1: string;
  timeDisf2: string;
  timeDise2: string;
  batUseCap: number;
}
export interface PeriodItem {
  beginTime: string;
  endTime: string;
  weeks?: number[];
  chargePower?: number;
  chargeLimit: number;
}
export interface PeriodicConfig {
  executeCycleType: number;
  gridChargeCycle: number;
  ctrDisCycle: number;
  chargeTimeList: PeriodItem[];
  dischargeTimeList: PeriodItem[];
}

/** What the simulator holds for one system (exposed for tests). */
export interface AlphaEssSimSystemState {
  readonly serialNumber: string;
  readonly preset: AlphaEssModelPreset;
  readonly timeZone: string;
  readonly checkCode: string;
  readonly realtimeAllNull: boolean;
  readonly hasOwner: boolean;
  readonly periodicEntitled: boolean;
  readonly legacyWritesIgnored: boolean;
  readonly tariff: boolean;
  readonly evCharger: { serialNumber: string; model: string } | null;
  boundTo: Set<string>;
  online: boolean;
  charge: ChargeConfig;
  discharge: DischargeConfig;
  periodic: PeriodicConfig;
  /** Household current limit for the chargers, A. */
  evCurrentSetting: number;
  /** Number of writes that changed settings (for tests). */
  appliedWrites: number;
}

import type { Family } from "./types.js";

/**
 * Serial-number tags that identify the family (the `goodwe` library's `discover`, MIT). A serial
 * such as "9010KETU…" carries "ETU" → ET.
 */
/** Serial tags of the 745 platform (LV, then HV): eco groups of schedule type 6, self-use mode. */
export const PLATFORM_745_TAGS = Object.freeze([
  "ESN",
  "EBN",
  "EMN",
  "SPN",
  "ERN",
  "ESC",
  "HLB",
  "HMB",
  "HBB",
  "EOA",
  "ETT",
  "HTA",
  "HUB",
  "AEB",
  "SPB",
  "CUB",
  "EUB",
  "HEB",
  "ERB",
  "BTT",
  "ETF",
  "ARB",
  "URB",
  "EBR",
  "NAH",
]);
export const ET_TAGS = Object.freeze([
  // 205 platform
  "ETU",
  "ETL",
  "ETR",
  "BHN",
  "EHU",
  "BHU",
  "EHR",
  "BTU",
  ...PLATFORM_745_TAGS,
  // 753
  "AES",
  "HHI",
  "ABP",
  "EHB",
  "HSB",
  "HUA",
  "CUA",
  // others
  "ETC",
  "BTC",
  "BTN",
]);
export const ES_TAGS = Object.freeze(["ESU", "EMU", "ESA", "BPS", "BPU", "EMJ", "IJL"]);
export const DT_TAGS = Object.freeze([
  "DTU",
  "DTS",
  "KMT",
  "MSU",
  "MST",
  "MSC",
  "DSN",
  "DTN",
  "DST",
  "NSU",
  "SSN",
  "SST",
  "SSX",
  "SSY",
  "PSB",
  "PSC",
]);

/** The family a serial number's tag names, or null when no tag matches. */
export function familyFromSerial(serialNumber: string): Family | null {
  const sn = serialNumber.toUpperCase();
  if (ET_TAGS.some((t) => sn.includes(t))) return "ET";
  if (ES_TAGS.some((t) => sn.includes(t))) return "ES";
  if (DT_TAGS.some((t) => sn.includes(t))) return "DT";
  return null;
}

/** Whether a serial names a 745-platform unit (the library's `is_745_platform`). */
export function is745Platform(serialNumber: string): boolean {
  const sn = serialNumber.toUpperCase();
  return PLATFORM_745_TAGS.some((t) => sn.includes(t));
}

import { daysBetween } from "../../core/time/calendar-date.js";
import { parseWith } from "../../core/validation.js";
import { capacityToKw } from "../function-codes.js";
import { numberOrNull, parseCalendarDay, parseTimestamp } from "../values.js";
import { siteConfigBody, siteDetailedInfoBody, siteLinksBody, siteSharesBody } from "../wire/site.js";

const ctx = (operation: string) => ({ vendor: "powertrack", operation });

/** A service contract's dates (calendar days "YYYY-MM-DD") and flags. */
export interface Contract {
  startDate: string | null;
  endDate: string | null;
  warnDate: string | null;
  terminateDate: string | null;
  status: number | null;
  willNotRenew: boolean | null;
  isManual: boolean | null;
  /** Days from `asOf` to `endDate` (negative once expired); null without an end date. */
  daysRemaining: number | null;
  /** `daysRemaining` <= 90. */
  expiringSoon: boolean;
}

/** `GET /api/view/site/{S}`: the site summary with address and contracts. */
export interface SiteDetailedInfo {
  key: string;
  name: string | null;
  /** The customer that owns the site ("C16300"). */
  parentKey: string | null;
  address: {
    address1: string | null;
    address2: string | null;
    city: string | null;
    stateProvince: string | null;
    postalCode: string | null;
    country: string | null;
  } | null;
  /** "2100 Roosevelt Ave., Springfield, MA 01101, United States". */
  fullAddress: string;
  latitude: number | null;
  longitude: number | null;
  elevation: number | null;
  status: number | null;
  isMonitored: boolean | null;
  /** AC capacity in kW (converted from `capacityAc` and its unit code), null when the unit is unknown. */
  capacityAcKw: number | null;
  capacityDcKw: number | null;
  /** kWh. */
  dailyProductionEstimate: number | null;
  monthlyProductionEstimate: number | null;
  /** Weather station used for estimated insolation (the SDK read a mis-cased key and always got 0). */
  preferredWSForEstimatedInsolation: number | null;
  estimatedCommissioningDate: string | null;
  actualCommissioningDate: string | null;
  validDataDate: Date | null;
  lastChanged: Date | null;
  /** Loss estimates, percent (the API sends them as strings). */
  estimatedLosses: Record<string, number | null>;
  /** The date `daysRemaining` is counted from (the client clock's UTC date). */
  asOf: string;
  monitoringContract: Contract;
  cellModemContract: Contract;
  /** The SDK's `contract_days_remaining`: the monitoring contract's `daysRemaining`. */
  contractDaysRemaining: number | null;
  /** The SDK's `is_contract_expiring_soon`: the monitoring contract ends within 90 days. */
  isContractExpiringSoon: boolean;
  raw: unknown;
}

function contract(prefix: "monitoringContract" | "cellModemContract", w: Record<string, unknown>, asOf: string): Contract {
  const endDate = parseCalendarDay(w[`${prefix}EndDate`]);
  const daysRemaining = endDate ? daysBetween(asOf, endDate) : null;
  return {
    startDate: parseCalendarDay(w[`${prefix}StartDate`]),
    endDate,
    warnDate: parseCalendarDay(w[`${prefix}WarnDate`]),
    terminateDate: parseCalendarDay(w[`${prefix}TerminateDate`]),
    status: numberOrNull(w[`${prefix}Status`]),
    willNotRenew: typeof w[`${prefix}WillNotRenew`] === "boolean" ? (w[`${prefix}WillNotRenew`] as boolean) : null,
    isManual: typeof w[`${prefix}IsManual`] === "boolean" ? (w[`${prefix}IsManual`] as boolean) : null,
    daysRemaining,
    expiringSoon: daysRemaining !== null && daysRemaining <= 90,
  };
}

export function toSiteDetailedInfo(body: unknown, asOf: string): SiteDetailedInfo {
  const w = parseWith(siteDetailedInfoBody, body, ctx("getSiteDetailedInfo"));
  const a = w.address;
  const fullAddress = a
    ? [a.address1, a.address2, a.city, [a.stateProvince, a.postalCode].filter(Boolean).join(" "), a.country]
        .filter((p) => p && String(p).trim())
        .join(", ")
    : "";
  const losses: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(w.estimatedLosses ?? {})) losses[k] = numberOrNull(v);
  const monitoringContract = contract("monitoringContract", w, asOf);
  return {
    key: w.key,
    name: w.name,
    parentKey: w.parentKey,
    address: a
      ? {
          address1: a.address1,
          address2: a.address2,
          city: a.city,
          stateProvince: a.stateProvince,
          postalCode: a.postalCode,
          country: a.country,
        }
      : null,
    fullAddress,
    latitude: w.latitude,
    longitude: w.longitude,
    elevation: w.elevation,
    status: w.status,
    isMonitored: w.isMonitored,
    capacityAcKw: capacityToKw(w.capacityAc, w.capacityAcUnit),
    capacityDcKw: capacityToKw(w.capacityDc, w.capacityDcUnit),
    dailyProductionEstimate: w.dailyProductionEstimate,
    monthlyProductionEstimate: w.monthlyProductionEstimate,
    preferredWSForEstimatedInsolation: w.preferredWSForEstimatedInsolation,
    estimatedCommissioningDate: parseCalendarDay(w.estimatedCommissioningDate),
    actualCommissioningDate: parseCalendarDay(w.actualCommissioningDate),
    validDataDate: parseTimestamp(w.validDataDate),
    lastChanged: parseTimestamp(w.lastChanged),
    estimatedLosses: losses,
    asOf,
    monitoringContract,
    cellModemContract: contract("cellModemContract", w, asOf),
    contractDaysRemaining: monitoringContract.daysRemaining,
    isContractExpiringSoon: monitoringContract.expiringSoon,
    raw: body,
  };
}

/**
 * `GET /api/edit/site/{S}`: the editable site configuration. The SDK mapped members that do not
 * exist (top-level `latitude`, `timeZone`, `acCapacityKw`…); the real ones are nested `location`,
 * `tz`, and `capacityAc`/`capacityDc` with unit codes.
 */
export interface SiteConfig {
  siteId: string;
  name: string | null;
  /** The customer. */
  parentKey: string | null;
  /** IANA-style zone name from `tz`, e.g. "US/Eastern". */
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  elevation: number | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  /** Calendar day. */
  installDate: string | null;
  capacityAc: number | null;
  capacityAcUnit: number | null;
  capacityDc: number | null;
  capacityDcUnit: number | null;
  /** kW, from the capacity and its unit code; null for an unknown unit. */
  capacityAcKw: number | null;
  capacityDcKw: number | null;
  /** The SDK's names for `capacityAcKw`, `capacityDcKw`, `timeZone` and `postalCode` (which it never filled). */
  acCapacityKw: number | null;
  dcCapacityKw: number | null;
  timezone: string | null;
  zipCode: string | null;
  /** Expected monthly output, kWh, keyed jan..dec. */
  monthlyOutput: Record<string, number | null>;
  /** Server version stamp, sent back on PUT. */
  ts: string | null;
  /** The whole object, needed for GET-modify-PUT. */
  rawData: Record<string, unknown>;
}

export function toSiteConfig(body: unknown): SiteConfig {
  const w = parseWith(siteConfigBody, body, ctx("getSiteConfig"));
  const loc = w.location;
  return {
    siteId: w.key,
    name: w.name,
    parentKey: w.parentKey,
    timeZone: w.tz,
    latitude: loc?.latitude ?? null,
    longitude: loc?.longitude ?? null,
    elevation: loc?.elevation ?? null,
    address: loc ? [loc.address1, loc.address2].filter((p) => p && p.trim()).join(", ") || null : null,
    city: loc?.city ?? null,
    state: loc?.state ?? null,
    postalCode: loc?.postalCode ?? null,
    country: loc?.country ?? null,
    installDate: parseCalendarDay(w.installDate),
    capacityAc: w.capacityAc,
    capacityAcUnit: w.capacityAcUnit,
    capacityDc: w.capacityDc,
    capacityDcUnit: w.capacityDcUnit,
    capacityAcKw: capacityToKw(w.capacityAc, w.capacityAcUnit),
    capacityDcKw: capacityToKw(w.capacityDc, w.capacityDcUnit),
    acCapacityKw: capacityToKw(w.capacityAc, w.capacityAcUnit),
    dcCapacityKw: capacityToKw(w.capacityDc, w.capacityDcUnit),
    timezone: w.tz,
    zipCode: loc?.postalCode ?? null,
    monthlyOutput: { ...(w.monthlyOutput ?? {}) },
    ts: w.ts,
    rawData: body as Record<string, unknown>,
  };
}

export interface SiteLink {
  /** A dashboard file key ("F119023") or an external URL. */
  key: string;
  kind: "dashboard" | "external" | (string & {});
  name: string | null;
}

export function toSiteLinks(body: unknown): SiteLink[] {
  return parseWith(siteLinksBody, body, ctx("getSiteLinks")).list.map((l) => ({ key: l.key, kind: l.kind ?? "", name: l.name }));
}

export interface SiteShare {
  siteKey: string | null;
  siteName: string | null;
  ownerCustomerKey: string | null;
  ownerCustomerName: string | null;
  sharedToCustomerKey: string | null;
  sharedToCustomerName: string | null;
  direction: number | null;
  canView: boolean | null;
  canEdit: boolean | null;
  canManage: boolean | null;
  canControl: boolean | null;
}

export function toSiteShares(body: unknown): SiteShare[] {
  return parseWith(siteSharesBody, body, ctx("getSiteShares")).rows.map((r) => ({
    siteKey: r.siteKey,
    siteName: r.siteName,
    ownerCustomerKey: r.ownerCustomerKey,
    ownerCustomerName: r.ownerCustomerName,
    sharedToCustomerKey: r.sharedToCustomerKey,
    sharedToCustomerName: r.sharedToCustomerName,
    direction: r.direction,
    canView: r.canView,
    canEdit: r.canEdit,
    canManage: r.canManage,
    canControl: r.canControl,
  }));
}

import type { NemRegion } from "../kernel.js";

/** One channel of a simulated site's meter. */
export interface AmberSimChannel {
  /** "E1" (general), "E2" (controlled load), "B1" (feed-in). */
  identifier: string;
  type: "general" | "controlledLoad" | "feedIn";
  /** Network tariff code, e.g. "6900". */
  tariff: string;
}

/** A simulated Amber site: what `/sites` lists, plus what drives its prices and usage. */
export interface AmberSimSite {
  /** 26-character ULID. */
  id: string;
  nmi: string;
  channels: AmberSimChannel[];
  network: string;
  status: "pending" | "active" | "closed";
  activeFrom?: string;
  closedOn?: string;
  intervalLength: 5 | 30;
  /** NEM region whose spot prices and renewables the site sees (not sent). */
  region: NemRegion;
  /** Shape of `tariffInformation` on general/controlledLoad intervals (not sent): demand `{demandWindow}`, time-of-use `{period, season}`, or none. */
  tariffKind: "demand" | "tou" | "flat";
  /** Household behind the meter, for usage records (not sent). */
  household: { baseLoadW: number; peakLoadW: number; pvKw: number; controlledLoadW: number };
}

/**
 * The default sites. Values are modelled on the captured sites in the Amber fixtures
 * (fixtures/amber/INDEX.md): the 5-minute Energex site is reconstructed from field values in
 * `thebnut/banyasolar` SPEC.md (2026-02); the Jemena ids and NMIs are the example values of
 * Amber's OpenAPI contract 2.0.0 (Apache-2.0). The closed site is listed first, as in Home
 * Assistant core issue #173961, so that clients must filter on `status`.
 */
export const DEFAULT_AMBER_SITES: readonly AmberSimSite[] = Object.freeze([
  {
    id: "01E8RD8PDAAJ5PJCMSGK1C4609",
    nmi: "3052282873",
    channels: [
      { identifier: "E1", type: "general", tariff: "A100" },
      { identifier: "B1", type: "feedIn", tariff: "A100" },
    ],
    network: "Jemena",
    status: "closed",
    activeFrom: "2020-01-01",
    closedOn: "2022-05-01",
    intervalLength: 30,
    region: "VIC1",
    tariffKind: "demand",
    household: { baseLoadW: 350, peakLoadW: 2500, pvKw: 3, controlledLoadW: 0 },
  },
  {
    id: "01GM47PZ7VYRDP071ED43M47TX",
    nmi: "3120736394",
    channels: [
      { identifier: "E1", type: "general", tariff: "6900" },
      { identifier: "B1", type: "feedIn", tariff: "9800" },
    ],
    network: "Energex",
    status: "active",
    activeFrom: "2022-12-12",
    intervalLength: 5,
    region: "QLD1",
    tariffKind: "tou",
    household: { baseLoadW: 400, peakLoadW: 3000, pvKw: 6.6, controlledLoadW: 0 },
  },
  {
    id: "01F5A5CRKMZ5BCX9P1S4V990AM",
    nmi: "3052282872",
    channels: [
      { identifier: "E1", type: "general", tariff: "A100" },
      { identifier: "E2", type: "controlledLoad", tariff: "A200" },
    ],
    network: "Jemena",
    status: "active",
    activeFrom: "2022-01-01",
    intervalLength: 30,
    region: "VIC1",
    tariffKind: "demand",
    household: { baseLoadW: 300, peakLoadW: 2200, pvKw: 0, controlledLoadW: 3600 },
  },
]);

/** A site as `/sites` sends it, in Amber's field order. */
export function amberWireSite(site: AmberSimSite): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: site.id,
    nmi: site.nmi,
    channels: site.channels.map((c) => ({ identifier: c.identifier, type: c.type, tariff: c.tariff })),
    network: site.network,
    status: site.status,
  };
  if (site.activeFrom !== undefined) out.activeFrom = site.activeFrom;
  if (site.closedOn !== undefined) out.closedOn = site.closedOn;
  out.intervalLength = site.intervalLength;
  return out;
}

const CHANNEL_ORDER = { general: 0, controlledLoad: 1, feedIn: 2 } as const;

/** The site's channels in Amber's response order: general, controlled load, feed-in. */
export function orderedChannels(site: AmberSimSite): AmberSimChannel[] {
  return [...site.channels].sort((a, b) => CHANNEL_ORDER[a.type] - CHANNEL_ORDER[b.type]);
}

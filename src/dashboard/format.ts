/** Number and time formatting for the page (SI units as the API sends them; SOC arrives as a fraction). */

/**
 * The browser's language, made safe for Intl: some report tags Intl refuses ("en-US@posix" from a
 * POSIX locale), and then even the default locale throws.
 */
export const LOCALE = ((): string => {
  for (const tag of [...(navigator.languages ?? []), navigator.language]) {
    const clean = (tag ?? "").replace(/[@.].*$/, "").replace(/_/g, "-");
    try {
      if (clean) return new Intl.NumberFormat(clean).resolvedOptions().locale;
    } catch {
      // Not a tag Intl takes: try the next.
    }
  }
  return "en";
})();

const nf1 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const nf0 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

export const DASH = "–";

/** Watts as people read them: "850 W", "3.2 kW". */
export function watts(w: number | null | undefined): string {
  if (w === null || w === undefined) return DASH;
  return Math.abs(w) >= 1000 ? `${nf1.format(w / 1000)} kW` : `${nf0.format(w)} W`;
}
export function kwh(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : `${nf1.format(v)} kWh`;
}
export function percent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? DASH : `${nf0.format(fraction * 100)} %`;
}
export function cents(c: number | null | undefined): string {
  return c === null || c === undefined ? DASH : `${nf1.format(c)} c/kWh`;
}
export function dollars(c: number | null | undefined): string {
  return c === null || c === undefined ? DASH : `$${nf2.format(c / 100)}`;
}

/** "12 s", "4 min", "3 h", "2 d" ago. */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.max(0, seconds);
  if (s < 90) return `${nf0.format(s)} s`;
  if (s < 90 * 60) return `${nf0.format(s / 60)} min`;
  if (s < 36 * 3600) return `${nf0.format(s / 3600)} h`;
  return `${nf0.format(s / 86400)} d`;
}

/** Time of day in a zone: "14:05". */
export function clock(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone }).format(ms);
}
export function dateTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short", hour12: false, timeZone }).format(ms);
}

/** What Amber's descriptors mean to someone deciding whether to run the dishwasher now. */
const MEANING: Record<string, string> = {
  extremelyLow: "extremely cheap: a great time to use or store energy",
  veryLow: "very cheap: a good time to use energy",
  low: "cheap",
  neutral: "typical",
  high: "expensive: use less from the grid",
  spike: "price spike: avoid the grid",
};
export function meaning(descriptor: string, spike?: string): string {
  if (spike === "spike") return MEANING.spike!;
  const m = MEANING[descriptor] ?? descriptor;
  return spike === "potential" ? `${m} (a spike is possible)` : m;
}
/** The CSS class of a descriptor's colour. */
export function descriptorClass(descriptor: string, spike?: string): string {
  return `d-${spike === "spike" ? "spike" : descriptor in MEANING ? descriptor : "neutral"}`;
}

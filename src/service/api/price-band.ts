import type { Collector } from "../collector/collector.js";
import type { PriceRowWithBand } from "../collector/convert.js";
import type { PriceRow } from "../storage/types.js";

type Band = NonNullable<PriceRowWithBand["advanced"]>;

/**
 * The retailer's forecast band (Amber's advanced low/predicted/high) of the latest forecast, kept in
 * memory from the collector's price reads and added to `/prices` rows. It is not stored: a band only
 * matters for intervals still ahead, and the next read (every 5 minutes) brings it back after a restart.
 */
export class PriceBands {
  private readonly bands = new Map<string, Band>();
  private static key(r: Pick<PriceRow, "source" | "channel" | "start">): string {
    return `${r.source}|${r.channel}|${r.start}`;
  }

  constructor(collector: Collector) {
    collector.on("prices", ({ rows }) => {
      if (rows.length === 0) return;
      for (const row of rows as PriceRowWithBand[]) {
        const key = PriceBands.key(row);
        if (row.advanced) this.bands.set(key, row.advanced);
        else this.bands.delete(key);
      }
      // Only intervals ahead of the newest read are worth keeping.
      const oldest = Math.min(...rows.map((r) => r.start)) - 86_400_000;
      for (const key of this.bands.keys()) if (Number(key.split("|")[2]) < oldest) this.bands.delete(key);
    });
  }

  /** The band of a row as served: only for the latest vintage (an older vintage's band is not kept). */
  of(row: PriceRow, latest: boolean): Band | null {
    return latest ? (this.bands.get(PriceBands.key(row)) ?? null) : null;
  }
}

import type { History, Price } from "./api.js";

/** Cost in cents of each bucket's grid energy at the price of its interval: import at the general price, export at feed-in. */
export function bucketCosts(hist: History["samples"], stepMs: number, prices: Price[]): (number | null)[] {
  const byChannel = (channel: string) =>
    prices
      .filter((p) => p.channel === channel)
      .map((p) => ({ start: Date.parse(p.start), end: Date.parse(p.end), c: p.perKwhCents }))
      .sort((a, b) => a.start - b.start);
  const general = byChannel("general");
  const feedIn = byChannel("feedIn");
  const at = (list: typeof general, t: number) => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = list[mid]!;
      if (t < p.start) hi = mid - 1;
      else if (t >= p.end) lo = mid + 1;
      else return p.c;
    }
    return null;
  };
  return hist.t.map((t, i) => {
    const w = hist.gridW[i];
    if (w === null || w === undefined) return null;
    const mid = t + stepMs / 2;
    const kwh = (Math.abs(w) * stepMs) / 3_600_000 / 1000;
    const price = w >= 0 ? at(general, mid) : at(feedIn, mid);
    // A negative feed-in price is money earned, so export lowers the cost.
    return price === null ? null : kwh * price;
  });
}

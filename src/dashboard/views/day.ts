import uPlot from "uplot";
import { get, sys, type EnergyDay, type History, type Price } from "../api.js";
import { bucketCosts } from "../cost.js";
import { fill, h } from "../dom.js";
import * as f from "../format.js";
import type { App } from "../state.js";
import { addDays, localDate, startOfDate } from "../zone.js";

/** One day (or week, month) of power and SOC in a uPlot chart, with the daily energy totals and their cost. */

type Span = "day" | "week" | "month";
const SPANS: Record<Span, { days: number; step: string; stepMs: number }> = {
  day: { days: 1, step: "5m", stepMs: 300_000 },
  week: { days: 7, step: "30m", stepMs: 1_800_000 },
  month: { days: 30, step: "1h", stepMs: 3_600_000 },
};
const SERIES = [
  { key: "pvW", label: "Solar", color: "--pv" },
  { key: "loadW", label: "House", color: "--load" },
  { key: "gridW", label: "Grid (+ import)", color: "--grid" },
  { key: "batteryW", label: "Battery (+ discharge)", color: "--battery" },
  { key: "evW", label: "EV", color: "--ev" },
] as const;

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";

export function mountDay(root: HTMLElement, app: App): () => void {
  const id = app.selected;
  if (!id) {
    fill(root, h("p", { class: "empty" }, "No system yet."));
    return () => undefined;
  }
  const zone = app.zone(id);
  let span: Span = (sessionStorage.getItem("openpower.span") as Span | null) ?? "day";
  if (!(span in SPANS)) span = "day";
  let date = localDate(app.clock.now(), zone);

  const title = h("h2", { id: "day-h" }, "");
  const status = h("p", { class: "muted", role: "status" }, "");
  const chartBox = h("div", { class: "chart", "data-chart": "day" });
  const table = h("div", { class: "table-wrap" });
  const dateInput = h("input", { type: "date", value: date, "aria-label": "Date" });
  const spanButtons = (Object.keys(SPANS) as Span[]).map((k) =>
    h("button", { type: "button", "data-span": k, "aria-pressed": String(k === span), onclick: () => setSpan(k) }, k),
  );
  fill(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "day-h" },
      title,
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "button", "data-nav": "prev", "aria-label": "Earlier", onclick: () => move(-1) }, "◀ Earlier"),
        dateInput,
        h("button", { type: "button", "data-nav": "next", "aria-label": "Later", onclick: () => move(1) }, "Later ▶"),
        h("button", { type: "button", "data-nav": "today", onclick: () => go(localDate(app.clock.now(), zone)) }, "Today"),
        h("span", { class: "segmented", role: "group", "aria-label": "Span" }, ...spanButtons),
      ),
      status,
      chartBox,
    ),
    h("section", { class: "card", "aria-labelledby": "energy-h" }, h("h2", { id: "energy-h" }, "Energy and cost"), table),
  );
  dateInput.addEventListener("change", () => dateInput.value && go(dateInput.value));

  let plot: uPlot | undefined;
  let loading: AbortController | undefined;
  const resize = new ResizeObserver(() => plot?.setSize({ width: chartBox.clientWidth, height: chartHeight() }));
  resize.observe(chartBox);
  const chartHeight = () => (window.innerWidth < 600 ? 260 : 360);

  const first = () => addDays(date, 1 - SPANS[span].days);
  const move = (dir: number) => go(addDays(date, dir * SPANS[span].days));
  const go = (d: string) => {
    date = d;
    dateInput.value = d;
    void load();
  };
  const setSpan = (k: Span) => {
    span = k;
    sessionStorage.setItem("openpower.span", k);
    for (const b of spanButtons) b.setAttribute("aria-pressed", String(b.dataset.span === k));
    void load();
  };

  const load = async () => {
    loading?.abort();
    const abort = (loading = new AbortController());
    const { step, stepMs } = SPANS[span];
    const from = startOfDate(first(), zone);
    const to = startOfDate(addDays(date, 1), zone);
    title.textContent = span === "day" ? `${app.system(id)?.name ?? id}: ${date}` : `${app.system(id)?.name ?? id}: ${first()} to ${date}`;
    status.textContent = "Loading…";
    try {
      const [hist, energy, prices] = await Promise.all([
        get<History>(`${sys(id)}/history?from=${from}&to=${to}&step=${step}`, abort.signal),
        get<{ days: EnergyDay[] }>(`${sys(id)}/energy?from=${first()}&to=${date}`, abort.signal),
        get<{ prices: Price[] }>(`/prices?from=${from}&to=${to}`, abort.signal),
      ]);
      if (abort.signal.aborted) return;
      draw(hist, from, to);
      totals(hist, energy.days, prices.prices, stepMs);
      status.textContent = hist.count === 0 ? "No readings in this range." : `${hist.count} ${step} averages`;
      chartBox.dataset.count = String(hist.count);
    } catch (error) {
      if (abort.signal.aborted) return;
      status.textContent = `Could not load: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const draw = (hist: History, from: number, to: number) => {
    const S = hist.samples;
    const data: uPlot.AlignedData = [
      S.t.map((t) => t / 1000),
      ...SERIES.map((s) => S[s.key]),
      S.soc.map((v) => (v === null ? null : v * 100)),
    ];
    const opts: uPlot.Options = {
      width: chartBox.clientWidth || 600,
      height: chartHeight(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
      scales: { x: { time: true, min: from / 1000, max: to / 1000 }, "%": { range: [0, 100] } },
      axes: [
        { stroke: css("--fg"), grid: { stroke: css("--border") }, ticks: { stroke: css("--border") } },
        {
          scale: "W",
          stroke: css("--fg"),
          grid: { stroke: css("--border") },
          ticks: { stroke: css("--border") },
          values: (_u, vals) => vals.map((v) => f.watts(v)),
          size: 70,
        },
        { scale: "%", side: 1, stroke: css("--fg"), grid: { show: false }, values: (_u, vals) => vals.map((v) => `${v}%`) },
      ],
      series: [
        {},
        ...SERIES.map((s) => ({
          label: s.label,
          scale: "W",
          stroke: css(s.color),
          width: 1.5,
          value: (_u: uPlot, v: number | null) => f.watts(v),
        })),
        {
          label: "SOC",
          scale: "%",
          stroke: css("--soc"),
          width: 2,
          dash: [6, 4],
          value: (_u: uPlot, v: number | null) => (v === null ? f.DASH : `${v.toFixed(0)} %`),
        },
      ],
      legend: { live: true },
    };
    plot?.destroy();
    chartBox.replaceChildren();
    plot = new uPlot(opts, data, chartBox);
  };

  const totals = (hist: History, days: EnergyDay[], prices: Price[], stepMs: number) => {
    const costs = bucketCosts(hist.samples, stepMs, prices);
    const costByDay = new Map<string, { cents: number; buckets: number; priced: number }>();
    hist.samples.t.forEach((t, i) => {
      const d = localDate(t, zone);
      const entry = costByDay.get(d) ?? { cents: 0, buckets: 0, priced: 0 };
      entry.buckets++;
      const c = costs[i];
      if (c !== null && c !== undefined) {
        entry.cents += c;
        entry.priced++;
      }
      costByDay.set(d, entry);
    });
    const cols = ["pvKwh", "loadKwh", "importKwh", "exportKwh", "chargeKwh", "dischargeKwh"] as const;
    const heads = ["Solar", "House", "Import", "Export", "Charge", "Discharge"];
    const dates: string[] = [];
    for (let d = first(); d <= date; d = addDays(d, 1)) dates.push(d);
    const byDate = new Map(days.map((d) => [d.date, d]));
    const sum = (k: (typeof cols)[number]) => days.reduce((a, d) => a + (d[k] ?? 0), 0);
    const costCell = (d: string) => {
      const c = costByDay.get(d);
      if (!c || c.priced === 0) return h("td", { "data-cost": d }, f.DASH);
      const partial = c.priced < c.buckets;
      return h(
        "td",
        { "data-cost": d, "data-value": c.cents.toFixed(2), title: partial ? "Prices cover part of the day only" : "" },
        `${f.dollars(c.cents)}${partial ? "*" : ""}`,
      );
    };
    const totalCost = [...costByDay.values()].reduce((a, c) => a + c.cents, 0);
    fill(
      table,
      h(
        "table",
        { class: "data", "data-table": "energy" },
        h("caption", { class: "sr-only" }, "Daily energy totals"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Date"),
            ...heads.map((x) => h("th", { scope: "col", class: "num" }, x)),
            h("th", { scope: "col", class: "num" }, "Grid cost"),
          ),
        ),
        h(
          "tbody",
          {},
          ...dates.reverse().map((d) => {
            const row = byDate.get(d);
            return h(
              "tr",
              { "data-date": d },
              h("th", { scope: "row" }, d),
              ...cols.map((k) => h("td", { class: "num", "data-field": k, "data-value": row?.[k] ?? "" }, f.kwh(row?.[k]))),
              costCell(d),
            );
          }),
        ),
        span === "day"
          ? null
          : h(
              "tfoot",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "row" }, "Total"),
                ...cols.map((k) => h("td", { class: "num" }, f.kwh(sum(k)))),
                h("td", { class: "num" }, f.dollars(totalCost)),
              ),
            ),
      ),
      h(
        "p",
        { class: "muted small" },
        "Cost: grid import at the general price minus export at the feed-in price, from the chart's averages (* = prices for part of the day only).",
      ),
    );
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowLeft") move(-1);
    else if (e.key === "ArrowRight") move(1);
  };
  document.addEventListener("keydown", onKey);
  void load();
  return () => {
    loading?.abort();
    resize.disconnect();
    document.removeEventListener("keydown", onKey);
    plot?.destroy();
  };
}

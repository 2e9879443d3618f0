import { ApiError, get, sys, type EnergyDay, type Flow, type Price } from "../api.js";
import { fill, h, s, setValue } from "../dom.js";
import * as f from "../format.js";
import type { App } from "../state.js";
import { localDate } from "../zone.js";

/** The live power flow: PV, grid, house, battery (with SOC) and EV around the inverter, from the SSE stream. */

interface Node {
  key: "pvW" | "gridW" | "loadW" | "batteryW" | "evW";
  label: string;
  x: number;
  y: number;
  /** +1: positive power flows towards the hub (PV, import, discharge); -1: away from it (house, EV). */
  into: 1 | -1;
}
const HUB = { x: 200, y: 150 };
const NODES: Node[] = [
  { key: "pvW", label: "Solar", x: 200, y: 42, into: 1 },
  { key: "gridW", label: "Grid", x: 58, y: 150, into: 1 },
  { key: "loadW", label: "House", x: 342, y: 150, into: -1 },
  { key: "batteryW", label: "Battery", x: 120, y: 258, into: 1 },
  { key: "evW", label: "EV", x: 280, y: 258, into: -1 },
];

function diagram(): SVGSVGElement {
  const svg = s("svg", { viewBox: "0 0 400 300", class: "flow", role: "img", "aria-labelledby": "flow-title" });
  svg.append(s("title", { id: "flow-title" }, "Power flow between solar, grid, house, battery and EV"));
  for (const n of NODES) svg.append(s("line", { x1: n.x, y1: n.y, x2: HUB.x, y2: HUB.y, class: `wire wire-${n.key}`, "data-wire": n.key }));
  svg.append(s("circle", { cx: HUB.x, cy: HUB.y, r: 9, class: "hub" }));
  for (const n of NODES) {
    const g = s("g", { class: `node node-${n.key}`, transform: `translate(${n.x} ${n.y})` });
    g.append(s("circle", { r: 34, class: "node-bg" }));
    g.append(s("text", { class: "node-label", y: -8, "text-anchor": "middle" }, n.label));
    g.append(s("text", { class: "node-value", y: 10, "text-anchor": "middle", "data-svg": n.key }, f.DASH));
    if (n.key === "batteryW") g.append(s("text", { class: "node-sub", y: 25, "text-anchor": "middle", "data-svg": "soc" }, ""));
    svg.append(g);
  }
  return svg;
}

/** The label of a signed flow: which way the power goes. */
function direction(key: Node["key"], w: number | null): string {
  if (w === null) return "no reading";
  if (Math.abs(w) < 1) return "idle";
  if (key === "gridW") return w > 0 ? "importing" : "exporting";
  if (key === "batteryW") return w > 0 ? "discharging" : "charging";
  if (key === "pvW") return "producing";
  return "using";
}

export function mountNow(root: HTMLElement, app: App): () => void {
  const id = app.selected;
  if (!id) {
    fill(root, h("p", { class: "empty" }, "No system yet: the service has not found one. This page updates when it does."));
    const off = app.on((c) => c === "systems" && app.selected && mountAgain());
    const mountAgain = () => {
      off();
      cleanup = mountNow(root, app);
    };
    let cleanup = () => off();
    return () => cleanup();
  }
  const svg = diagram();
  const age = h("span", { "data-field": "age" }, f.DASH);
  const observed = h("time", { "data-field": "observedAt" }, "");
  const rows = NODES.map((n) =>
    h("tr", {}, h("th", { scope: "row" }, n.label), h("td", { "data-field": n.key }, f.DASH), h("td", { "data-dir": n.key }, "")),
  );
  const socCell = h("td", { "data-field": "soc" }, f.DASH);
  const price = h("div", { class: "price-card", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading prices…"));
  const today = h("div", {}, h("p", { class: "muted" }, "Loading today's energy…"));
  fill(
    root,
    h(
      "section",
      { class: "card now-flow", "aria-labelledby": "now-h" },
      h("h2", { id: "now-h" }, app.system(id)?.name ?? id),
      h("p", { class: "muted" }, "Reading ", age, " old", " · measured ", observed),
      svg,
      h(
        "table",
        { class: "values" },
        h("caption", { class: "sr-only" }, "Latest reading"),
        h("tbody", {}, ...rows, h("tr", {}, h("th", { scope: "row" }, "Battery charge"), socCell, h("td", {}, ""))),
      ),
    ),
    h(
      "div",
      { class: "stack" },
      h("section", { class: "card", "aria-labelledby": "price-h" }, h("h2", { id: "price-h" }, "Price now"), price),
      h("section", { class: "card", "aria-labelledby": "today-h" }, h("h2", { id: "today-h" }, "Today"), today),
    ),
  );

  const render = () => {
    const flow = app.flows.get(id);
    if (!flow) return;
    for (const n of NODES) {
      const w = flow[n.key];
      const text = f.watts(w === null ? null : Math.abs(w));
      setValue(root.querySelector(`[data-field="${n.key}"]`), w === null ? f.DASH : f.watts(w), w);
      const dir = direction(n.key, w);
      const dirCell = root.querySelector(`[data-dir="${n.key}"]`);
      if (dirCell) dirCell.textContent = dir;
      const label = svg.querySelector(`[data-svg="${n.key}"]`);
      if (label) label.textContent = text;
      const wire = svg.querySelector(`[data-wire="${n.key}"]`);
      if (wire) {
        const flowing = w !== null && Math.abs(w) >= 1;
        const towardsHub = flowing && (w > 0 ? n.into === 1 : n.into === -1);
        wire.setAttribute("class", `wire wire-${n.key}${flowing ? (towardsHub ? " in" : " out") : ""}`);
        wire.setAttribute("stroke-width", String(flowing ? Math.min(10, 2 + Math.abs(w) / 800) : 2));
      }
    }
    setValue(socCell, f.percent(flow.soc), flow.soc);
    const soc = svg.querySelector('[data-svg="soc"]');
    if (soc) soc.textContent = flow.soc === null ? "" : `SOC ${f.percent(flow.soc)}`;
    observed.textContent = f.dateTime(Date.parse(flow.observedAt), app.zone(id));
    observed.setAttribute("datetime", flow.observedAt);
    tick();
  };
  const tick = () => {
    const flow = app.flows.get(id);
    if (!flow) return;
    const seconds = (app.clock.now() - Date.parse(flow.observedAt)) / 1000;
    setValue(age, f.age(seconds), Math.max(0, Math.round(seconds)));
    const cadence = app.system(id)?.cadenceSeconds ?? 60;
    age.className = seconds > Math.max(3 * cadence, 120) ? "stale" : "";
  };

  const loadPrices = async () => {
    const now = app.clock.now();
    const { prices } = await get<{ prices: Price[] }>(`/prices?from=${Math.round(now - 3_600_000)}&to=${Math.round(now + 3_600_000)}`);
    const current = (channel: string) =>
      prices.filter((p) => p.channel === channel && Date.parse(p.start) <= now && now < Date.parse(p.end)).at(-1) ??
      prices.filter((p) => p.channel === channel && p.kind === "current").at(-1);
    const general = current("general");
    const feedIn = current("feedIn");
    if (!general) {
      fill(price, h("p", { class: "muted" }, "No price feed: configure Amber to see prices here."));
      return;
    }
    fill(
      price,
      h(
        "p",
        { class: `price-big ${f.descriptorClass(general.descriptor, general.spike)}` },
        h("span", { "data-field": "price", "data-value": general.perKwhCents, "data-start": general.start }, f.cents(general.perKwhCents)),
      ),
      h("p", { "data-field": "descriptor", "data-value": general.descriptor }, f.meaning(general.descriptor, general.spike)),
      h(
        "p",
        {},
        "Renewables in the grid: ",
        h("strong", { "data-field": "renewables", "data-value": general.renewablesPct }, `${Math.round(general.renewablesPct)} %`),
      ),
      feedIn
        ? h(
            "p",
            { class: "muted" },
            "Feed-in: ",
            h("span", { "data-field": "feedIn", "data-value": feedIn.perKwhCents }, f.cents(-feedIn.perKwhCents)),
            " earned per kWh exported",
          )
        : null,
      h(
        "p",
        { class: "muted" },
        `${general.estimate ? "Estimate" : "Final"} for ${f.clock(Date.parse(general.start), app.zone(id))}–${f.clock(Date.parse(general.end), app.zone(id))}, issued `,
        h("span", { "data-field": "priceAge" }, f.age((app.clock.now() - Date.parse(general.issuedAt)) / 1000)),
        " ago",
      ),
    );
  };
  const loadToday = async () => {
    const date = localDate(app.clock.now(), app.zone(id));
    const { days } = await get<{ days: EnergyDay[] }>(`${sys(id)}/energy?from=${date}`);
    const d = days[0];
    if (!d) return fill(today, h("p", { class: "muted" }, `No energy totals for ${date} yet.`));
    const cells: [keyof EnergyDay, string][] = [
      ["pvKwh", "Solar"],
      ["loadKwh", "House"],
      ["importKwh", "Bought"],
      ["exportKwh", "Sold"],
      ["chargeKwh", "Charged"],
      ["dischargeKwh", "Discharged"],
    ];
    fill(
      today,
      h(
        "dl",
        { class: "facts", "data-box": "today", "data-date": date },
        ...cells.flatMap(([k, label]) => [
          h("dt", {}, label),
          h("dd", { "data-field": `today.${k}`, "data-value": d[k] ?? "" }, f.kwh(d[k] as number | null)),
        ]),
      ),
      h("p", { class: "muted small" }, h("a", { href: "#/day" }, "The whole day, and its cost →")),
    );
  };
  const loadFlow = async () => {
    try {
      const flow = await get<Flow>(`${sys(id)}/flow`);
      const prev = app.flows.get(id);
      if (!prev || Date.parse(prev.observedAt) <= Date.parse(flow.observedAt)) app.flows.set(id, flow);
      render();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) age.textContent = "no reading yet";
      else throw error;
    }
  };

  render();
  void loadFlow().catch((e: unknown) => console.warn("flow", e));
  void loadPrices().catch((e: unknown) => console.warn("prices", e));
  void loadToday().catch((e: unknown) => console.warn("energy", e));
  const energyTimer = setInterval(() => void loadToday().catch((e: unknown) => console.warn("energy", e)), 60_000);
  let lastFlow = app.flows.get(id);
  const off = app.on((change) => {
    if (change === "flow" && app.flows.get(id) !== lastFlow) {
      lastFlow = app.flows.get(id);
      render();
    } else if (change === "prices") void loadPrices().catch((e: unknown) => console.warn("prices", e));
  });
  const timer = setInterval(tick, 1000);
  return () => {
    off();
    clearInterval(timer);
    clearInterval(energyTimer);
  };
}

import { get, type Price } from "../api.js";
import { fill, h, s } from "../dom.js";
import * as f from "../format.js";
import type { App } from "../state.js";

/** The next 24–48 h of prices with the retailer's forecast band, and the actual prices behind, coloured by descriptor. */

const DESCRIPTORS = ["extremelyLow", "veryLow", "low", "neutral", "high", "spike"];

function chart(rows: Price[], now: number, width: number, zone: string): SVGSVGElement {
  const height = 300;
  const pad = { l: 48, r: 10, t: 12, b: 28 };
  const t0 = Math.min(...rows.map((r) => Date.parse(r.start)));
  const t1 = Math.max(...rows.map((r) => Date.parse(r.end)));
  const values = rows.flatMap((r) => [r.perKwhCents, r.advanced?.lowCents ?? r.perKwhCents, r.advanced?.highCents ?? r.perKwhCents]);
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values);
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (c: number) => pad.t + ((hi - c) / (hi - lo)) * (height - pad.t - pad.b);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "prices-chart", role: "img", "aria-labelledby": "pc-title" });
  svg.append(s("title", { id: "pc-title" }, "Prices: actual before now, forecast with its band after"));
  // Axis: a few round price lines and the hours.
  const stepC = Math.max(5, Math.ceil((hi - lo) / 5 / 5) * 5);
  for (let c = Math.ceil(lo / stepC) * stepC; c <= hi; c += stepC) {
    svg.append(s("line", { x1: pad.l, x2: width - pad.r, y1: y(c), y2: y(c), class: "gridline" }));
    svg.append(s("text", { x: pad.l - 4, y: y(c) + 4, "text-anchor": "end", class: "axis" }, `${c}c`));
  }
  const hour = 3_600_000;
  const every = (t1 - t0) / hour > 30 ? 6 : 3;
  for (let t = Math.ceil(t0 / hour) * hour; t < t1; t += hour) {
    const label = f.clock(t, zone);
    if (Number(label.slice(0, 2)) % every !== 0 || label.slice(3) !== "00") continue;
    svg.append(s("text", { x: x(t), y: height - 8, "text-anchor": "middle", class: "axis" }, label));
  }
  for (const r of rows) {
    const a = Date.parse(r.start);
    const b = Date.parse(r.end);
    const top = y(Math.max(0, r.perKwhCents));
    const bottom = y(Math.min(0, r.perKwhCents));
    svg.append(
      s(
        "rect",
        {
          x: x(a) + 0.5,
          width: Math.max(1, x(b) - x(a) - 1),
          y: top,
          height: Math.max(1, bottom - top),
          class: `bar ${f.descriptorClass(r.descriptor, r.spike)} kind-${r.kind}`,
          "data-start": r.start,
        },
        s("title", {}, `${f.clock(a, zone)} ${r.kind}: ${f.cents(r.perKwhCents)}, ${f.meaning(r.descriptor, r.spike)}`),
      ),
    );
  }
  // The forecast band: a shaded area from low to high and the predicted line.
  const banded = rows.filter((r) => r.advanced);
  if (banded.length > 0) {
    const mid = (r: Price) => (Date.parse(r.start) + Date.parse(r.end)) / 2;
    const upper = banded.map((r) => `${x(mid(r)).toFixed(1)},${y(r.advanced!.highCents).toFixed(1)}`);
    const lower = banded.map((r) => `${x(mid(r)).toFixed(1)},${y(r.advanced!.lowCents).toFixed(1)}`).reverse();
    svg.append(s("polygon", { points: [...upper, ...lower].join(" "), class: "band", "data-band": banded.length }));
    svg.append(
      s("polyline", {
        points: banded.map((r) => `${x(mid(r)).toFixed(1)},${y(r.advanced!.predictedCents).toFixed(1)}`).join(" "),
        class: "predicted",
      }),
    );
  }
  if (now >= t0 && now <= t1) {
    svg.append(s("line", { x1: x(now), x2: x(now), y1: pad.t, y2: height - pad.b, class: "now-line" }));
    svg.append(s("text", { x: x(now) + 3, y: pad.t + 10, class: "axis" }, "now"));
  }
  return svg;
}

export function mountPrices(root: HTMLElement, app: App): () => void {
  let channel = sessionStorage.getItem("openpower.channel") ?? "general";
  let rows: Price[] = [];
  const zone = app.zone();
  const picker = h("select", { "aria-label": "Channel" });
  const chartBox = h("div", { class: "chart" });
  const tableBox = h("div", { class: "table-wrap tall" });
  const status = h("p", { class: "muted", role: "status" }, "Loading…");
  fill(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "prices-h" },
      h("h2", { id: "prices-h" }, "Prices"),
      h("div", { class: "toolbar" }, h("label", {}, "Channel ", picker)),
      status,
      chartBox,
      h(
        "p",
        { class: "legend" },
        ...DESCRIPTORS.map((d) => h("span", { class: `swatch ${f.descriptorClass(d)}` }, f.meaning(d).split(":")[0]!)),
        h("span", { class: "swatch band-swatch" }, "forecast band (low–high)"),
      ),
    ),
    h("section", { class: "card", "aria-labelledby": "ptable-h" }, h("h2", { id: "ptable-h" }, "Intervals"), tableBox),
  );
  picker.addEventListener("change", () => {
    channel = picker.value;
    sessionStorage.setItem("openpower.channel", channel);
    render();
  });

  const render = () => {
    const channels = [...new Set(rows.map((r) => r.channel))];
    if (!channels.includes(channel) && channels[0]) channel = channels.includes("general") ? "general" : channels[0];
    fill(picker, ...channels.map((c) => h("option", { value: c, selected: c === channel }, c)));
    const mine = rows.filter((r) => r.channel === channel).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    if (mine.length === 0) {
      status.textContent = rows.length === 0 ? "No prices: configure Amber to see them here." : "No prices on this channel.";
      chartBox.replaceChildren();
      tableBox.replaceChildren();
      return;
    }
    const now = app.clock.now();
    const ahead = mine.filter((r) => Date.parse(r.end) > now);
    status.textContent = `${mine.length - ahead.length} past, ${ahead.length} current and ahead${channel === "feedIn" ? " · feed-in: negative means you are paid" : ""}`;
    fill(chartBox, chart(mine, now, Math.max(320, chartBox.clientWidth || 800), zone));
    fill(
      tableBox,
      h(
        "table",
        { class: "data", "data-table": "prices" },
        h("caption", { class: "sr-only" }, `Price intervals, ${channel}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Start", "Kind", "Price", "Low", "Predicted", "High", "Meaning", "Renewables"].map((x) =>
              h("th", { scope: "col", class: x === "Start" || x === "Kind" || x === "Meaning" ? "" : "num" }, x),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...mine.map((r) =>
            h(
              "tr",
              { "data-start": r.start, class: Date.parse(r.start) <= now && now < Date.parse(r.end) ? "current-row" : "" },
              h("th", { scope: "row" }, f.dateTime(Date.parse(r.start), zone)),
              h("td", {}, r.kind),
              h(
                "td",
                { class: `num ${f.descriptorClass(r.descriptor, r.spike)}-text`, "data-value": r.perKwhCents },
                f.cents(r.perKwhCents),
              ),
              h("td", { class: "num" }, r.advanced ? f.cents(r.advanced.lowCents) : ""),
              h("td", { class: "num" }, r.advanced ? f.cents(r.advanced.predictedCents) : ""),
              h("td", { class: "num" }, r.advanced ? f.cents(r.advanced.highCents) : ""),
              h("td", {}, h("span", { class: `chip ${f.descriptorClass(r.descriptor, r.spike)}` }, f.meaning(r.descriptor, r.spike))),
              h("td", { class: "num" }, `${Math.round(r.renewablesPct)} %`),
            ),
          ),
        ),
      ),
    );
  };
  const scrollToNow = () => {
    // The table opens at the interval that is current now, with the past above it.
    const row = tableBox.querySelector<HTMLElement>("tr.current-row");
    if (row) tableBox.scrollTop = Math.max(0, row.offsetTop - 40);
  };
  const load = async () => {
    const now = app.clock.now();
    const from = Math.round(now - 12 * 3_600_000);
    const first = rows.length === 0;
    rows = (await get<{ prices: Price[] }>(`/prices?from=${from}&to=${Math.round(now + 48 * 3_600_000)}`)).prices;
    render();
    if (first) scrollToNow();
  };
  const fail = (e: unknown) => (status.textContent = `Could not load prices: ${e instanceof Error ? e.message : String(e)}`);
  void load().catch(fail);
  const off = app.on((c) => c === "prices" && void load().catch(fail));
  let width = 0;
  const resize = new ResizeObserver(() => {
    // Only a real change of width redraws (the chart's own height must not start a loop).
    if (rows.length > 0 && Math.abs(chartBox.clientWidth - width) > 16) render();
    width = chartBox.clientWidth;
  });
  resize.observe(chartBox);
  return () => {
    off();
    resize.disconnect();
  };
}

import { h, s } from "../dom.js";

/** A battery schedule as people read it, and the field-by-field difference between two. */

export interface Window {
  start: string;
  end: string;
}
export interface Schedule {
  charge: { fromGrid: boolean; stopLevel: number; windows: Window[] };
  discharge: { timeControl: boolean; stopLevel: number; windows: Window[] };
}

const windows = (w: Window[]) => (w.length === 0 ? "none" : w.map((x) => `${x.start}–${x.end}`).join(", "));
const pct = (v: number) => `${Math.round(v * 100)} %`;

/** The schedule's fields in the order people think of them, each as text. */
export function scheduleFields(sch: Schedule): [field: string, label: string, text: string][] {
  return [
    ["charge.windows", "Charge windows", windows(sch.charge.windows)],
    ["charge.stopLevel", "Charge up to", pct(sch.charge.stopLevel)],
    ["charge.fromGrid", "Charge from the grid", sch.charge.fromGrid ? "yes" : "no (solar only)"],
    ["discharge.timeControl", "Discharge", sch.discharge.timeControl ? "only in its windows" : "any time"],
    ["discharge.windows", "Discharge windows", sch.discharge.timeControl ? windows(sch.discharge.windows) : "(not limited)"],
    ["discharge.stopLevel", "Discharge down to", pct(sch.discharge.stopLevel)],
  ];
}

export function scheduleTable(sch: Schedule): HTMLTableElement {
  return h(
    "table",
    { class: "data", "data-table": "schedule" },
    h("caption", { class: "sr-only" }, "Battery schedule"),
    h(
      "tbody",
      {},
      ...scheduleFields(sch).map(([field, label, text]) =>
        h("tr", { "data-field": field }, h("th", { scope: "row" }, label), h("td", {}, text)),
      ),
    ),
  );
}

/** The rows that change: field, now, planned. */
export function scheduleDiff(before: Schedule, after: Schedule): HTMLTableElement {
  const a = scheduleFields(before);
  const b = new Map(scheduleFields(after).map(([field, , text]) => [field, text]));
  const rows = a.map(([field, label, text]) => ({ field, label, before: text, after: b.get(field) ?? "" }));
  const changed = rows.filter((r) => r.before !== r.after);
  return h(
    "table",
    { class: "data diff", "data-table": "diff", "data-changes": changed.length },
    h(
      "caption",
      {},
      changed.length === 0
        ? "No change: the battery already has this schedule."
        : `${changed.length} change${changed.length === 1 ? "" : "s"}`,
    ),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, "Setting"), h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "Planned")),
    ),
    h(
      "tbody",
      {},
      ...rows.map((r) =>
        h(
          "tr",
          { class: r.before === r.after ? "same" : "changed", "data-field": r.field },
          h("th", { scope: "row" }, r.label),
          h("td", { class: r.before === r.after ? "" : "del" }, r.before),
          h("td", { class: r.before === r.after ? "" : "ins" }, r.after),
        ),
      ),
    ),
  );
}

/** The day as a bar: charge windows above, discharge windows below. */
export function scheduleTimeline(sch: Schedule): SVGSVGElement {
  const W = 480;
  const x = (hhmm: string) => {
    const [hh, mm] = hhmm.split(":").map(Number) as [number, number];
    return ((hh * 60 + mm) / 1440) * W;
  };
  const svg = s("svg", {
    viewBox: `0 0 ${W} 56`,
    class: "timeline",
    role: "img",
    "aria-label": "Charge and discharge windows over the day",
  });
  svg.append(s("rect", { x: 0, y: 4, width: W, height: 36, class: "tl-bg" }));
  const spans = (ws: Window[], cls: string, y: number) => {
    for (const w of ws) {
      const a = x(w.start);
      const b = w.end === "24:00" || w.end === "00:00" ? W : x(w.end);
      // A window past midnight is two bars.
      const parts =
        b > a
          ? [[a, b]]
          : [
              [a, W],
              [0, b],
            ];
      for (const [p, q] of parts) svg.append(s("rect", { x: p, y, width: Math.max(1, q! - p!), height: 16, class: cls }));
    }
  };
  spans(sch.charge.windows, "tl-charge", 5);
  if (sch.discharge.timeControl) spans(sch.discharge.windows, "tl-discharge", 23);
  else svg.append(s("rect", { x: 0, y: 23, width: W, height: 16, class: "tl-discharge tl-any" }));
  for (let hr = 0; hr <= 24; hr += 6)
    svg.append(
      s("text", { x: (hr / 24) * W, y: 53, class: "axis", "text-anchor": hr === 0 ? "start" : hr === 24 ? "end" : "middle" }, `${hr}:00`),
    );
  return svg;
}

import { get, sys, type Flow, type SourceHealth, type SystemInfo } from "../api.js";
import { fill, h } from "../dom.js";
import * as f from "../format.js";
import type { App } from "../state.js";

/** Every system in a sortable, filterable table with its status and staleness (retired ones last); a row opens one system. */

interface Row {
  id: string;
  name: string;
  vendor: string;
  status: "ok" | "stale" | "failing" | "starting" | "no data" | "retired";
  staleSeconds: number | null;
  cadence: number | null;
  capabilities: string;
}
type Key = keyof Row;
const COLUMNS: [Key, string][] = [
  ["name", "System"],
  ["vendor", "Vendor"],
  ["status", "Status"],
  ["staleSeconds", "Last reading"],
  ["cadence", "Polled every"],
  ["capabilities", "Can"],
];

export function rowOf(s: SystemInfo, health: SourceHealth | undefined, now: number): Row {
  const stale = s.lastSeen === null ? null : Math.max(0, (now - Date.parse(s.lastSeen)) / 1000);
  const cadence = s.cadenceSeconds ?? health?.cadenceSeconds ?? null;
  const status: Row["status"] = s.retiredAt
    ? "retired"
    : health?.state === "failing"
      ? "failing"
      : stale === null
        ? health?.state === "starting"
          ? "starting"
          : "no data"
        : stale > Math.max(3 * (cadence ?? 60), 120)
          ? "stale"
          : "ok";
  return {
    id: s.id,
    name: s.name ?? s.device,
    vendor: s.vendor,
    status,
    staleSeconds: stale,
    cadence,
    capabilities: s.capabilities.join(", "),
  };
}

export function mountFleet(root: HTMLElement, app: App, arg?: string): () => void {
  if (arg) return mountSystem(root, app, decodeURIComponent(arg));
  let sortKey: Key = (sessionStorage.getItem("openpower.sort") as Key | null) ?? "name";
  let ascending = sessionStorage.getItem("openpower.sortDir") !== "desc";
  const filter = h("input", {
    type: "search",
    placeholder: "Filter by name, id or vendor",
    "aria-label": "Filter systems",
    "data-filter": "text",
  });
  const statusFilter = h(
    "select",
    { "aria-label": "Status", "data-filter": "status" },
    ...["any status", "ok", "stale", "failing", "starting", "no data", "retired"].map((v) =>
      h("option", { value: v === "any status" ? "" : v }, v),
    ),
  );
  const count = h("p", { class: "muted", role: "status" });
  const box = h("div", { class: "table-wrap" });
  fill(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "fleet-h" },
      h("h2", { id: "fleet-h" }, "Fleet"),
      h("div", { class: "toolbar" }, filter, statusFilter),
      count,
      box,
    ),
  );

  const render = () => {
    const now = app.clock.now();
    const health = new Map((app.health?.sources ?? []).map((s) => [s.source, s]));
    const text = filter.value.trim().toLowerCase();
    const rows = app.systems
      .map((s) => rowOf(s, health.get(s.id), now))
      .filter((r) => !text || `${r.name} ${r.id} ${r.vendor}`.toLowerCase().includes(text))
      .filter((r) => !statusFilter.value || r.status === statusFilter.value)
      .sort((a, b) => {
        // Retired systems (gone from their vendor's list) after the ones in service, whatever the order.
        if ((a.status === "retired") !== (b.status === "retired")) return a.status === "retired" ? 1 : -1;
        const x = a[sortKey];
        const y = b[sortKey];
        const c =
          x === null ? 1 : y === null ? -1 : typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return ascending ? c : -c;
      });
    count.textContent = `${rows.length} of ${app.systems.length} systems`;
    const header = (key: Key, label: string) =>
      h(
        "th",
        { scope: "col", "aria-sort": key === sortKey ? (ascending ? "ascending" : "descending") : "none" },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort": key,
            onclick: () => {
              ascending = key === sortKey ? !ascending : true;
              sortKey = key;
              sessionStorage.setItem("openpower.sort", key);
              sessionStorage.setItem("openpower.sortDir", ascending ? "asc" : "desc");
              render();
              box.querySelector<HTMLButtonElement>(`[data-sort="${key}"]`)?.focus();
            },
          },
          label,
          key === sortKey ? (ascending ? " ▲" : " ▼") : "",
        ),
      );
    fill(
      box,
      h(
        "table",
        { class: "data", "data-table": "fleet" },
        h("caption", { class: "sr-only" }, "Systems"),
        h("thead", {}, h("tr", {}, ...COLUMNS.map(([k, l]) => header(k, l)))),
        h(
          "tbody",
          {},
          ...rows.map((r) =>
            h(
              "tr",
              { "data-system": r.id, class: r.status === "retired" ? "retired" : null },
              h(
                "th",
                { scope: "row" },
                h("a", { href: `#/fleet/${encodeURIComponent(r.id)}` }, r.name),
                h("div", { class: "muted small" }, r.id),
              ),
              h("td", {}, r.vendor),
              h("td", {}, h("span", { class: `status status-${r.status.replace(" ", "-")}`, "data-status": r.status }, r.status)),
              h(
                "td",
                { "data-value": r.staleSeconds === null ? "" : Math.round(r.staleSeconds) },
                r.staleSeconds === null ? "never" : `${f.age(r.staleSeconds)} ago`,
              ),
              h("td", {}, r.cadence === null ? f.DASH : f.age(r.cadence)),
              h("td", { class: "small" }, r.capabilities),
            ),
          ),
        ),
      ),
    );
  };
  filter.addEventListener("input", render);
  statusFilter.addEventListener("change", render);
  render();
  const off = app.on((c) => (c === "systems" || c === "health") && render());
  return off;
}

/** One system: what it is, its sources' health and its latest reading, with the ways into the other views. */
function mountSystem(root: HTMLElement, app: App, id: string): () => void {
  const s = app.system(id);
  if (!s) {
    fill(
      root,
      h("section", { class: "card" }, h("h2", {}, "No such system"), h("p", {}, id), h("a", { href: "#/fleet" }, "Back to the fleet")),
    );
    return () => undefined;
  }
  const flowBox = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const go = (view: string) => {
    app.select(id);
    location.hash = `#/${view}`;
  };
  const health = (app.health?.sources ?? []).filter((x) => x.source === id || x.source.startsWith(`${id}/`));
  const row = rowOf(s, health[0], app.clock.now());
  fill(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "sys-h", "data-drill": id },
      h("p", {}, h("a", { href: "#/fleet" }, "← Fleet")),
      h("h2", { id: "sys-h" }, s.name ?? s.device),
      h(
        "dl",
        { class: "facts" },
        ...(
          [
            ["Id", s.id],
            ["Vendor", s.vendor],
            [
              "Status",
              s.retiredAt
                ? `retired ${f.dateTime(Date.parse(s.retiredAt), s.timeZone ?? undefined)}: no longer listed by ${s.vendor}, history kept`
                : row.status,
            ],
            [
              "Last reading",
              s.lastSeen ? `${f.dateTime(Date.parse(s.lastSeen), s.timeZone ?? undefined)} (${f.age(row.staleSeconds)} ago)` : "never",
            ],
            ["Time zone", s.timeZone ?? "not reported"],
            ["Can", s.capabilities.join(", ") || "nothing yet"],
            ...health.map((x): [string, string] => [
              `Source ${x.kind}`,
              `${x.state}${x.lastErrorClass ? ` (last error ${x.lastErrorClass})` : ""}, lag ${f.age(x.lagSeconds)}`,
            ]),
          ] as [string, string][]
        ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
      ),
      flowBox,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", onclick: () => go("now") }, "Live flow"),
        h("button", { type: "button", onclick: () => go("day") }, "History"),
        s.capabilities.includes("batterySchedule") ? h("button", { type: "button", onclick: () => go("battery") }, "Battery") : null,
      ),
    ),
  );
  void get<Flow>(`${sys(id)}/flow`)
    .then((flow) =>
      fill(
        flowBox,
        h(
          "p",
          {},
          `Solar ${f.watts(flow.pvW)} · house ${f.watts(flow.loadW)} · grid ${f.watts(flow.gridW)} · battery ${f.watts(flow.batteryW)}${flow.soc === null ? "" : ` at ${f.percent(flow.soc)}`}`,
        ),
      ),
    )
    .catch(() => fill(flowBox, h("p", { class: "muted" }, "No reading yet.")));
  return () => undefined;
}

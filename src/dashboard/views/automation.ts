import { get, type Decision } from "../api.js";
import { fill, h } from "../dom.js";
import * as f from "../format.js";
import type { App } from "../state.js";

/** The battery automation's latest decision per system, with its explanation. */

const ACTIONS: Record<string, string> = {
  off: "off",
  skip: "skipped (refused: stale data, cool-down or budget)",
  hold: "hold: nothing to change",
  advise: "advice only (nothing written)",
  write: "wrote a schedule",
};

export function mountAutomation(root: HTMLElement, app: App): () => void {
  const box = h("div", { "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
  const mode = h("p", {});
  fill(root, h("section", { class: "card", "aria-labelledby": "auto-h" }, h("h2", { id: "auto-h" }, "Automation"), mode, box));
  let shown = "";
  const load = async () => {
    const res = await get<{ mode: string; decisions: Decision[] }>("/automation");
    // Redrawn only when a decision is new, so that an open detail stays open.
    const version = JSON.stringify([res.mode, res.decisions.map((d) => [d.system, d.at])]);
    if (version === shown) return;
    shown = version;
    fill(
      mode,
      "Mode: ",
      h("strong", { "data-field": "mode" }, res.mode),
      res.mode === "advise"
        ? " (plans and advises; writes nothing)"
        : res.mode === "control"
          ? " (writes the schedule it plans)"
          : " (not running)",
    );
    if (res.decisions.length === 0) {
      fill(
        box,
        h(
          "p",
          { class: "muted" },
          res.mode === "off"
            ? "The automation is off (openpower serve --automation advise)."
            : "No decision yet: the first comes within 5 minutes of prices.",
        ),
      );
      return;
    }
    const zone = (id: string) => app.system(id)?.timeZone ?? undefined;
    fill(
      box,
      ...res.decisions.map((d) =>
        h(
          "article",
          { class: "decision", "data-decision": d.system },
          h("h3", {}, app.system(d.system)?.name ?? d.system),
          h(
            "p",
            {},
            h("span", { class: `chip action-${d.action}`, "data-field": "action" }, ACTIONS[d.action] ?? d.action),
            " ",
            h("time", { datetime: d.at }, f.dateTime(Date.parse(d.at), zone(d.system))),
          ),
          h("p", { "data-field": "reason" }, d.reason),
          d.explanation.length ? h("ul", { "data-field": "explanation" }, ...d.explanation.map((e) => h("li", {}, e))) : null,
          h("details", {}, h("summary", {}, "Detail (schedule, costs, plan, result)"), h("pre", {}, JSON.stringify(d.detail, null, 2))),
        ),
      ),
    );
  };
  const fail = (e: unknown) => fill(box, h("p", { class: "error" }, `Could not load: ${e instanceof Error ? e.message : String(e)}`));
  void load().catch(fail);
  const timer = setInterval(() => void load().catch(fail), 30_000);
  return () => clearInterval(timer);
}

import { ApiError, get, getToken, post, setToken, sys } from "../api.js";
import { fill, h } from "../dom.js";
import type { App } from "../state.js";
import { scheduleDiff, scheduleTable, scheduleTimeline, type Schedule } from "./schedule.js";

/** The battery schedule; a plan from an intent or the form, shown as a diff; apply after a confirmation, with the read-back. */

interface Change {
  field: string;
  before: unknown;
  after: unknown;
}
interface PlannedWrite {
  target: string;
  description: string;
  changes: Change[];
  constraints?: { ok: boolean; message?: string; rule?: string }[];
}
interface PlanResponse {
  auditId: number;
  intent: string;
  desired: Schedule;
  plan: { writes: PlannedWrite[]; warnings: string[]; current?: Schedule };
}
interface WriteResult {
  write: PlannedWrite;
  sent: boolean | null;
  taken: boolean | null;
  mismatches?: Change[];
  error?: string;
}
interface ApplyResponse {
  auditId: number;
  ok: boolean;
  dryRun: boolean;
  result: { results: WriteResult[]; ok: boolean };
}

const EXAMPLES = [
  "charge 01:00-05:00 to 90%",
  "discharge 17:00-21:00 down to 20%",
  "charge 11:00-14:00 to 100% from solar",
  "charge off",
  "discharge anytime",
];
const message = (e: unknown) =>
  e instanceof ApiError ? `${e.title}${e.detail ? `: ${e.detail}` : ""} (HTTP ${e.status})` : e instanceof Error ? e.message : String(e);
const yesNo = (v: boolean | null) => (v === null ? "unknown" : v ? "yes" : "no");

export function mountBattery(root: HTMLElement, app: App): () => void {
  const id = app.selected;
  const system = app.system(id);
  if (!id || !system) {
    fill(root, h("p", { class: "empty" }, "No system yet."));
    return () => undefined;
  }
  if (!system.capabilities.includes("batterySchedule")) {
    const others = app.systems.filter((s) => s.capabilities.includes("batterySchedule"));
    fill(
      root,
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Battery"),
        h("p", {}, `${system.name ?? id} has no battery schedule this service can control.`),
        others.length
          ? h(
              "p",
              {},
              "Systems with one: ",
              ...others.map((o) => h("button", { type: "button", onclick: () => app.select(o.id) }, o.name ?? o.id)),
            )
          : null,
      ),
    );
    return () => undefined;
  }

  // The token: typed by the user, kept in this tab only.
  const tokenInput = h("input", {
    type: "password",
    id: "token",
    autocomplete: "off",
    placeholder: "API token",
    value: getToken(),
    "aria-describedby": "token-help",
  });
  const tokenState = h("span", { id: "token-help", class: "muted", role: "status" });
  const showToken = () =>
    (tokenState.textContent = getToken() ? "Token set for this tab." : "No token: planning and applying need the service's API token.");
  showToken();
  const tokenForm = h(
    "form",
    { class: "token-form", "data-form": "token" },
    h("label", { for: "token" }, "API token "),
    tokenInput,
    h("button", { type: "submit" }, "Use token"),
    h(
      "button",
      { type: "button", "data-action": "forget-token", onclick: () => ((tokenInput.value = ""), setToken(""), showToken()) },
      "Forget",
    ),
    tokenState,
  );
  tokenForm.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(tokenInput.value.trim());
    showToken();
  });

  const current = h("div", { "data-box": "schedule" }, h("p", { class: "muted" }, "Loading the schedule…"));
  const intent = h("input", {
    type: "text",
    id: "intent",
    list: "intent-examples",
    value: EXAMPLES[0],
    size: 40,
    "aria-describedby": "intent-help",
    required: true,
  });
  // The form builds the same intent text.
  const fAction = h(
    "select",
    { "aria-label": "Action" },
    h("option", { value: "charge" }, "charge"),
    h("option", { value: "discharge" }, "discharge"),
  );
  const fStart = h("input", { type: "time", value: "01:00", step: 900, "aria-label": "From" });
  const fEnd = h("input", { type: "time", value: "05:00", step: 900, "aria-label": "Until" });
  const fLevel = h("input", { type: "number", min: 0, max: 100, step: 5, value: 90, "aria-label": "Level %" });
  const fGrid = h("input", { type: "checkbox", checked: true, "aria-label": "From the grid" });
  const build = () => {
    const charge = fAction.value === "charge";
    intent.value = `${fAction.value} ${fStart.value}-${fEnd.value} ${charge ? "to" : "down to"} ${fLevel.value}%${charge ? (fGrid.checked ? " from grid" : " from solar") : ""}`;
  };
  const planBox = h("div", { "data-box": "plan", "aria-live": "polite" });
  const resultBox = h("div", { "data-box": "result", "aria-live": "polite" });
  const errorBox = h("p", { class: "error", role: "alert", "data-box": "error", hidden: true });
  const showError = (e: unknown) => {
    errorBox.hidden = false;
    errorBox.textContent = message(e);
  };
  const clearError = () => {
    errorBox.hidden = true;
    errorBox.textContent = "";
  };

  const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-h" });
  const planForm = h(
    "form",
    { "data-form": "plan" },
    h("label", { for: "intent" }, "What should the battery do?"),
    h("div", { class: "row" }, intent, h("button", { type: "submit", "data-action": "plan" }, "Plan")),
    h("datalist", { id: "intent-examples" }, ...EXAMPLES.map((e) => h("option", { value: e }))),
    h(
      "p",
      { id: "intent-help", class: "muted small" },
      "For example “charge 01:00-05:00 to 90%; discharge 17:00-21:00 down to 20%”. Planning reads the battery and never writes.",
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Or build it"),
      fAction,
      fStart,
      " – ",
      fEnd,
      h("label", {}, fLevel, " %"),
      h("label", {}, fGrid, " from the grid"),
      h("button", { type: "button", "data-action": "build", onclick: build }, "Use these"),
    ),
  );
  fill(
    root,
    h("section", { class: "card", "aria-labelledby": "bat-h" }, h("h2", { id: "bat-h" }, `Battery: ${system.name ?? id}`), current),
    h(
      "section",
      { class: "card", "aria-labelledby": "plan-h" },
      h("h2", { id: "plan-h" }, "Change the schedule"),
      tokenForm,
      planForm,
      errorBox,
      planBox,
      resultBox,
    ),
    dialog,
  );

  let schedule: Schedule | undefined;
  const loadSchedule = async () => {
    const res = await get<{ schedule: Schedule; limits: unknown }>(`${sys(id)}/battery`);
    schedule = res.schedule;
    fill(
      current,
      scheduleTimeline(res.schedule),
      scheduleTable(res.schedule),
      h(
        "p",
        { class: "legend" },
        h("span", { class: "swatch tl-charge" }, "charge"),
        h("span", { class: "swatch tl-discharge" }, "discharge"),
      ),
    );
    return res.schedule;
  };

  let planned: PlanResponse | undefined;
  planForm.addEventListener("submit", (e) => {
    e.preventDefault();
    clearError();
    fill(resultBox);
    fill(planBox, h("p", { class: "muted" }, "Planning…"));
    planned = undefined;
    void post<PlanResponse>(`${sys(id)}/battery/plan`, { intent: intent.value })
      .then((p) => {
        planned = p;
        const before = p.plan.current ?? schedule;
        const writes = p.plan.writes;
        const failing = writes.flatMap((w) => (w.constraints ?? []).filter((c) => !c.ok));
        fill(
          planBox,
          h("h3", {}, "The plan"),
          before ? scheduleDiff(before, p.desired) : null,
          h("p", {}, writes.length === 0 ? "Nothing to write." : `${writes.length} write${writes.length === 1 ? "" : "s"} to the device:`),
          writes.length
            ? h("ul", { "data-list": "writes" }, ...writes.map((w) => h("li", {}, h("code", {}, w.target), ` ${w.description}`)))
            : null,
          ...p.plan.warnings.map((w) => h("p", { class: "warning" }, w)),
          ...failing.map((c) => h("p", { class: "error" }, `Refused by the device's limits: ${c.message ?? c.rule ?? "constraint"}`)),
          writes.length && failing.length === 0
            ? h("button", { type: "button", "data-action": "apply", onclick: confirmApply }, "Apply…")
            : null,
        );
      })
      .catch((err: unknown) => {
        fill(planBox);
        showError(err);
      });
  });

  const confirmApply = () => {
    if (!planned) return;
    const p = planned;
    fill(
      dialog,
      h("h3", { id: "confirm-h" }, "Write this schedule to the battery?"),
      h(
        "p",
        {},
        `${system.name ?? id}: “${p.intent}”, ${p.plan.writes.length} write${p.plan.writes.length === 1 ? "" : "s"}. The device is read back afterwards.`,
      ),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", "data-action": "cancel", onclick: () => dialog.close() }, "Cancel"),
        h("button", { type: "button", class: "primary", "data-action": "confirm", onclick: () => (dialog.close(), apply(p)) }, "Apply now"),
      ),
    );
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("[data-action=cancel]")?.focus();
  };

  const apply = (p: PlanResponse) => {
    clearError();
    fill(resultBox, h("p", { class: "muted" }, "Writing and reading back…"));
    void post<ApplyResponse>(`${sys(id)}/battery/apply`, { intent: p.intent })
      .then(async (r) => {
        const after = await loadSchedule().catch(() => undefined);
        fill(
          resultBox,
          h("h3", {}, r.ok ? "Applied: the battery took the schedule" : "Not applied as asked"),
          h(
            "table",
            { class: "data", "data-table": "result", "data-ok": String(r.ok) },
            h("thead", {}, h("tr", {}, ...["Write", "Sent", "Taken (read back)", "Mismatches"].map((x) => h("th", { scope: "col" }, x)))),
            h(
              "tbody",
              {},
              ...r.result.results.map((w) =>
                h(
                  "tr",
                  {},
                  h("td", {}, w.write.description),
                  h("td", { "data-sent": String(w.sent) }, yesNo(w.sent)),
                  h("td", { "data-taken": String(w.taken) }, yesNo(w.taken)),
                  h(
                    "td",
                    {},
                    w.error ??
                      (w.mismatches?.length
                        ? w.mismatches
                            .map((m) => `${m.field}: wrote ${JSON.stringify(m.before)}, read ${JSON.stringify(m.after)}`)
                            .join("; ")
                        : "none"),
                  ),
                ),
              ),
            ),
          ),
          after ? h("p", { class: "muted" }, `Read back: the schedule above is the device's now (audit #${r.auditId}).`) : null,
        );
        planned = undefined;
        planBox.querySelector("[data-action=apply]")?.remove();
      })
      .catch((err: unknown) => {
        fill(resultBox);
        showError(err);
      });
  };

  void loadSchedule().catch((e: unknown) => fill(current, h("p", { class: "error" }, `Could not read the schedule: ${message(e)}`)));
  return () => dialog.open && dialog.close();
}

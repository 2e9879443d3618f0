import { ApiError, setToken } from "./api.js";
import { fill, h } from "./dom.js";
import * as f from "./format.js";
import { App } from "./state.js";
import { mountAutomation } from "./views/automation.js";
import { mountBattery } from "./views/battery.js";
import { mountDay } from "./views/day.js";
import { mountFleet } from "./views/fleet.js";
import { mountNow } from "./views/now.js";
import { mountPrices } from "./views/prices.js";

/** The page's shell: views by hash route (#/now, #/day, ...), the system picker, the theme, the live connection. */

type Mount = (root: HTMLElement, app: App, arg?: string) => () => void;
const VIEWS: { path: string; label: string; key: string; mount: Mount }[] = [
  { path: "now", label: "Now", key: "n", mount: mountNow },
  { path: "day", label: "Day", key: "d", mount: mountDay },
  { path: "prices", label: "Prices", key: "p", mount: mountPrices },
  { path: "battery", label: "Battery", key: "b", mount: mountBattery },
  { path: "fleet", label: "Fleet", key: "f", mount: mountFleet },
  { path: "automation", label: "Automation", key: "a", mount: mountAutomation },
];

const THEME_KEY = "openpower.theme";
type Theme = "auto" | "light" | "dark";

function applyTheme(theme: Theme, button: HTMLButtonElement): void {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  button.textContent = `Theme: ${theme}`;
  button.setAttribute("aria-label", `Colour theme: ${theme === "auto" ? "follows the system" : theme}. Change`);
}

/** A service beyond 127.0.0.1 wants the token for reads too: ask for it before anything else. */
function askForToken(main: HTMLElement): void {
  const input = h("input", { type: "password", id: "token-start", autocomplete: "off", required: true });
  const form = h(
    "form",
    { class: "card token-form", "data-form": "token-start" },
    h("h2", {}, "This service needs its API token"),
    h("p", {}, "It listens beyond 127.0.0.1, so reading needs the token too. It is kept in this browser tab only."),
    h("label", { for: "token-start" }, "API token "),
    input,
    h("button", { type: "submit" }, "Open"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    location.reload();
  });
  fill(main, form);
  input.focus();
}

async function main(): Promise<void> {
  const app = new App();
  const main = document.getElementById("main")!;
  const nav = document.getElementById("nav")!;
  const picker = document.getElementById("system") as HTMLSelectElement;
  const conn = document.getElementById("conn")!;
  const themeButton = document.getElementById("theme") as HTMLButtonElement;
  const clock = document.getElementById("clock")!;

  let theme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? "auto";
  applyTheme(theme, themeButton);

  fill(nav, ...VIEWS.map((v) => h("a", { href: `#/${v.path}`, "data-view": v.path, "aria-keyshortcuts": v.key }, v.label)));

  let unmount: (() => void) | undefined;
  let current = "";
  const route = () => {
    const [path = "now", arg] = location.hash.replace(/^#\/?/, "").split("/");
    const view = VIEWS.find((v) => v.path === path) ?? VIEWS[0]!;
    const key = `${view.path}/${arg ?? ""}/${app.selected ?? ""}`;
    if (key === current) return;
    current = key;
    unmount?.();
    for (const a of nav.querySelectorAll("a")) a.toggleAttribute("aria-current", a.dataset.view === view.path);
    document.title = `openpower · ${view.label}`;
    main.dataset.view = view.path;
    try {
      unmount = view.mount(main, app, arg);
    } catch (error) {
      console.error(error);
      fill(main, h("p", { class: "error" }, `This view failed: ${error instanceof Error ? error.message : String(error)}`));
      unmount = undefined;
    }
  };
  const remount = () => {
    current = "";
    route();
  };

  const fillPicker = () => {
    const ids = app.systems.map((s) => `${s.id}${s.retiredAt ? " retired" : ""}`).join();
    if (picker.dataset.ids !== ids) {
      const label = (s: (typeof app.systems)[number]) => `${s.name ? `${s.name} (${s.vendor})` : s.id}${s.retiredAt ? ", retired" : ""}`;
      fill(picker, ...app.systems.map((s) => h("option", { value: s.id }, label(s))));
      picker.dataset.ids = ids;
    }
    if (app.selected) picker.value = app.selected;
    picker.disabled = app.systems.length === 0;
  };
  picker.addEventListener("change", () => app.select(picker.value));
  themeButton.addEventListener("click", () => {
    theme = theme === "auto" ? "dark" : theme === "dark" ? "light" : "auto";
    localStorage.setItem(THEME_KEY, theme);
    applyTheme(theme, themeButton);
    // Charts read their colours when drawn.
    remount();
  });
  window.addEventListener("hashchange", route);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", remount);
  document.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement | null;
    if (e.altKey || e.ctrlKey || e.metaKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
    const view = VIEWS.find((v) => v.key === e.key);
    if (view) {
      location.hash = `#/${view.path}`;
      main.focus();
    } else if (e.key === "t") themeButton.click();
  });

  app.on((change) => {
    if (change === "systems") {
      fillPicker();
      if (main.dataset.view !== "fleet") route();
    } else if (change === "selected") {
      fillPicker();
      remount();
    } else if (change === "connection") {
      conn.textContent = app.connected ? "live" : "reconnecting…";
      conn.className = `conn ${app.connected ? "on" : "off"}`;
    }
  });
  const showClock = () => {
    if (!app.health) return;
    clock.textContent = `service time ${f.dateTime(app.clock.now(), app.zone())}${app.clock.rate > 1.5 ? ` (demo clock, ${Math.round(app.clock.rate)}×)` : ""}`;
  };
  setInterval(showClock, 1000);

  try {
    await app.start();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return askForToken(main);
    fill(
      main,
      h(
        "p",
        { class: "error", role: "alert" },
        `The service did not answer: ${error instanceof Error ? error.message : String(error)}. Reload when it runs.`,
      ),
    );
    return;
  }
  fillPicker();
  showClock();
  route();
}

void main();

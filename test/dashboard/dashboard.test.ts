import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goto, openPage, shots, startWorld, TOKEN, type World } from "./harness.js";

/**
 * The dashboard in headless Chromium (playwright-core + @sparticuz/chromium, which npm ci brings)
 * against the service on the simulators over a real socket.
 */
let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 90_000);
afterAll(async () => {
  await world?.close();
});

interface Sample {
  t: number[];
  pvW: (number | null)[];
  loadW: (number | null)[];
  gridW: (number | null)[];
  batteryW: (number | null)[];
  soc: (number | null)[];
}
const FIELDS = ["pvW", "loadW", "gridW", "batteryW", "soc"] as const;
const KWH = ["pvKwh", "loadKwh", "importKwh", "exportKwh"] as const;

/** The flow the Now view shows, read in one go (a live update cannot fall between two reads). */
async function shownFlow(page: Page): Promise<{ observedAt: string; values: Record<string, string> }> {
  return page.evaluate(`(() => {
    const values = {};
    for (const k of ${JSON.stringify(FIELDS)}) values[k] = document.querySelector('[data-field="' + k + '"]').getAttribute("data-value");
    return { observedAt: document.querySelector('[data-field="observedAt"]').getAttribute("datetime"), values };
  })()`);
}

async function selected(page: Page): Promise<string> {
  return page.locator("#system").inputValue();
}

describe("the dashboard in Chromium", () => {
  it("serves the page with its content types and policy, and loads every view with no console error", async () => {
    const res = await fetch(`${world.service.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const js = await fetch(`${world.service.url}/assets/app.js`);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    const { page, errors, close } = await openPage(world);
    const external: string[] = [];
    page.on("request", (r) => !r.url().startsWith(world.service.url) && !r.url().startsWith("data:") && external.push(r.url()));
    for (const view of ["now", "day", "prices", "battery", "fleet", "automation"]) {
      await goto(page, world, `#/${view}`);
      await page.locator(`#nav a[data-view="${view}"][aria-current]`).waitFor();
      await page.locator("main .card").first().waitFor();
    }
    // Keyboard: a key per view, and the theme toggle (auto, dark, light).
    await page.locator("main").focus();
    await page.keyboard.press("p");
    await page.locator('#nav a[data-view="prices"][aria-current]').waitFor();
    await page.keyboard.press("t");
    expect(await page.locator("html").getAttribute("data-theme")).toBe("dark");
    await page.keyboard.press("t");
    expect(await page.locator("html").getAttribute("data-theme")).toBe("light");
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
    expect(external, "no CDN, nothing from another origin").toEqual([]);
    await close();
  });

  it("shows the API's numbers: the flow of the reading it names, the current price, its meaning", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/now");
    await page.locator('[data-field="pvW"][data-value]:not([data-value=""])').waitFor();
    const id = await selected(page);
    expect(id).toMatch(/^alphaess:/);
    const shown = await shownFlow(page);
    const t = Date.parse(shown.observedAt);
    const hist = await world.api<{ samples: Sample }>(`/systems/${encodeURIComponent(id)}/history?from=${t}&to=${t + 1}`);
    expect(hist.samples.t).toEqual([t]);
    for (const k of FIELDS) expect(shown.values[k], k).toBe(String(hist.samples[k][0] ?? ""));
    // The text people read is the same number.
    const pv = hist.samples.pvW[0]!;
    expect(await page.locator('table.values [data-field="pvW"]').textContent()).toBe(
      Math.abs(pv) >= 1000 ? `${(pv / 1000).toFixed(1)} kW` : `${Math.round(pv)} W`,
    );
    // The current price equals the API's row for the same interval (a new vintage may arrive meanwhile: retried).
    await expect
      .poll(
        async () => {
          const price = await page.locator('[data-field="price"]').getAttribute("data-value");
          const start = await page.locator('[data-field="price"]').getAttribute("data-start");
          const { prices } = await world.api<{ prices: { channel: string; start: string; perKwhCents: number; descriptor: string }[] }>(
            `/prices?from=${Date.parse(start!)}&to=${Date.parse(start!) + 1}`,
          );
          const row = prices.find((p) => p.channel === "general" && p.start === start);
          const descriptor = await page.locator('[data-field="descriptor"]').getAttribute("data-value");
          return row && String(row.perKwhCents) === price && row.descriptor === descriptor;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await page.locator('[data-field="descriptor"]').textContent()).not.toBe("");
    // Today's energy equals the API's totals of the same local date (the totals are re-read every 15
    // service minutes: if they changed between the page's read and ours, the page reloads and reads again).
    await expect
      .poll(
        async () => {
          const today = page.locator('[data-box="today"]');
          await today.waitFor();
          const date = (await today.getAttribute("data-date"))!;
          const { days } = await world.api<{ days: Record<string, number | string | null>[] }>(
            `/systems/${encodeURIComponent(id)}/energy?from=${date}`,
          );
          const shownToday = await Promise.all(KWH.map((k) => page.locator(`[data-field="today.${k}"]`).getAttribute("data-value")));
          const equal = KWH.every((k, i) => shownToday[i] === String(days[0]?.[k] ?? ""));
          if (!equal) await page.reload();
          return equal && days.length === 1;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(Number(await page.locator('[data-field="age"]').getAttribute("data-value"))).toBeGreaterThanOrEqual(0);
    expect(errors).toEqual([]);
    await close();
  });

  it("updates live: a new reading arrives over Server-Sent Events, without another request for it", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/now");
    await page.locator('[data-field="pvW"][data-value]:not([data-value=""])').waitFor();
    const first = await shownFlow(page);
    const flowRequests: string[] = [];
    page.on("request", (r) => /\/flow$|\/history/.test(r.url()) && flowRequests.push(r.url()));
    await expect.poll(async () => (await shownFlow(page)).observedAt, { timeout: 20_000 }).not.toBe(first.observedAt);
    const later = await shownFlow(page);
    expect(Date.parse(later.observedAt)).toBeGreaterThan(Date.parse(first.observedAt));
    expect(flowRequests, "the update came from the event stream").toEqual([]);
    expect(await page.locator("#conn").textContent()).toBe("live");
    expect(errors).toEqual([]);
    await close();
  });

  it("draws the day chart, lists the day's energy as the API has it, and moves by keyboard", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/day");
    const chart = page.locator('[data-chart="day"]');
    await chart.locator("canvas").waitFor();
    await expect.poll(async () => Number(await chart.getAttribute("data-count"))).toBeGreaterThan(0);
    // Non-empty: some pixels of the canvas are painted.
    const painted = await page.evaluate(`(() => {
      const c = document.querySelector('[data-chart="day"] canvas');
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    })()`);
    expect(painted).toBeGreaterThan(1000);
    const id = await selected(page);
    const date = await page.locator('input[type="date"]').inputValue();
    // The totals equal the API's (re-read every 15 service minutes: when they changed meanwhile, the view loads again).
    await expect
      .poll(
        async () => {
          const { days } = await world.api<{ days: { date: string; pvKwh: number | null }[] }>(
            `/systems/${encodeURIComponent(id)}/energy?from=${date}`,
          );
          const shown = await page.locator(`tr[data-date="${date}"] [data-field="pvKwh"]`).getAttribute("data-value");
          if (shown === String(days[0]?.pvKwh ?? "") && days.length === 1) return true;
          await page.locator('[data-nav="today"]').click();
          return false;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await page.locator("main").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.locator('input[type="date"]').inputValue()).not.toBe(date);
    await page.locator('[data-span="week"]').click();
    await expect.poll(() => page.locator('[data-table="energy"] tbody tr').count()).toBe(7);
    expect(errors).toEqual([]);
    await close();
  });

  it("plans, confirms and applies a battery schedule with the token, reads it back, and is refused without it", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/battery");
    const id = await selected(page);
    await page.locator('[data-table="schedule"]').waitFor();
    const intent = "charge 02:00-04:00 to 85% from grid";
    await page.locator("#intent").fill(intent);
    // Without the token: the plan is refused and said so.
    await page.locator('[data-action="plan"]').click();
    await expect.poll(() => page.locator('[data-box="error"]').textContent()).toMatch(/token/i);
    expect(await page.locator('[data-table="diff"]').count()).toBe(0);
    // With it: the diff, then apply after the confirmation.
    await page.locator("#token").fill(TOKEN);
    await page.locator('[data-form="token"] button[type="submit"]').click();
    await page.locator('[data-action="plan"]').click();
    const diff = page.locator('[data-table="diff"]');
    await diff.waitFor();
    expect(Number(await diff.getAttribute("data-changes"))).toBeGreaterThan(0);
    expect(await diff.locator('tr[data-field="charge.windows"] td.ins').textContent()).toBe("02:00–04:00");
    // Forget the token before confirming: the write is refused and nothing is applied.
    await page.locator('[data-action="forget-token"]').click();
    await page.locator('[data-action="apply"]').click();
    await page.locator("dialog[open]").waitFor();
    await page.locator('[data-action="confirm"]').click();
    await expect.poll(() => page.locator('[data-box="error"]').textContent()).toMatch(/token/i);
    const audit = () => world.api<{ entries: { action: string; system: string }[] }>("/audit");
    expect((await audit()).entries.filter((e) => e.action === "apply")).toEqual([]);
    // With the token again: applied, sent, taken, and the schedule read back.
    await page.locator("#token").fill(TOKEN);
    await page.locator('[data-form="token"] button[type="submit"]').click();
    await page.locator('[data-action="apply"]').click();
    await page.locator('[data-action="cancel"]').focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    const result = page.locator('[data-table="result"]');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.getAttribute("data-ok")).toBe("true");
    expect(await result.locator("[data-taken]").first().getAttribute("data-taken")).toBe("true");
    const battery = await world.api<{ schedule: { charge: { windows: { start: string; end: string }[]; stopLevel: number } } }>(
      `/systems/${encodeURIComponent(id)}/battery`,
    );
    expect(battery.schedule.charge.windows).toContainEqual(expect.objectContaining({ start: "02:00", end: "04:00" }));
    expect(battery.schedule.charge.stopLevel).toBeCloseTo(0.85);
    expect(await page.locator('[data-table="schedule"] tr[data-field="charge.windows"] td').textContent()).toContain("02:00–04:00");
    expect((await audit()).entries.filter((e) => e.action === "apply" && e.system === id)).toHaveLength(1);
    // The only errors were the refused requests' 401s.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    expect(errors.length).toBe(2);
    await close();
  });

  it("asks for the token first where reads need it, then sends it with every request, the event stream included", async () => {
    // As a service beyond 127.0.0.1 answers (this one listens on 127.0.0.1 only): no token, 401.
    const { page, errors, close } = await openPage(world);
    const seen: { url: string; auth: boolean }[] = [];
    await page.route("**/api/v1/**", async (route) => {
      const auth = route.request().headers().authorization === `Bearer ${TOKEN}`;
      seen.push({ url: route.request().url(), auth });
      if (auth) return route.continue();
      return route.fulfill({
        status: 401,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "about:blank", title: "A valid token is required", status: 401 }),
      });
    });
    await goto(page, world, "#/now");
    await page.locator("#token-start").fill(TOKEN);
    await page.locator('[data-form="token-start"] button').click();
    await page.locator('[data-field="pvW"][data-value]:not([data-value=""])').waitFor();
    await expect.poll(() => page.locator("#conn").textContent()).toBe("live");
    const after = seen.slice(seen.findIndex((s) => s.auth));
    expect(after.length).toBeGreaterThan(3);
    expect(after.every((s) => s.auth)).toBe(true);
    expect(after.some((s) => s.url.endsWith("/api/v1/events"))).toBe(true);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await close();
  });

  it("lists the fleet sortable and filterable with status and staleness, and drills into one system", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/fleet");
    const { systems } = await world.api<{ systems: { id: string; vendor: string }[] }>("/systems");
    const rows = page.locator('[data-table="fleet"] tbody tr');
    await expect.poll(() => rows.count()).toBe(systems.length);
    await page.locator('[data-sort="vendor"]').click();
    const vendors = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[1]!.textContent ?? ""));
    expect(vendors).toEqual([...vendors].sort((a, b) => a.localeCompare(b)));
    await page.locator('[data-sort="vendor"]').press("Enter");
    const reversed = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[1]!.textContent ?? ""));
    expect(reversed).toEqual([...vendors].reverse());
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);
    await page.locator('[data-filter="text"]').fill("goodwe");
    await expect.poll(() => rows.count()).toBe(systems.filter((s) => s.id.includes("goodwe")).length);
    const statuses = await page.locator("[data-status]").allTextContents();
    expect(statuses.every((s) => ["ok", "stale", "failing", "starting", "no data"].includes(s))).toBe(true);
    const target = systems.find((s) => s.vendor === "goodwe")!.id;
    await page.locator(`tr[data-system="${target}"] a`).click();
    await page.locator(`[data-drill="${target}"]`).waitFor();
    expect(page.url()).toContain(`#/fleet/${encodeURIComponent(target)}`);
    expect(errors).toEqual([]);
    await close();
  });

  it("marks a retired system (gone from its vendor's list) and lists it after the ones in service, in either order", async () => {
    // What the collector stores when a re-list no longer has a system: its row stays, retired, with its history.
    const id = "alphaess:AAA-RETIRED";
    const t = world.service.collector.now() - 600_000;
    await world.storage.upsertSystems([
      {
        id,
        vendor: "alphaess",
        device: "AAA-RETIRED",
        name: "Old shed",
        timeZone: null,
        capabilities: [],
        cadenceMs: 60_000,
        lastSeen: null,
      },
    ]);
    await world.storage.insertSamples([{ system: id, t, pvW: 1, loadW: 1, gridW: 0, batteryW: 0, soc: 0.5, evW: null }]);
    await world.storage.retireSystems([id], t + 60_000);
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/fleet");
    const rows = page.locator('[data-table="fleet"] tbody tr');
    const { systems } = await world.api<{ systems: { id: string }[] }>("/systems");
    await expect.poll(() => rows.count()).toBe(systems.length);
    const order = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-system")));
    // "Old shed" sorts first by name, yet comes last: in ascending and descending order alike.
    await page.locator('[data-sort="name"]').click();
    const first = await order();
    await page.locator('[data-sort="name"]').click();
    const second = await order();
    expect([first.at(-1), second.at(-1)]).toEqual([id, id]);
    expect(second.slice(0, -1)).toEqual(first.slice(0, -1).reverse());
    expect(await page.locator(`tr[data-system="${id}"] [data-status]`).textContent()).toBe("retired");
    expect(await page.locator("[data-status]").allTextContents()).toEqual([
      ...Array(systems.length - 1).fill(expect.not.stringMatching(/retired/)),
      "retired",
    ]);
    await page.locator('[data-filter="status"]').selectOption("retired");
    await expect.poll(() => order()).toEqual([id]);
    // Its page says so, and its history is still there.
    await page.locator(`tr[data-system="${id}"] a`).click();
    await page.locator(`[data-drill="${id}"]`).waitFor();
    expect(await page.locator(`[data-drill="${id}"] .facts`).textContent()).toMatch(/retired .*no longer listed by alphaess, history kept/);
    expect(errors).toEqual([]);
    await close();
  });

  it("shows the prices ahead with the forecast band and the automation's decisions with their explanation", async () => {
    const { page, errors, close } = await openPage(world);
    await goto(page, world, "#/prices");
    await page.locator(".prices-chart .bar").first().waitFor();
    expect(Number(await page.locator(".prices-chart .band").getAttribute("data-band"))).toBeGreaterThan(0);
    // The band comes from the API: forecasts carry Amber's advanced low/predicted/high, actuals none.
    type Row = { kind: string; channel: string; advanced: { lowCents: number; predictedCents: number; highCents: number } | null };
    const { prices } = await world.api<{ prices: Row[] }>("/prices");
    const forecasts = prices.filter((p) => p.kind === "forecast" && p.channel === "general");
    expect(forecasts.length).toBeGreaterThan(0);
    expect(forecasts.filter((p) => p.advanced).length).toBeGreaterThan(0);
    for (const p of forecasts.filter((p) => p.advanced))
      expect(p.advanced!.lowCents <= p.advanced!.predictedCents && p.advanced!.predictedCents <= p.advanced!.highCents).toBe(true);
    expect(prices.filter((p) => p.kind === "actual").every((p) => p.advanced === null)).toBe(true);
    const bars = await page.locator(".prices-chart .bar").count();
    expect(bars).toBe(await page.locator('[data-table="prices"] tbody tr').count());
    await goto(page, world, "#/automation");
    const { decisions } = await world.api<{ decisions: { system: string; reason: string }[] }>("/automation");
    if (decisions.length > 0) {
      const first = decisions[0]!;
      await expect
        .poll(() => page.locator(`[data-decision="${first.system}"] [data-field="reason"]`).textContent(), { timeout: 10_000 })
        .toBeTruthy();
    } else
      await page
        .locator("main .card")
        .getByText(/No decision yet/)
        .waitFor();
    expect(await page.locator('[data-field="mode"]').textContent()).toBe("advise");
    expect(errors).toEqual([]);
    await close();
  });

  it("fits a phone: no view is wider than 390 px (wide tables scroll inside their card)", async () => {
    const { page, errors, close } = await openPage(world, { width: 390, height: 844 });
    for (const view of ["now", "day", "prices", "battery", "fleet", "automation"]) {
      await goto(page, world, `#/${view}`);
      await page.locator(`#nav a[data-view="${view}"][aria-current]`).waitFor();
      await page.locator("main .card").first().waitFor();
      await page.waitForTimeout(300);
      expect(await page.evaluate("document.documentElement.scrollWidth"), view).toBeLessThanOrEqual(390);
    }
    expect(errors).toEqual([]);
    await close();
  });

  it("writes screenshots at desktop and phone widths, light and dark (docs/dashboard/*.png)", async () => {
    const sizes = [
      { name: "desktop", width: 1280, height: 860 },
      { name: "phone", width: 390, height: 844 },
    ];
    for (const size of sizes)
      for (const dark of [false, true]) {
        const { page, errors, close } = await openPage(world, { ...size, dark });
        const views = size.name === "desktop" && !dark ? ["now", "day", "prices", "battery", "fleet", "automation"] : ["now", "day"];
        for (const view of views) {
          await goto(page, world, `#/${view}`);
          await page.locator("main .card").first().waitFor();
          if (view === "now") await page.locator('[data-field="price"]').waitFor();
          if (view === "day") await page.locator('[data-chart="day"] canvas').waitFor();
          if (view === "prices") await page.locator(".prices-chart").waitFor();
          if (view === "battery") await page.locator('[data-table="schedule"]').waitFor();
          await page.waitForTimeout(300);
          await page.screenshot({ path: join(shots, `${view}-${size.name}-${dark ? "dark" : "light"}.png`), animations: "disabled" });
        }
        expect(errors).toEqual([]);
        await close();
      }
  });
});

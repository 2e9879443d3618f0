import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { FLOW_COLUMNS } from "./commands/status.js";
import { ENERGY_COLUMNS } from "./commands/history.js";
import { renderCsv } from "./output/output.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 9: one vocabulary in output.

let home: TempHome;
let alpha: AlphaEssSimulator;
beforeAll(async () => {
  home = tempHome();
  alpha = await startAlphaEssSimulator({ seed: 9, limits: "none" });
  home.writeConfig({
    alphaess: {
      appId: alpha.credentials.appId,
      appSecret: alpha.credentials.appSecret,
      baseUrl: alpha.url,
      timeZone: "Australia/Sydney",
      minIntervalMs: 0,
      writeCooldownMs: 0,
    },
  });
});
afterAll(async () => {
  await alpha.close();
  home.cleanup();
});

describe("one output vocabulary", () => {
  it("status CSV uses the same column names as history and JSON, and whole watts", () => {
    const csv = renderCsv(FLOW_COLUMNS, [
      {
        vendor: "powertrack",
        device: "S38292",
        flow: {
          observedAt: new Date("2026-12-06T01:00:00Z"),
          pvW: 31946.240225210844,
          loadW: null,
          gridW: null,
          batteryW: null,
          soc: null,
        },
        ageMs: 5000,
        stale: false,
        error: null,
      } as never,
    ]);
    const [header, row] = csv.trim().split("\n");
    expect(header).toBe("system,pvW,loadW,gridW,batteryW,soc,evW,observedAt,ageS");
    expect(row).toContain(",31946,");
    expect(renderCsv(ENERGY_COLUMNS, []).trim()).toBe(
      "date,pvKwh,loadKwh,importKwh,exportKwh,chargeKwh,dischargeKwh,samples,peakPvW,minSoc,error",
    );
  });

  it("yesterday is a date wherever a date is taken (alphaess get-historical-energy-usage)", async () => {
    const r = await runInProcess(["alphaess", "get-historical-energy-usage", "yesterday", "--serial", alpha.systems[0]!], home.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a list result takes --csv on every vendor command", async () => {
    const r = await runInProcess(["alphaess", "get-system-summary", "--serial", alpha.systems[0]!, "--csv"], home.env);
    expect(r.stderr).not.toMatch(/unknown option/);
    const list = await runInProcess(["alphaess", "get-ev-charger-list", "--serial", alpha.systems[0]!, "--csv"], home.env);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/serialNumber/);
  });

  it("ev limit and set-ev-charger-current-draw-settings state one range", async () => {
    const list = (JSON.parse((await runInProcess(["ev", "list", "--json"], home.env)).stdout) as { chargers: { id: string }[] }).chargers;
    const charger = list[0]!.id;
    const a = await runInProcess(["ev", "limit", charger, "2000", "--yes"], home.env);
    const b = await runInProcess(
      ["alphaess", "set-ev-charger-current-draw-settings", "2000", "--serial", alpha.systems[0]!, "--yes"],
      home.env,
    );
    expect(a.code).toBe(2);
    expect(b.code).toBe(2);
    const range = (text: string) => /(\d+)\D{1,12}(\d+) ?A/.exec(text)?.slice(1, 3);
    expect(range(a.stderr)).toEqual(["6", "100"]);
    expect(range(b.stderr)).toEqual(["6", "100"]);
  });
});

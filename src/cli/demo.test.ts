import { describe, expect, it } from "vitest";
import { ANSI_RE, runCli, tempHome } from "./test-support/run-cli.js";

describe("openpower demo", () => {
  it("runs every simulator, shows status, prices, a battery plan and its apply with read-back, and exits 0", async () => {
    const home = tempHome();
    try {
      // The 30 s limit of the acceptance criteria is the subprocess timeout (no timing assertion).
      const r = await runCli(["demo"], { env: home.env, timeoutMs: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = r.stdout;
      expect(out).not.toMatch(ANSI_RE);
      for (const vendor of [
        "AlphaESS Open API on http://127.0.0.1:",
        "Amber API on http://127.0.0.1:",
        "GoodWe ET inverter on 127.0.0.1:",
        "PowerTrack on http://127.0.0.1:",
      ])
        expect(out).toContain(vendor);
      // Status: every simulated system answered.
      expect(out).toMatch(/== openpower status/);
      for (const system of ["alphaess:AL70110230306xx", "alphaess:AL70110230302xx", "goodwe:9010KETU00000000", "powertrack:S"])
        expect(out).toContain(system);
      expect(out).not.toMatch(/error:/);
      expect(out).toMatch(/Amber now: buy -?\d+\.\d c\/kWh/);
      // Prices with the chart.
      expect(out).toMatch(/== openpower prices --next 12h/);
      expect(out).toMatch(/[┤┼]/);
      // The plan, its apply and the read-back.
      expect(out).toMatch(/Battery plan for alphaess:AL70110230306xx: charge 01:00-05:00 to 90% from grid/);
      expect(out).toMatch(/batHighCap: 100 → 90/);
      expect(out).toMatch(/POST updateChargeConfigInfo: sent, read back: took effect/);
      expect(out).toMatch(/read back: charge 01:00-05:00, from grid, stop at 90 %/);
      expect(out).toMatch(/audit log line .* alphaess:AL70110230306xx ok=true/);
      // The summary.
      expect(out).toMatch(/simulators: alphaess, amber, goodwe, powertrack\n/);
      expect(out).toMatch(/battery: "charge 01:00–05:00 to 90 %" on alphaess:AL70110230306xx: 1 write\(s\) planned, took effect/);
      expect(out).toMatch(/status: every system answered; prices: shown/);
      // The demo's audit log lives in a temporary directory, never the user's data directory.
      expect(out).not.toContain(home.dataDir);
    } finally {
      home.cleanup();
    }
  });
});

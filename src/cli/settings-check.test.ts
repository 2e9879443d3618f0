import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 6: settings are checked when they are entered, and `config check` checks every
// configured system, not only the credentials.

let home: TempHome;
let alpha: AlphaEssSimulator;
let amber: AmberSimulator;
beforeAll(async () => {
  home = tempHome();
  [alpha, amber] = await Promise.all([startAlphaEssSimulator({ seed: 5 }), startAmberSimulator({ seed: 5 })]);
});
afterAll(async () => {
  await Promise.all([alpha.close(), amber.close()]);
  home.cleanup();
});

describe("settings checked when entered", () => {
  it.each([
    [["--alphaess-time-zone", "Mars/Olympus"], /--alphaess-time-zone: "Mars\/Olympus" is not an IANA time zone/],
    [["--goodwe-time-zone", "Mars/Olympus"], /--goodwe-time-zone: "Mars\/Olympus" is not an IANA time zone/],
    [["--alphaess-serial", "NOT A SERIAL!!"], /--alphaess-serial: "NOT A SERIAL!!" is not an AlphaESS serial number/],
    [["--amber-token", "abc123notatoken"], /--amber-token: the value is not an Amber API token: they start with "psk_"/],
  ])("config init --no-input %j is refused (exit 2) and writes nothing", async (flags, message) => {
    const r = await runInProcess(["config", "init", "--no-input", ...flags], home.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain("abc123notatoken");
    expect(existsSync(home.configFile)).toBe(false);
  });

  it("a bad value in the config file or --set is refused when read", async () => {
    const set = await runInProcess(["--set", "alphaess.timeZone=Mars/Olympus", "config", "show"], home.env);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/is not an IANA time zone/);
    home.writeConfig({ goodwe: { host: "127.0.0.1", timeZone: "Mars/Olympus" } });
    const file = await runInProcess(["config", "show"], home.env);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/goodwe.timeZone: "Mars\/Olympus" is not an IANA time zone/);
  });
});

describe("config check checks every configured system", () => {
  it("a serial not bound to the AppID fails the check and is named", async () => {
    home.writeConfig({
      alphaess: { appId: alpha.credentials.appId, appSecret: alpha.credentials.appSecret, baseUrl: alpha.url, minIntervalMs: 0 },
    });
    const good = await runInProcess(["config", "check"], home.env);
    expect(good.code).toBe(0);
    const serial = alpha.systems[0]!;
    const r = await runInProcess(["--set", `alphaess.serial=NOPE1,${serial}`, "config", "check", "--json"], home.env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { results: { vendor: string; ok: boolean; detail: string }[] };
    expect(json.results[0]).toMatchObject({ vendor: "alphaess", ok: false, detail: expect.stringMatching(/NOPE1 is not bound/) });
  });

  it("an Amber site that is not the account's fails the check", async () => {
    home.writeConfig({ amber: { token: amber.token, baseUrl: amber.url, site: "01NOTASITE0000000000000000" } });
    const r = await runInProcess(["config", "check"], home.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/01NOTASITE0000000000000000/);
  });
});

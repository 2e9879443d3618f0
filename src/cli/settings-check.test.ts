import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { startGoodWeSimulator, startSemsSimulator, type GoodWeSimulator, type SemsSimulator } from "../sim/goodwe/index.js";
import { startPowerTrackSimulator, type PowerTrackSimulator } from "../sim/powertrack/index.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 6: settings are checked when they are entered, and `config check` checks every
// configured system, not only the credentials.

let home: TempHome;
let alpha: AlphaEssSimulator;
let amber: AmberSimulator;
let powertrack: PowerTrackSimulator;
let sems: SemsSimulator;
let inverter: GoodWeSimulator;
beforeAll(async () => {
  home = tempHome();
  [alpha, amber, powertrack, sems, inverter] = await Promise.all([
    startAlphaEssSimulator({ seed: 5, limits: "none" }), // two checks back to back: live-like pacing would hold the second for 10 s
    startAmberSimulator({ seed: 5 }),
    startPowerTrackSimulator({ seed: 5, sites: 3 }),
    startSemsSimulator({ seed: 5 }),
    startGoodWeSimulator({ profile: "ET", tcpPort: null, discoveryPort: null }),
  ]);
});
afterAll(async () => {
  await Promise.all([alpha.close(), amber.close(), powertrack.close(), sems.close(), inverter.close()]);
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

  const powertrackSection = (sites: string[]) => ({
    cookie: powertrack.credentials.cookie,
    aeS: powertrack.credentials.aeS,
    aeV: powertrack.credentials.aeV,
    baseUrl: powertrack.url,
    sites,
  });

  it("a PowerTrack site key the account cannot read fails the check and is named", async () => {
    const [site] = powertrack.sites;
    home.writeConfig({ powertrack: powertrackSection([site!]) });
    const good = await runInProcess(["config", "check", "--json"], home.env);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(site);
    expect(powertrack.sites).not.toContain("S1");
    const r = await runInProcess(["--set", `powertrack.sites=${site},S1`, "config", "check", "--json"], home.env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { results: { vendor: string; ok: boolean; detail: string }[] };
    expect(json.results[0]).toMatchObject({
      vendor: "powertrack",
      ok: false,
      detail: expect.stringMatching(/powertrack\.sites S1 is not readable by this account.*Fix powertrack\.sites/),
    });
    expect(json.results[0]!.detail).not.toMatch(new RegExp(`\\b${site}\\b.*not readable`));
  });

  const semsSection = (station?: string) => ({
    semsEmail: sems.account.email,
    semsPassword: sems.account.password,
    semsLoginUrl: sems.loginUrl,
    ...(station === undefined ? {} : { semsStation: station }),
  });

  it("a SEMS station id that is not the account's fails the check and is named", async () => {
    home.writeConfig({ goodwe: semsSection(sems.powerStationId) });
    const good = await runInProcess(["config", "check"], home.env);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(sems.powerStationId);
    const wrong = "0b1e2c3d-aaaa-bbbb-cccc-0123456789ab";
    home.writeConfig({ goodwe: semsSection(wrong) });
    const r = await runInProcess(["config", "check", "--json"], home.env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { results: { vendor: string; ok: boolean; detail: string }[] };
    expect(json.results[0]).toMatchObject({
      vendor: "goodwe",
      ok: false,
      detail: expect.stringMatching(
        new RegExp(`goodwe\\.semsStation ${wrong} is not a station of this SEMS account.*Fix goodwe\\.semsStation`),
      ),
    });
    expect(json.results[0]!.detail).not.toMatch(/SEMS\+|client/);
  });

  it("a local GoodWe inverter that does not answer fails the check; one that answers passes", async () => {
    const local = { host: inverter.host, port: inverter.udpPort, protocol: "udp", family: "ET", timeoutMs: 200 };
    home.writeConfig({ goodwe: local });
    const good = await runInProcess(["config", "check"], home.env);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/answers on/);
    home.writeConfig({ goodwe: { ...local, port: 9 } });
    const r = await runInProcess(["config", "check", "--json"], home.env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { results: { vendor: string; ok: boolean; detail: string }[] };
    expect(json.results[0]).toMatchObject({ vendor: "goodwe", ok: false });
    expect(json.results[0]!.detail).toMatch(/127\.0\.0\.1/);
  });
});

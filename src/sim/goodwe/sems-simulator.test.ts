import { afterEach, describe, expect, it } from "vitest";
import { semsPlusPassword } from "../../goodwe/sems/crypto.js";
import { VirtualClock } from "../kernel.js";
import { startSemsSimulator, type SemsSimulator } from "./sems-simulator.js";

const open: SemsSimulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function post(url: string, body: unknown, token?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { token: JSON.stringify(token) }) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("SEMS simulator", () => {
  it("legacy login: version required, credentials checked, token valid for its lifetime", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const s = await startSemsSimulator({ clock, tokenTtlMs: 60_000 });
    open.push(s);
    const ident = { version: "v2.1.0", client: "ios", language: "en" };
    expect(await post(s.loginUrl, { account: s.account.email, pwd: s.account.password }, { client: "ios" })).toMatchObject({
      code: "100000",
      msg: "ver is not fund",
    });
    expect(await post(s.loginUrl, { account: s.account.email, pwd: "wrong" }, ident)).toMatchObject({ code: "100005" });
    const login = await post(s.loginUrl, { account: s.account.email, pwd: s.account.password }, ident);
    expect(login).toMatchObject({ code: 0, msg: "Successful", api: `${s.url}/api/` });
    const token = { ...ident, ...(login.data as Record<string, unknown>) };
    const detail = `${s.url}/api/v3/PowerStation/GetMonitorDetailByPowerstationId`;
    expect(await post(detail, { powerStationId: s.powerStationId }, token)).toMatchObject({
      code: "0",
      data: { info: { powerstation_id: s.powerStationId } },
    });
    expect(await post(detail, { powerStationId: "nope" }, token)).toMatchObject({ code: "100004" });
    await clock.advance(61_000);
    expect(await post(detail, { powerStationId: s.powerStationId }, token)).toMatchObject({ code: "100002", hasError: true });
  });

  it("SEMS+ login: hashed password, required fields, and the no-token variant", async () => {
    const s = await startSemsSimulator({ clock: new VirtualClock({ mode: "manual" }) });
    open.push(s);
    const url = `${s.url}/web/sems/sems-user/api/v1/auth/cross-login`;
    const pwd = semsPlusPassword(s.account.password);
    expect(
      await post(url, { account: s.account.email, pwd: s.account.password, agreement: 1, isChinese: false, isLocal: false }),
    ).toMatchObject({ code: "100005" });
    expect(await post(url, { account: s.account.email, pwd })).toMatchObject({ code: "100001" });
    expect(await post(url, { account: s.account.email, pwd, agreement: 1, isChinese: false, isLocal: false })).toMatchObject({
      code: "00000",
      data: { region: "au" },
    });
    s.configure({ semsPlusNoToken: true });
    const noToken = await post(url, { account: s.account.email, pwd, agreement: 1, isChinese: false, isLocal: false });
    expect(noToken).toMatchObject({ code: "00000" });
    expect((noToken.data as Record<string, unknown>).token).toBeUndefined();
  });

  it("the chart renders the same house as the detail: 5-minute points up to now", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-19T13:00:00Z") }); // 00:00 in Sydney
    const s = await startSemsSimulator({ clock });
    open.push(s);
    await clock.advance(6 * 3600_000);
    const ident = { version: "v2.1.0", client: "ios", language: "en" };
    const login = await post(s.loginUrl, { account: s.account.email, pwd: s.account.password }, ident);
    const token = { ...ident, ...(login.data as Record<string, unknown>) };
    const chart = await post(
      `${s.url}/api/v2/Charts/GetPlantPowerChart`,
      { id: s.powerStationId, date: "01/20/2026 00:00:00", full_script: false },
      token,
    );
    const lines = (chart.data as { lines: Array<{ key: string; xy: Array<{ x: string; y: number }> }> }).lines;
    const soc = lines.find((l) => l.key === "PCurve_Power_SOC")!;
    expect(soc.xy).toHaveLength(72);
    expect(soc.xy[0]!.x).toBe("00:00");
    expect(soc.xy.at(-1)!.x).toBe("05:55");
    const detail = await post(`${s.url}/api/v2/PowerStation/GetMonitorDetailByPowerstationId`, { powerStationId: s.powerStationId }, token);
    expect((detail.data as { soc: { power: number } }).soc.power).toBe(Math.round(s.house.now().soc * 100));
  });
});

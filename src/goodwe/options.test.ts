import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../core/errors/index.js";
import { startGoodWeSimulator } from "../sim/goodwe/inverter-simulator.js";
import { startSemsSimulator } from "../sim/goodwe/sems-simulator.js";
import { VirtualClock } from "../sim/kernel.js";
import { GoodWeInverter } from "./inverter.js";
import { SemsClient } from "./sems/client.js";

/** The common ClientOptions (retry policy, user agent) and withOptions on the GoodWe clients. */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe("GoodWe client options", () => {
  it("the inverter takes the retry policy (limit), and withOptions derives a handle on the same socket", async () => {
    const s = await startGoodWeSimulator({ live: false });
    open.push(s);
    expect(() => new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", retry: { limit: 11 } })).toThrow(ConfigurationError);
    const inverter = new GoodWeInverter({ host: s.host, port: s.udpPort, family: "ET", timeoutMs: 100, retry: false });
    open.unshift(inverter);
    // retry: false: one dropped datagram is a timeout.
    s.setFaults({ dropRequests: 1 });
    await expect(inverter.readRegisters(35000, 2)).rejects.toThrow(/timed out|No answer|timeout/i);
    const patient = inverter.withOptions({ retry: { limit: 2 } });
    s.setFaults({ dropRequests: 1 });
    expect(await patient.readRegisters(35000, 2)).toHaveLength(2);
    expect(patient.family).toBe("ET");
    expect(patient.host).toBe(inverter.host);
  });

  it("SEMS takes retry and userAgent, and withOptions shares the login and the budget", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T03:00:00Z") });
    const s = await startSemsSimulator({ clock });
    open.push(s);
    const client = new SemsClient({
      email: s.account.email,
      password: s.account.password,
      loginUrl: s.loginUrl,
      clock,
      timeoutMs: 2000,
      retry: false,
      userAgent: "my-app/1.0",
    });
    await client.getPowerStationIdByOwner();
    const derived = client.withOptions({ timeoutMs: 5000 });
    expect(derived.limiter).toBe(client.limiter);
    await derived.getPowerStationIdByOwner();
    const paths = s.http.requests.map((r) => r.path.split("/").pop());
    expect(paths).toEqual(["CrossLogin", "GetPowerStationIdByOwner", "GetPowerStationIdByOwner"]);
    expect(s.http.requests.every((r) => String(r.headers["user-agent"]).endsWith(" my-app/1.0"))).toBe(true);
  });
});

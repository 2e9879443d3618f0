import { connectAsync } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAedes, type TestBroker } from "../../service/test-support/brokers.js";
import { spawnCli, tempHome, type TempHome } from "../test-support/run-cli.js";

const PASSWORD = "mqtt-pass-Zq81xv0";
let broker: TestBroker;
let home: TempHome;
beforeAll(async () => {
  broker = await startAedes();
  home = tempHome();
});
afterAll(async () => {
  await broker?.close();
  home?.cleanup();
});

describe("openpower serve --demo --mqtt", () => {
  it("publishes discovery with the [mqtt] settings from the environment and --set, says offline on SIGTERM, and never prints the password", async () => {
    const watcher = await connectAsync(broker.url);
    const seen = new Map<string, string>();
    watcher.on("message", (t, p) => seen.set(t, p.toString("utf8")));
    await watcher.subscribeAsync(["clitest/#", "homeassistant/#"]);
    const p = spawnCli(["serve", "--demo", "--speed", "600", "--port", "0", "--mqtt", broker.url, "--set", "mqtt.allowControl=true"], {
      env: { ...home.env, OPENPOWER_MQTT_USERNAME: "openpower", OPENPOWER_MQTT_PASSWORD: PASSWORD, OPENPOWER_MQTT_TOPIC_PREFIX: "clitest" },
    });
    try {
      await p.waitForOutput(/Home Assistant over MQTT: mqtt:\/\/127\.0\.0\.1:\d+/);
      const end = Date.now() + 30_000;
      const has = () =>
        [...seen.keys()].some((t) => /^homeassistant\/sensor\/clitest_alphaess_[a-z0-9]+\/pv_power\/config$/.test(t)) &&
        [...seen.keys()].some((t) => /^homeassistant\/select\/clitest_alphaess_[a-z0-9]+\/battery_mode\/config$/.test(t));
      while (!has() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(has(), [...seen.keys()].join("\n")).toBe(true);
      expect(seen.get("clitest/status")).toBe("online");
    } finally {
      p.child.kill("SIGTERM");
    }
    expect(await p.exited, p.stderr().slice(-3000)).toBe(0);
    const until = Date.now() + 5_000;
    while (seen.get("clitest/status") !== "offline" && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(seen.get("clitest/status")).toBe("offline");
    await watcher.endAsync();
    expect(p.stdout() + p.stderr()).not.toContain(PASSWORD);
  }, 60_000);
});

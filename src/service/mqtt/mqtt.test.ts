import { randomBytes } from "node:crypto";
import { connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { isBatteryController } from "../../model/capabilities.js";
import type { AlphaEssSimulator } from "../../sim/alphaess/index.js";
import { startService, type RunningService } from "../service.js";
import { SqliteStorage } from "../storage/sqlite.js";
import { relayTo, startAedes, type TestBroker } from "../test-support/brokers.js";
import { checkDiscovery } from "../test-support/ha-discovery.js";
import type { CommandOutcome } from "./control.js";
import { modeOf } from "./control.js";

const MOSQUITTO = process.env.OPENPOWER_TEST_MQTT_URL;
if (!MOSQUITTO)
  console.warn(
    "MQTT bridge: the Mosquitto variant did NOT run (set OPENPOWER_TEST_MQTT_URL=mqtt://127.0.0.1:1883 to run it; .ci/run does); the aedes variant runs.",
  );

interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A client that records everything under the test's two prefixes. */
async function watch(
  url: string,
  prefixes: string[],
): Promise<{ client: MqttClient; messages: Message[]; last(topic: string): Message | undefined }> {
  const client = await connectAsync(url, { clientId: `watch-${randomBytes(4).toString("hex")}`, reconnectPeriod: 200 });
  const messages: Message[] = [];
  client.on("message", (topic, payload, packet) => messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain }));
  await client.subscribeAsync(
    prefixes.map((p) => `${p}/#`),
    { qos: 1 },
  );
  return { client, messages, last: (topic) => messages.filter((m) => m.topic === topic).at(-1) };
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function bridgeSuite(label: string, makeBroker: () => Promise<TestBroker>): void {
  describe(`the MQTT bridge against ${label}`, () => {
    const run = randomBytes(3).toString("hex");
    const prefix = `optest${run}`;
    const discoveryPrefix = `hatest${run}`;
    let broker: TestBroker;
    let demo: DemoSources;
    let service: RunningService;
    let storage: SqliteStorage;
    let w: Awaited<ReturnType<typeof watch>>;
    let alpha: string;
    let node: string;
    const outcomes: CommandOutcome[] = [];
    const discoveryTopic = (component: string, key: string) => `${discoveryPrefix}/${component}/${prefix}_${node}/${key}/config`;
    const stateTopic = (key: string) => `${prefix}/${node}/${key}`;
    const discovered = () =>
      new Map(w.messages.filter((m) => m.topic.startsWith(`${discoveryPrefix}/`) && m.payload).map((m) => [m.topic, m]));

    beforeAll(async () => {
      broker = await makeBroker();
      demo = await startDemoSources({ speed: 600, seed: 5, vendors: ["alphaess", "amber"] });
      storage = new SqliteStorage(":memory:");
      w = await watch(broker.directUrl, [prefix, discoveryPrefix]);
      service = await startService({
        storage,
        sessions: demo.sessions,
        clock: demo.clock,
        port: 0,
        processMetrics: false,
        mqtt: { url: broker.url, topicPrefix: prefix, discoveryPrefix, allowControl: true, reconnectMinMs: 100, reconnectMaxMs: 400 },
      });
      service.mqtt!.on("command", (o) => outcomes.push(o));
      alpha = [...service.collector.systems.keys()].find((k) => k.startsWith("alphaess:"))!;
      node = alpha.replace(":", "_").toLowerCase();
    }, 60_000);

    afterAll(async () => {
      await service?.stop();
      await demo?.close();
      // Leave nothing retained behind on a shared broker.
      const retained = [...new Set(w.messages.filter((m) => m.retain || m.topic.startsWith(discoveryPrefix)).map((m) => m.topic))];
      const cleaner = await connectAsync(broker.directUrl, { reconnectPeriod: 0 }).catch(() => undefined);
      for (const t of retained) await cleaner?.publishAsync(t, "", { retain: true, qos: 1 });
      await cleaner?.endAsync();
      await w?.client.endAsync();
      await broker?.close();
    });

    it("publishes discovery for every sensor and control, each following Home Assistant's rules field by field", async () => {
      const wanted = [
        ["sensor", "pv_power"],
        ["sensor", "load_power"],
        ["sensor", "grid_power"],
        ["sensor", "battery_power"],
        ["sensor", "battery_soc"],
        ["sensor", "pv_energy_today"],
        ["sensor", "import_energy_today"],
        ["sensor", "export_energy_today"],
        ["sensor", "charge_energy_today"],
        ["sensor", "discharge_energy_today"],
        ["sensor", "load_energy_today"],
        ["select", "battery_mode"],
        ["number", "charge_target"],
      ] as const;
      await until("every system entity's discovery", () => wanted.every(([c, k]) => discovered().has(discoveryTopic(c, k))), 60_000);
      await until("the price feed's discovery", () => [...discovered().keys()].some((t) => t.endsWith("/general_price/config")), 60_000);
      const all = discovered();
      const problems = [...all].flatMap(([topic, m]) =>
        checkDiscovery(topic, JSON.parse(m.payload), { discoveryPrefix, topicPrefix: prefix, availabilityTopic: `${prefix}/status` }),
      );
      expect(problems).toEqual([]);

      const config = (c: string, k: string) => JSON.parse(all.get(discoveryTopic(c, k))!.payload) as Record<string, unknown>;
      expect(config("sensor", "pv_power")).toMatchObject({
        unique_id: `openpower_${node}_pv_power`,
        default_entity_id: `sensor.openpower_${node}_pv_power`,
        device_class: "power",
        state_class: "measurement",
        unit_of_measurement: "W",
        state_topic: stateTopic("pv_power"),
        availability: [{ topic: `${prefix}/status` }, { topic: `${prefix}/${node}/availability` }],
        availability_mode: "all",
        device: { identifiers: [`openpower_${node}`], manufacturer: "AlphaESS" },
      });
      expect(config("sensor", "battery_soc")).toMatchObject({
        device_class: "battery",
        state_class: "measurement",
        unit_of_measurement: "%",
      });
      for (const k of ["pv", "load", "import", "export", "charge", "discharge"])
        expect(config("sensor", `${k}_energy_today`)).toMatchObject({
          device_class: "energy",
          state_class: "total_increasing",
          unit_of_measurement: "kWh",
        });
      expect(config("select", "battery_mode")).toMatchObject({
        options: ["self-use", "hold", "schedule"],
        command_topic: `${stateTopic("battery_mode")}/set`,
      });
      expect(config("number", "charge_target")).toMatchObject({
        min: 0,
        max: 100,
        unit_of_measurement: "%",
        command_topic: `${stateTopic("charge_target")}/set`,
      });
      const price = JSON.parse([...all].find(([t]) => t.endsWith("/general_price/config"))![1].payload) as Record<string, unknown>;
      expect(price).toMatchObject({
        unit_of_measurement: "AUD/kWh",
        state_class: "measurement",
        device: { manufacturer: "Amber Electric" },
      });
      expect(price.device_class).toBeUndefined();
      const descriptor = JSON.parse([...all].find(([t]) => t.endsWith("/price_descriptor/config"))![1].payload) as Record<string, unknown>;
      expect(descriptor.state_class).toBeUndefined();
      // One device per system: every entity of the AlphaESS system names the same identifiers.
      const ids = new Set(
        [...all]
          .filter(([t]) => t.includes(`/${prefix}_${node}/`))
          .map(([, m]) => JSON.stringify((JSON.parse(m.payload) as { device: unknown }).device)),
      );
      expect(ids.size).toBe(1);
    }, 90_000);

    it("retains discovery, states and availability: a client that connects later gets them at once", async () => {
      const late = await watch(broker.directUrl, [prefix, discoveryPrefix]);
      try {
        // A retained copy is delivered on subscribing (live messages may interleave with it on a busy broker).
        const retained = (topic: string) => late.messages.find((m) => m.topic === topic && m.retain);
        await until("retained discovery", () => retained(discoveryTopic("sensor", "pv_power")), 5_000);
        await until("a retained state", () => retained(stateTopic("pv_power")), 5_000);
        await until("retained control states", () => retained(stateTopic("battery_mode")) && retained(stateTopic("charge_target")), 5_000);
        expect(retained(`${prefix}/status`)?.payload).toBe("online");
      } finally {
        await late.client.endAsync();
      }
    });

    it("publishes new readings as they arrive: W as read, SOC in percent", async () => {
      const before = w.messages.length;
      const fresh = await until("a new SOC reading", () => w.messages.slice(before).find((m) => m.topic === stateTopic("battery_soc")));
      const soc = Number(fresh.payload);
      expect(soc).toBeGreaterThanOrEqual(0);
      expect(soc).toBeLessThanOrEqual(100);
      expect(soc).toBeGreaterThan(1); // a fraction would be < 1: the wire carries percent
      const latest = (await storage.latestSample(alpha))!;
      const pv = w.last(stateTopic("pv_power"))!.payload;
      expect(pv === "None" || Number.isFinite(Number(pv))).toBe(true);
      expect(latest.soc).not.toBeNull();
      const energy = await until("an energy total", () => w.last(stateTopic("pv_energy_today")));
      expect(Number(energy.payload)).toBeGreaterThanOrEqual(0);
      const general = await until("a price", () => w.messages.find((m) => m.topic.endsWith("/general_price")));
      expect(Math.abs(Number(general.payload))).toBeLessThan(20); // dollars per kWh, not cents
    });

    it("a control command is planned, applied, read back and audited; the state published is the one read back", async () => {
      const system = service.collector.systems.get(alpha)!;
      if (!isBatteryController(system)) throw new Error("the AlphaESS simulator should take schedules");
      const audits = (await storage.audit(alpha)).length;
      const n = outcomes.length;
      await w.client.publishAsync(`${stateTopic("battery_mode")}/set`, "hold", { qos: 1 });
      const hold = await until("the mode command's outcome", () => outcomes[n]);
      expect(hold).toMatchObject({ entity: "battery_mode", outcome: "applied", state: { mode: "hold" } });
      expect(modeOf(await system.getBatterySchedule())).toBe("hold");
      await until("the mode state", () => w.last(stateTopic("battery_mode"))?.payload === "hold");
      await w.client.publishAsync(`${stateTopic("charge_target")}/set`, "85", { qos: 1 });
      const target = await until("the charge target's outcome", () => outcomes[n + 1]);
      expect(target).toMatchObject({ entity: "charge_target", outcome: "applied", state: { chargeTarget: 85 } });
      await until("the charge target state", () => w.last(stateTopic("charge_target"))?.payload === "85");
      const all = await storage.audit(alpha);
      const applied = all.slice(0, all.length - audits);
      expect(applied.map((a) => [a.action, a.ok, (a.request as { via: string }).via])).toEqual([
        ["apply", true, "mqtt"],
        ["apply", true, "mqtt"],
      ]);
    }, 60_000);

    it("a refused or failed command publishes the state read back, never the requested one", async () => {
      const n = outcomes.length;
      const pub = (entity: string, payload: string) => w.client.publishAsync(`${stateTopic(entity)}/set`, payload, { qos: 1 });
      await pub("battery_mode", "schedule");
      await pub("charge_target", "150");
      await until("two refusals", () => outcomes.length >= n + 2);
      expect(outcomes.slice(n).map((o) => [o.outcome, o.state?.mode, o.state?.chargeTarget])).toEqual([
        ["refused", "hold", 85],
        ["refused", "hold", 85],
      ]);
      // The device fails the write (HTTP 500 on the schedule update): the state stays what the device has.
      const sim = demo.handles.find((h) => h.vendor === "alphaess")!.handle as AlphaEssSimulator;
      const remove = sim.http.faults.add({ method: "POST", path: /./, kinds: ["http500"], times: 1 });
      const stateMessages = w.messages.length;
      await pub("charge_target", "50");
      const failed = await until("the failed write's outcome", () => outcomes[n + 2]);
      remove();
      expect(failed.outcome).not.toBe("applied");
      expect(failed.state?.chargeTarget).toBe(85);
      await until("the real state published after the failure", () =>
        w.messages.slice(stateMessages).find((m) => m.topic === stateTopic("charge_target")),
      );
      expect(
        w.messages
          .slice(stateMessages)
          .filter((m) => m.topic === stateTopic("charge_target"))
          .map((m) => m.payload),
      ).not.toContain("50");
      expect((await storage.audit(alpha))[0]).toMatchObject({ action: "apply", ok: false });
    }, 60_000);

    it("publishes discovery again when Home Assistant announces itself online", async () => {
      const before = w.messages.length;
      await w.client.publishAsync(`${discoveryPrefix}/status`, "online", { qos: 1 });
      await until("discovery again", () => w.messages.slice(before).some((m) => m.topic === discoveryTopic("sensor", "pv_power")));
      expect(w.messages.slice(before).filter((m) => m.topic.endsWith("/config")).length).toBeGreaterThanOrEqual(13);
    });

    it("the last will says offline when the connection dies, and the bridge comes back online", async () => {
      const before = w.messages.length;
      const client = (service.mqtt as unknown as { client: MqttClient }).client;
      client.stream.destroy(); // no DISCONNECT: the broker publishes the will
      await until("offline from the will", () =>
        w.messages.slice(before).find((m) => m.topic === `${prefix}/status` && m.payload === "offline"),
      );
      await until("online again", () => w.messages.slice(before).some((m) => m.topic === `${prefix}/status` && m.payload === "online"));
    });

    it("marks a system offline while its vendor keeps failing, and online again when it answers", async () => {
      const topic = `${prefix}/${node}/availability`;
      expect(w.last(topic)?.payload).toBe("online");
      const sim = demo.handles.find((h) => h.vendor === "alphaess")!.handle as AlphaEssSimulator;
      const remove = sim.http.faults.add({ path: /getLastPowerData/, kinds: ["http503"] });
      try {
        await until("offline after repeated failures", () => w.last(topic)?.payload === "offline", 60_000);
      } finally {
        remove();
      }
      await until("online again", () => w.last(topic)?.payload === "online", 60_000);
      expect(w.last(`${prefix}/status`)?.payload).toBe("online"); // the bridge itself stayed up
    }, 130_000);

    it("survives a broker restart: reconnects with back-off and publishes everything again, retained", async () => {
      await w.client.endAsync();
      await broker.restart(async () => {
        await until("the bridge to notice", () => !service.mqtt!.connected);
        // Each failed try doubles the wait, up to the cap (100 ms, 200 ms, then 400 ms here).
        const client = (service.mqtt as unknown as { client: MqttClient }).client;
        await until("the back-off to reach its cap", () => client.options.reconnectPeriod === 400, 10_000);
        if (broker.directUrl !== broker.url) {
          // An external broker keeps its retained messages: wipe them, so only a republish can bring them back.
          const wipe = await connectAsync(broker.directUrl, { reconnectPeriod: 0 });
          for (const t of [discoveryTopic("sensor", "pv_power"), stateTopic("battery_mode"), `${prefix}/status`])
            await wipe.publishAsync(t, "", { retain: true, qos: 1 });
          await wipe.endAsync();
        }
      });
      await until("the bridge reconnected", () => service.mqtt!.connected, 30_000);
      expect((service.mqtt as unknown as { client: MqttClient }).client.options.reconnectPeriod).toBe(100);
      w = await watch(broker.directUrl, [prefix, discoveryPrefix]);
      await until("retained discovery on the new broker", () => w.last(discoveryTopic("sensor", "pv_power")));
      await until("retained mode state on the new broker", () => w.last(stateTopic("battery_mode")));
      await until("online on the new broker", () => w.last(`${prefix}/status`)?.payload === "online");
      expect(w.last(discoveryTopic("sensor", "pv_power"))!.retain).toBe(true);
    }, 60_000);
  });
}

bridgeSuite("aedes (in-process)", startAedes);
describe.skipIf(!MOSQUITTO)("Mosquitto (OPENPOWER_TEST_MQTT_URL)", () => {
  bridgeSuite(`Mosquitto at ${MOSQUITTO ?? "(not set)"}`, () => relayTo("mosquitto", MOSQUITTO!));
});

describe("the MQTT bridge with no broker", () => {
  it("does not hold up the service: it starts, collects and stops while the bridge keeps retrying", async () => {
    const broker = await startAedes();
    const url = broker.url;
    await broker.close(); // a port where nothing listens any more
    const demo = await startDemoSources({ speed: 600, seed: 5, vendors: ["alphaess"] });
    const storage = new SqliteStorage(":memory:");
    const service = await startService({
      storage,
      sessions: demo.sessions,
      clock: demo.clock,
      port: 0,
      processMetrics: false,
      mqtt: { url, reconnectMinMs: 50, reconnectMaxMs: 200 },
    });
    try {
      const alpha = [...service.collector.systems.keys()].find((k) => k.startsWith("alphaess:"))!;
      const end = Date.now() + 30_000;
      while (!(await storage.latestSample(alpha)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(await storage.latestSample(alpha)).toBeDefined();
      expect(service.mqtt!.connected).toBe(false);
    } finally {
      await service.stop();
      await demo.close();
    }
  }, 60_000);
});

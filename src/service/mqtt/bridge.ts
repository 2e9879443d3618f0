import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { connect, type MqttClient } from "mqtt";
import { silentLogger, type Logger } from "../../core/logger.js";
import { isBatteryController } from "../../model/capabilities.js";
import type { Collector, CollectorEvents } from "../collector/collector.js";
import { errorClass } from "../collector/convert.js";
import type { Storage } from "../storage/types.js";
import { BatteryEntities, type CommandOutcome } from "./control.js";
import { discoveryMessage, manufacturerOf, Topics, type DeviceInfo } from "./discovery.js";
import { CHARGE_TARGET_ENTITY, MODE_ENTITY, type EntitySpec } from "./entities.js";
import { brokerForLog, MQTT_DEFAULTS, slug, type MqttOptions } from "./options.js";
import { currentIntervals, DailyTotals, priceStates, sampleStates, UNKNOWN, type StateUpdate } from "./states.js";

export interface MqttBridgeDeps {
  collector: Collector;
  storage: Storage;
  /** Writes in flight: the service's shutdown waits for them. */
  inFlight: Set<Promise<unknown>>;
  logger?: Logger;
}

export interface MqttBridgeEvents {
  /** Every (re)connection, after availability, discovery and states were published. */
  connect: [];
  /** A command from Home Assistant, after the state read back was published. */
  command: [CommandOutcome];
  /** Discovery and states were published again (a connection, or Home Assistant announcing itself). */
  republish: [{ reason: "connect" | "homeassistant" }];
}

/** Prices are in the retailer's currency: Amber bills in Australian dollars. */
const CURRENCY: Record<string, string> = { amber: "AUD" };

/**
 * Publishes every system's readings to an MQTT broker with Home Assistant discovery, and (opt-in)
 * takes battery commands. Everything it published is kept, so a reconnect (a restarted broker
 * without persistence) or Home Assistant's `online` announcement republishes all of it, retained.
 */
export class MqttBridge extends EventEmitter<MqttBridgeEvents> {
  readonly topics: Topics;
  private client: MqttClient | undefined;
  private readonly log: Logger;
  private readonly discovery = new Map<string, string>();
  private readonly states = new Map<string, string>();
  private readonly entities = new Map<string, Set<string>>();
  private readonly devices = new Map<string, DeviceInfo>();
  private readonly commands = new Map<string, { control: BatteryEntities; entity: string }>();
  private readonly controls = new Map<string, BatteryEntities>();
  private readonly totals = new DailyTotals();
  private readonly followers: { [K in keyof CollectorEvents]?: (...args: CollectorEvents[K]) => void } = {};
  private stopped = false;

  constructor(
    private readonly options: MqttOptions,
    private readonly deps: MqttBridgeDeps,
  ) {
    super();
    this.log = deps.logger ?? silentLogger;
    this.topics = new Topics(options.topicPrefix ?? MQTT_DEFAULTS.topicPrefix, options.discoveryPrefix ?? MQTT_DEFAULTS.discoveryPrefix);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Connects (in the background: a broker that is down is retried with back-off) and follows the collector. */
  start(): void {
    const min = this.options.reconnectMinMs ?? 1_000;
    const max = this.options.reconnectMaxMs ?? 60_000;
    const broker = brokerForLog(this.options.url);
    const client = connect(this.options.url, {
      clientId: this.options.clientId ?? `openpower-${slug(this.topics.prefix)}-${randomBytes(3).toString("hex")}`,
      username: this.options.username,
      password: this.options.password,
      clean: true,
      // Subscriptions and retained messages are re-made on every connect (a restarted broker may have lost them).
      resubscribe: false,
      reconnectPeriod: min,
      connectTimeout: 10_000,
      will: { topic: this.topics.availability, payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    this.client = client;
    let up = false;
    client.on("connect", () => {
      up = true;
      client.options.reconnectPeriod = min;
      this.log.info("mqtt connected", { broker, prefix: this.topics.prefix });
      this.onConnect(client);
    });
    client.on("reconnect", () => {
      this.log.debug("mqtt reconnecting", { broker, waitedMs: client.options.reconnectPeriod });
      // Back-off: each failed try doubles the wait, up to the cap; a successful connect resets it.
      client.options.reconnectPeriod = Math.min(max, (client.options.reconnectPeriod ?? min) * 2);
    });
    client.on("close", () => {
      // Said once per lost connection, not for every failed try while the broker is away.
      if (up && !this.stopped) this.log.warn("mqtt connection lost; reconnecting with back-off", { broker });
      up = false;
    });
    client.on("error", (error) => {
      // The class and code only: a broker's message could echo what the client sent.
      this.log.warn("mqtt error", { broker, errorClass: errorClass(error), code: (error as { code?: unknown }).code ?? null });
    });
    client.on("message", (topic, payload) => this.onMessage(topic, payload.toString("utf8")));
    this.follow();
    for (const key of this.deps.collector.systems.keys()) this.system(key);
  }

  /** Publishes `offline` (retained), then disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [event, fn] of Object.entries(this.followers)) this.deps.collector.off(event as keyof CollectorEvents, fn as never);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client.publishAsync(this.topics.availability, "offline", { qos: 1, retain: true }).catch(() => undefined);
    }
    await client.endAsync();
  }

  /** The controls of one system (with `allowControl`), for tests and the log. */
  control(system: string): BatteryEntities | undefined {
    return this.controls.get(system);
  }

  private follow(): void {
    const c = this.deps.collector;
    this.followers.sample = (e) => this.update(this.system(e.system), sampleStates(e.row));
    this.followers.energy = (e) => this.update(this.system(e.system), this.totals.accept(e.row));
    this.followers.poll = (e) => {
      if (e.kind !== "poll" || !this.devices.has(e.source)) return;
      // One failure is not an outage: offline after three in a row, online again with the next answer.
      const failures = c.states.get(e.source)?.consecutiveFailures ?? 0;
      if (e.ok) this.setAvailability(e.source, "online");
      else if (failures >= 3) this.setAvailability(e.source, "offline");
    };
    this.followers.prices = (e) => {
      const device = this.priceSource(e.source);
      this.update(device, priceStates(currentIntervals(e.rows, c.now()), CURRENCY[e.source.split(":")[0]!] ?? "AUD"));
    };
    for (const [event, fn] of Object.entries(this.followers)) c.on(event as keyof CollectorEvents, fn as never);
  }

  /** The device of a system, made on first sight (with its controls when allowed). */
  private system(key: string): DeviceInfo {
    const known = this.devices.get(key);
    if (known) return known;
    const system = this.deps.collector.systems.get(key);
    const vendor = key.split(":")[0]!;
    const device: DeviceInfo = {
      key,
      name: system?.name ?? `${manufacturerOf(vendor)} ${key.slice(vendor.length + 1)}`,
      manufacturer: manufacturerOf(vendor),
      ...(system && isBatteryController(system) ? { model: system.batteryControl.backend } : {}),
    };
    this.devices.set(key, device);
    this.setAvailability(key, "online");
    if (this.options.allowControl && system && isBatteryController(system)) {
      const control = new BatteryEntities(
        key,
        system,
        { ...this.deps, now: () => this.deps.collector.now(), log: this.log },
        (entity, payload) => this.setState(key, entity, payload),
      );
      this.controls.set(key, control);
      for (const spec of [MODE_ENTITY, CHARGE_TARGET_ENTITY]) {
        this.commands.set(this.topics.command(key, spec.key), { control, entity: spec.key });
        this.discover(device, spec);
      }
      this.subscribeCommands();
      void control.refresh();
    }
    return device;
  }

  private priceSource(key: string): DeviceInfo {
    const known = this.devices.get(key);
    if (known) return known;
    const vendor = key.split(":")[0]!;
    const device: DeviceInfo = {
      key,
      name: `${manufacturerOf(vendor)} ${key.slice(vendor.length + 1)}`,
      manufacturer: manufacturerOf(vendor),
      model: "Price feed",
    };
    this.devices.set(key, device);
    this.setAvailability(key, "online");
    return device;
  }

  /** States of one device; an entity is discovered when it first has a value (a system without a battery gets no battery sensors). */
  private update(device: DeviceInfo, updates: StateUpdate[]): void {
    for (const [spec, payload] of updates) {
      if (!this.entities.get(device.key)?.has(spec.key)) {
        if (payload === UNKNOWN) continue;
        this.discover(device, spec);
      }
      this.setState(device.key, spec.key, payload);
    }
  }

  private discover(device: DeviceInfo, spec: EntitySpec): void {
    const set = this.entities.get(device.key) ?? new Set<string>();
    this.entities.set(device.key, set);
    if (set.has(spec.key)) return;
    set.add(spec.key);
    const m = discoveryMessage(this.topics, device, spec, { expireAfterS: this.options.expireAfterS });
    const json = JSON.stringify(m.payload);
    this.discovery.set(m.topic, json);
    if (this.connected) this.send(m.topic, json, 1);
  }

  private setState(deviceKey: string, entity: string, payload: string): void {
    const topic = this.topics.state(deviceKey, entity);
    this.states.set(topic, payload);
    // While disconnected only the latest value is kept: the connect handler publishes it (no stale queue).
    if (this.connected) this.send(topic, payload, 0);
  }

  private setAvailability(deviceKey: string, payload: "online" | "offline"): void {
    const topic = this.topics.deviceAvailability(deviceKey);
    if (this.states.get(topic) === payload) return;
    if (payload === "offline") this.log.warn("mqtt: system offline in Home Assistant (its vendor keeps failing)", { system: deviceKey });
    this.states.set(topic, payload);
    if (this.connected) this.send(topic, payload, 1);
  }

  private send(topic: string, payload: string, qos: 0 | 1): void {
    this.client?.publish(topic, payload, { qos, retain: true }, (error) => {
      if (error && !this.stopped) this.log.warn("mqtt publish failed", { topic, errorClass: errorClass(error) });
    });
  }

  private onConnect(client: MqttClient): void {
    const topics = [this.topics.haStatus, ...this.commands.keys()];
    client.subscribe(topics, { qos: 1 }, (error) => {
      if (error) this.log.warn("mqtt subscribe failed", { errorClass: errorClass(error) });
    });
    this.republish("connect");
    this.emit("connect");
  }

  private subscribeCommands(): void {
    if (this.connected) this.client!.subscribe([...this.commands.keys()], { qos: 1 });
  }

  private republish(reason: "connect" | "homeassistant"): void {
    this.send(this.topics.availability, "online", 1);
    for (const [topic, json] of this.discovery) this.send(topic, json, 1);
    for (const [topic, payload] of this.states) this.send(topic, payload, 0);
    this.emit("republish", { reason });
  }

  private onMessage(topic: string, payload: string): void {
    if (topic === this.topics.haStatus) {
      if (payload === "online") {
        this.log.info("mqtt: Home Assistant is online; discovery published again");
        this.republish("homeassistant");
      }
      return;
    }
    const target = this.commands.get(topic);
    if (!target) return;
    void target.control.command(target.entity, payload).then((outcome) => this.emit("command", outcome));
  }
}

import { VERSION } from "../../core/version.js";
import type { EntitySpec } from "./entities.js";
import { slug } from "./options.js";

/** One Home Assistant device: an energy system or a price feed, keyed `vendor:device`. */
export interface DeviceInfo {
  key: string;
  name: string;
  manufacturer: string;
  model?: string;
}

const MANUFACTURERS: Record<string, string> = {
  alphaess: "AlphaESS",
  amber: "Amber Electric",
  goodwe: "GoodWe",
  powertrack: "AlsoEnergy PowerTrack",
};

export function manufacturerOf(vendor: string): string {
  return MANUFACTURERS[vendor] ?? vendor;
}

/** Every topic the bridge uses, from the two prefixes. */
export class Topics {
  constructor(
    readonly prefix: string,
    readonly discoveryPrefix: string,
  ) {}

  /** `online` / `offline` (the last will), retained. */
  get availability(): string {
    return `${this.prefix}/status`;
  }
  /** Where Home Assistant announces itself (`online` after it starts). */
  get haStatus(): string {
    return `${this.discoveryPrefix}/status`;
  }
  /** One system's (or price feed's) own availability: `offline` while its vendor keeps failing. */
  deviceAvailability(deviceKey: string): string {
    return `${this.prefix}/${this.node(deviceKey)}/availability`;
  }
  /** `alphaess:AL2002321010043` → `alphaess_al2002321010043`. */
  node(deviceKey: string): string {
    return slug(deviceKey.replace(":", "_"));
  }
  state(deviceKey: string, entity: string): string {
    return `${this.prefix}/${this.node(deviceKey)}/${entity}`;
  }
  command(deviceKey: string, entity: string): string {
    return `${this.state(deviceKey, entity)}/set`;
  }
  /** `<discovery prefix>/<component>/<node id>/<object id>/config`. */
  discovery(component: string, deviceKey: string, entity: string): string {
    return `${this.discoveryPrefix}/${component}/${slug(this.prefix)}_${this.node(deviceKey)}/${entity}/config`;
  }
}

/** Stable across restarts: derived from the device key and the entity key only, never random. */
export function uniqueId(topics: Topics, deviceKey: string, entity: string): string {
  return `openpower_${topics.node(deviceKey)}_${entity}`;
}

/** The retained discovery message of one entity of one device. */
export function discoveryMessage(
  topics: Topics,
  device: DeviceInfo,
  e: EntitySpec,
  options: { expireAfterS?: number } = {},
): { topic: string; payload: Record<string, unknown> } {
  const id = uniqueId(topics, device.key, e.key);
  const payload: Record<string, unknown> = {
    name: e.name,
    has_entity_name: true,
    unique_id: id,
    // Home Assistant 2025.10+ takes the entity id from here (object_id is deprecated); older ones derive it from the name.
    default_entity_id: `${e.component}.${id}`,
    state_topic: topics.state(device.key, e.key),
    // Available while the bridge is connected (its last will says offline) and the system's vendor answers.
    availability: [{ topic: topics.availability }, { topic: topics.deviceAvailability(device.key) }],
    availability_mode: "all",
    device: {
      identifiers: [`openpower_${topics.node(device.key)}`],
      name: device.name,
      manufacturer: device.manufacturer,
      ...(device.model ? { model: device.model } : {}),
    },
    origin: { name: "openpower", sw_version: VERSION },
  };
  if (e.deviceClass) payload.device_class = e.deviceClass;
  if (e.stateClass) payload.state_class = e.stateClass;
  if (e.unit) payload.unit_of_measurement = e.unit;
  if (e.icon) payload.icon = e.icon;
  if (e.precision !== undefined && e.component === "sensor") payload.suggested_display_precision = e.precision;
  if (e.component === "sensor" && options.expireAfterS) payload.expire_after = options.expireAfterS;
  if (e.component !== "sensor") {
    payload.command_topic = topics.command(device.key, e.key);
    // A write is not repeated by the broker after a reconnect of Home Assistant.
    payload.retain = false;
    payload.qos = 1;
  }
  if (e.options) payload.options = [...e.options];
  if (e.range) Object.assign(payload, { min: e.range.min, max: e.range.max, step: e.range.step, mode: "box" });
  return { topic: topics.discovery(e.component, device.key, e.key), payload };
}

import { registerSecret } from "../../core/redact.js";
import type { MqttOptions } from "../../service/mqtt/options.js";
import type { SectionSpec, SectionValues } from "./settings.js";

const checkUrl = (value: string): string | undefined => {
  try {
    const u = new URL(value);
    return ["mqtt:", "mqtts:", "tcp:", "ssl:", "ws:", "wss:"].includes(u.protocol)
      ? undefined
      : "is not an mqtt://, mqtts://, ws:// or wss:// URL";
  } catch {
    return "is not a URL (mqtt://host:1883)";
  }
};
const checkLevel = (value: string): string | undefined =>
  /^[^#+]+$/.test(value) && !value.endsWith("/") ? undefined : "is not a topic prefix";

/** `[mqtt]` of the config file, for `openpower serve` (docs/home-assistant.md). */
export const MQTT_SECTION: SectionSpec = {
  name: "mqtt",
  title: "MQTT / Home Assistant",
  settings: [
    {
      key: "url",
      env: ["OPENPOWER_MQTT_URL"],
      description: "broker URL; set it to publish to Home Assistant",
      example: "mqtt://127.0.0.1:1883",
      check: checkUrl,
    },
    { key: "username", env: ["OPENPOWER_MQTT_USERNAME"], description: "broker user name" },
    { key: "password", env: ["OPENPOWER_MQTT_PASSWORD"], secret: true, description: "broker password" },
    {
      key: "topicPrefix",
      env: ["OPENPOWER_MQTT_TOPIC_PREFIX"],
      description: "root of openpower's topics (default openpower)",
      check: checkLevel,
    },
    {
      key: "discoveryPrefix",
      env: ["OPENPOWER_MQTT_DISCOVERY_PREFIX"],
      description: "Home Assistant's discovery prefix (default homeassistant)",
      check: checkLevel,
    },
    {
      key: "allowControl",
      env: ["OPENPOWER_MQTT_ALLOW_CONTROL"],
      type: "boolean",
      description: "let Home Assistant change the battery mode and charge target (default false)",
    },
    {
      key: "expireAfter",
      env: ["OPENPOWER_MQTT_EXPIRE_AFTER"],
      type: "number",
      description: "seconds until Home Assistant shows a sensor as unavailable without news",
    },
  ],
};

/** The bridge's options from `[mqtt]` (and `--mqtt`, which wins for the URL); undefined when no URL is set. */
export function mqttOptionsFrom(section: SectionValues | undefined, flagUrl?: string): MqttOptions | undefined {
  const s = section ?? {};
  const url = flagUrl ?? (typeof s.url === "string" && s.url !== "" ? s.url : undefined);
  if (!url) return undefined;
  try {
    // A password written into the URL is a secret too: never logged.
    const inUrl = new URL(url).password;
    if (inUrl) registerSecret(decodeURIComponent(inUrl));
  } catch {
    // checked where it was read; --mqtt is checked by the command
  }
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return {
    url,
    username: text(s.username),
    password: text(s.password),
    topicPrefix: text(s.topicPrefix),
    discoveryPrefix: text(s.discoveryPrefix),
    allowControl: s.allowControl === true,
    expireAfterS: typeof s.expireAfter === "number" && s.expireAfter > 0 ? Math.round(s.expireAfter) : undefined,
  };
}

export { checkUrl as checkMqttUrl };

/** The `[mqtt]` settings as the service takes them (the CLI resolves them from the config file, env and flags). */
export interface MqttOptions {
  /** `mqtt://host:1883`, `mqtts://...`, `ws://...`. */
  url: string;
  username?: string;
  /** Never logged: the bridge logs the broker's host and port only. */
  password?: string;
  /** Root of openpower's own topics (states, availability, commands). Default `openpower`. */
  topicPrefix?: string;
  /** Home Assistant's discovery prefix. Default `homeassistant`. */
  discoveryPrefix?: string;
  /** Publish a `select` (battery mode) and a `number` (charge target) that write to the battery. Default false. */
  allowControl?: boolean;
  /** Seconds after which Home Assistant shows a sensor as unavailable without a new value (`expire_after`). Default none. */
  expireAfterS?: number;
  /** MQTT client id. Default `openpower-<topic prefix>`: one bridge per prefix. */
  clientId?: string;
  /** Reconnect back-off: the first wait and its cap, ms (default 1 000 and 60 000; doubled after each failed try). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export const MQTT_DEFAULTS = { topicPrefix: "openpower", discoveryPrefix: "homeassistant", allowControl: false } as const;

/** A topic level and id part that fits both discovery topics and entity ids (`[a-z0-9_]`: no "-" in an entity id), stable. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "") || "x"
  );
}

/** The broker's address for logs: scheme, host and port; never the user name or password. */
export function brokerForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ""}`;
  } catch {
    return "(unparsable url)";
  }
}

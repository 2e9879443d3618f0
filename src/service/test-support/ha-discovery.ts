/**
 * Home Assistant's MQTT discovery rules as a checker, for the bridge's tests: the topic, the keys
 * each component needs, the device block, the units each device class takes and the state classes
 * it allows. It returns every problem found (an empty list means Home Assistant takes the payload).
 */

const OBJECT = /^[a-zA-Z0-9_-]+$/;
const COMPONENTS = new Set(["sensor", "select", "number", "binary_sensor", "switch", "button"]);
const DEVICE_KEYS = new Set([
  "identifiers",
  "connections",
  "name",
  "manufacturer",
  "model",
  "model_id",
  "sw_version",
  "hw_version",
  "serial_number",
  "suggested_area",
  "configuration_url",
  "via_device",
]);

/** Units per sensor device class (the ones the bridge can use; others are reported as unknown). */
export const UNITS: Record<string, readonly string[] | "currency"> = {
  power: ["mW", "W", "kW", "MW", "GW", "TW", "BTU/h"],
  energy: ["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"],
  battery: ["%"],
  monetary: "currency",
  voltage: ["V", "mV", "µV", "kV", "MV"],
  current: ["A", "mA"],
};

/** State classes allowed per device class (absent: measurement, total and total_increasing). */
const STATE_CLASSES: Record<string, readonly string[]> = {
  power: ["measurement"],
  battery: ["measurement"],
  energy: ["total", "total_increasing"],
  monetary: ["total"],
};

const ALL_STATE_CLASSES = ["measurement", "total", "total_increasing"];

export interface Expectations {
  discoveryPrefix: string;
  /** Every state and command topic starts with it. */
  topicPrefix: string;
  availabilityTopic: string;
}

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const hasWildcard = (t: string) => /[+#]/.test(t);

export function checkDiscovery(topic: string, payload: unknown, x: Expectations): string[] {
  const problems: string[] = [];
  const bad = (what: string) => problems.push(`${topic}: ${what}`);
  const parts = topic.split("/");
  const prefixParts = x.discoveryPrefix.split("/").length;
  const rest = parts.slice(prefixParts);
  if (!topic.startsWith(`${x.discoveryPrefix}/`) || parts.at(-1) !== "config" || (rest.length !== 3 && rest.length !== 4))
    bad("not <discovery prefix>/<component>/[<node id>/]<object id>/config");
  const component = rest[0] ?? "";
  if (!COMPONENTS.has(component)) bad(`unknown component ${component}`);
  for (const level of rest.slice(1, -1))
    if (!OBJECT.test(level)) bad(`node/object id ${JSON.stringify(level)} has characters outside [a-zA-Z0-9_-]`);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return [...problems, `${topic}: payload is not a JSON object`];
  const p = payload as Record<string, unknown>;

  if (!isString(p.unique_id)) bad("unique_id missing (a device needs it)");
  if (p.name !== null && p.name !== undefined && !isString(p.name)) bad("name is not a string");
  if (
    p.default_entity_id !== undefined &&
    (typeof p.default_entity_id !== "string" || !new RegExp(`^${component}\\.[a-z0-9_]+$`).test(p.default_entity_id))
  )
    bad(`default_entity_id ${JSON.stringify(p.default_entity_id)} is not ${component}.<lower-case id>`);
  if (p.origin !== undefined && !isString((p.origin as Record<string, unknown> | null)?.name)) bad("origin without a name");

  const device = p.device as Record<string, unknown> | undefined;
  if (typeof device !== "object" || device === null) bad("device block missing");
  else {
    const ids = device.identifiers;
    if (!(Array.isArray(ids) && ids.length > 0 && ids.every(isString)) && !Array.isArray(device.connections))
      bad("device needs identifiers (a non-empty list of strings) or connections");
    for (const k of Object.keys(device)) if (!DEVICE_KEYS.has(k)) bad(`device has an unknown key ${k}`);
    for (const k of ["name", "manufacturer", "model", "sw_version", "via_device"])
      if (device[k] !== undefined && !isString(device[k])) bad(`device.${k} is not a non-empty string`);
    if (!isString(device.name)) bad("device.name missing");
  }

  if (p.availability_topic !== undefined) {
    if (p.availability !== undefined) bad("availability_topic and availability together (Home Assistant takes one)");
    if (p.availability_topic !== x.availabilityTopic)
      bad(`availability_topic ${String(p.availability_topic)} is not ${x.availabilityTopic}`);
    if ((p.payload_available ?? "online") === (p.payload_not_available ?? "offline")) bad("available and not available payloads are equal");
  }
  if (p.availability !== undefined) {
    const list = p.availability as { topic?: unknown; payload_available?: unknown; payload_not_available?: unknown }[];
    if (!Array.isArray(list) || list.length === 0) bad("availability is not a non-empty list");
    else {
      for (const a of list) {
        if (!isString(a.topic) || hasWildcard(a.topic) || !a.topic.startsWith(`${x.topicPrefix}/`))
          bad(`availability topic ${String(a.topic)} is not under ${x.topicPrefix}/`);
        if ((a.payload_available ?? "online") === (a.payload_not_available ?? "offline"))
          bad("available and not available payloads are equal");
      }
      if (!list.some((a) => a.topic === x.availabilityTopic)) bad(`availability does not include ${x.availabilityTopic} (the last will)`);
    }
    if (p.availability_mode !== undefined && !["all", "any", "latest"].includes(p.availability_mode as string))
      bad("availability_mode is not all, any or latest");
  } else if (p.availability_topic === undefined) bad("no availability topic: Home Assistant could not tell when openpower is gone");
  for (const key of ["state_topic", "command_topic", "availability_topic"]) {
    const t = p[key];
    if (t === undefined) continue;
    if (!isString(t) || hasWildcard(t)) bad(`${key} is not a topic without wildcards`);
    else if (key !== "availability_topic" && !t.startsWith(`${x.topicPrefix}/`)) bad(`${key} ${t} is outside ${x.topicPrefix}/`);
  }
  if (p.expire_after !== undefined && !(Number.isInteger(p.expire_after) && (p.expire_after as number) > 0))
    bad("expire_after is not a positive integer");

  if (component === "sensor") checkSensor(p, bad);
  if (component === "select") {
    if (!isString(p.command_topic)) bad("select needs command_topic");
    if (!(Array.isArray(p.options) && p.options.length > 0 && p.options.every(isString))) bad("select needs options (strings)");
    else if (new Set(p.options).size !== p.options.length) bad("select options repeat");
  }
  if (component === "number") {
    if (!isString(p.command_topic)) bad("number needs command_topic");
    const min = (p.min as number | undefined) ?? 1;
    const max = (p.max as number | undefined) ?? 100;
    if (!(min < max)) bad("number min is not below max");
    if (p.step !== undefined && !((p.step as number) > 0)) bad("number step is not positive");
    if (p.mode !== undefined && !["auto", "box", "slider"].includes(p.mode as string)) bad("number mode is not auto, box or slider");
  }
  return problems;
}

function checkSensor(p: Record<string, unknown>, bad: (what: string) => void): void {
  if (!isString(p.state_topic)) bad("sensor needs state_topic");
  const dc = p.device_class as string | undefined;
  const unit = p.unit_of_measurement as string | undefined;
  const sc = p.state_class as string | undefined;
  if (sc !== undefined && !ALL_STATE_CLASSES.includes(sc)) bad(`state_class ${sc} is not one of ${ALL_STATE_CLASSES.join(", ")}`);
  if (dc !== undefined) {
    const units = UNITS[dc];
    if (!units) bad(`device_class ${dc} is not one this checker knows`);
    else if (units === "currency") {
      if (!unit || !/^[A-Z]{3}$/.test(unit))
        bad(`device_class monetary needs an ISO 4217 currency code as unit, got ${JSON.stringify(unit)}`);
    } else if (!unit || !units.includes(unit)) bad(`device_class ${dc} takes ${units.join(", ")}, got ${JSON.stringify(unit)}`);
    const allowed = STATE_CLASSES[dc] ?? ALL_STATE_CLASSES;
    if (sc !== undefined && !allowed.includes(sc))
      bad(`device_class ${dc} allows state_class ${allowed.join(" or ")} (or none), got ${sc}`);
    if (dc === "energy" && sc === undefined) bad("energy without a state_class never reaches the Energy dashboard");
  }
  // A state class makes a sensor numeric: a text sensor (no unit, no device class) must not have one.
  if (sc !== undefined && dc === undefined && unit === undefined) bad("state_class on a text sensor (no unit)");
  if (
    p.suggested_display_precision !== undefined &&
    !(Number.isInteger(p.suggested_display_precision) && (p.suggested_display_precision as number) >= 0)
  )
    bad("suggested_display_precision is not a whole number >= 0");
}

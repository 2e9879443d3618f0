export { MqttBridge, type MqttBridgeDeps, type MqttBridgeEvents } from "./bridge.js";
export { type CommandOutcome, type ControlState, modeOf, MODE_INTENTS } from "./control.js";
export { discoveryMessage, Topics, uniqueId, type DeviceInfo } from "./discovery.js";
export * from "./entities.js";
export { MQTT_DEFAULTS, type MqttOptions } from "./options.js";

/**
 * The 19 AlphaESS Open API endpoints (spec §2), with the HTTP method the server enforces
 * (the wrong verb gets HTTP 405) and whether the call changes anything on the device or account.
 */
export const ENDPOINTS = {
  getEssList: { method: "GET", write: false },
  getLastPowerData: { method: "GET", write: false },
  getOneDayPowerBySn: { method: "GET", write: false },
  getOneDateEnergyBySn: { method: "GET", write: false },
  getSumDataForCustomer: { method: "GET", write: false },
  getChargeConfigInfo: { method: "GET", write: false },
  updateChargeConfigInfo: { method: "POST", write: true },
  getDisChargeConfigInfo: { method: "GET", write: false },
  updateDisChargeConfigInfo: { method: "POST", write: true },
  getTimeChargeBySn: { method: "GET", write: false },
  setTimeChargeBySn: { method: "POST", write: true },
  getVerificationCode: { method: "GET", write: false },
  bindSn: { method: "POST", write: true },
  unBindSn: { method: "POST", write: true },
  getEvChargerConfigList: { method: "GET", write: false },
  getEvChargerCurrentsBySn: { method: "GET", write: false },
  setEvChargerCurrentsBySn: { method: "POST", write: true },
  getEvChargerStatusBySn: { method: "GET", write: false },
  remoteControlEvCharger: { method: "POST", write: true },
} as const satisfies Record<string, { method: "GET" | "POST"; write: boolean }>;

export type AlphaEssEndpoint = keyof typeof ENDPOINTS;
export type AlphaEssWriteEndpoint = { [K in AlphaEssEndpoint]: (typeof ENDPOINTS)[K]["write"] extends true ? K : never }[AlphaEssEndpoint];

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as AlphaEssEndpoint[];

/**
 * Writes that change device settings. They get the client-side write cool-down by default
 * (the portal allows them "once per 24 h"; writes beyond the server's limit may return 200 and do nothing).
 */
export const SETTING_WRITES = [
  "updateChargeConfigInfo",
  "updateDisChargeConfigInfo",
  "setTimeChargeBySn",
  "setEvChargerCurrentsBySn",
] as const satisfies readonly AlphaEssWriteEndpoint[];

/**
 * The writes that go through the client-side cool-down: the setting writes (30 s by default) and
 * EV start/stop (0 by default). Binding and unbinding change the account, not the device, and never wait.
 */
export type AlphaEssCooldownEndpoint = (typeof SETTING_WRITES)[number] | "remoteControlEvCharger";

export const DEFAULT_BASE_URL = "https://openapi.alphaess.com/api";

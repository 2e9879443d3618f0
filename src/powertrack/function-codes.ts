/**
 * Hardware function codes (the `functionCode` member; `subKind` on `/api/node` hardware nodes),
 * from the Python SDK's `utils.get_hardware_type_name` and its examples README.
 *
 * Caveat: real data also shows a Pepwave cell modem with function code 31 and function id `CE0`,
 * while the SDK's table calls 31 "Data Capture" and 11 "Cell Modem". The names are labels only;
 * nothing in openpower branches on them except inverters (1), production meters (2), grid
 * meters (4) and weather stations (5).
 */
export const FUNCTION_CODES: Readonly<Record<number, { name: string; prefix: string }>> = Object.freeze({
  1: { name: "Inverter", prefix: "PV" },
  2: { name: "Production Meter", prefix: "PM" },
  3: { name: "Type 3", prefix: "T" },
  4: { name: "Grid Meter", prefix: "GM" },
  5: { name: "Weather Station", prefix: "WS" },
  6: { name: "DC Combiner", prefix: "DC" },
  9: { name: "Kiosk", prefix: "KI" },
  10: { name: "Gateway", prefix: "GW" },
  11: { name: "Cell Modem", prefix: "CE" },
  14: { name: "Camera", prefix: "CA" },
  20: { name: "Extra Meter", prefix: "EM" },
  21: { name: "DNP3 Server", prefix: "DN" },
  24: { name: "Tracker", prefix: "TR" },
  25: { name: "BESS Controller", prefix: "BC" },
  28: { name: "Data Logger", prefix: "DA" },
  31: { name: "Data Capture", prefix: "DA" },
  34: { name: "Relay", prefix: "RE" },
  37: { name: "BESS Meter", prefix: "BM" },
});

export const FUNCTION_CODE = Object.freeze({
  inverter: 1,
  productionMeter: 2,
  gridMeter: 4,
  weatherStation: 5,
  gateway: 10,
  cellModem: 11,
} as const);

/** "Inverter", "Production Meter", …, or "Type N" for a code we do not know. */
export function hardwareTypeName(functionCode: number | null | undefined): string {
  if (functionCode === null || functionCode === undefined) return "Unknown";
  return FUNCTION_CODES[functionCode]?.name ?? `Type ${functionCode}`;
}

/** Every known code with its name, one per line (the SDK's `get_function_codes_help`). */
export function functionCodesHelp(): string {
  return Object.entries(FUNCTION_CODES)
    .map(([code, { name }]) => `${code.padStart(2)}  ${name}`)
    .join("\n");
}

/**
 * Unit codes seen on `dataRegisters[].unit`, chart `series[].units` and site `capacity*Unit`.
 * Codes 2, 4, 10, 11, 39 and 57 are confirmed by their formatted values in captured responses;
 * 12 (MW) is inferred from a site whose DC capacity reads 2.623 with unit 12 while its meter is
 * ~2 000 kW.
 */
export const UNIT_CODES: Readonly<Record<number, string>> = Object.freeze({
  0: "",
  2: "V",
  4: "A",
  10: "kW",
  11: "kWh",
  12: "MW",
  39: "PF",
  57: "W/m²",
});

/** A capacity in kW from a value and its unit code (10 kW, 12 MW); null for an unknown unit. */
export function capacityToKw(value: number | null, unit: number | null | undefined): number | null {
  if (value === null) return null;
  if (unit === 10 || unit === undefined || unit === null) return value;
  if (unit === 12) return value * 1000;
  return null;
}

/**
 * Sensor tables: one row per value the inverter reports, with where it sits, how it is encoded and
 * its unit. ET and DT rows are addressed by Modbus register; ES rows by byte offset in the AA55
 * running-data payload. The tables are the single source of truth for decoding, for the typed
 * result shapes and for the simulators' encoders.
 */

/** How a value is stored. Multi-byte values are big-endian. */
export type SensorType =
  /** One register, unsigned; 0xFFFF means "undefined" (null) unless `undef` says otherwise. */
  | "u16"
  /** One register, signed. */
  | "s16"
  /** Two registers, unsigned; 0xFFFFFFFF means undefined. */
  | "u32"
  /** Two registers, signed. */
  | "s32"
  /** Four registers, unsigned; all ones means undefined. */
  | "u64"
  /** Two registers, IEEE-754 single precision. */
  | "f32"
  /** Three registers: year−2000, month, day, hour, minute, second, in the inverter's local time. */
  | "datetime"
  /** The high (first) byte of a register, unsigned. */
  | "hi8"
  /** The low (second) byte of a register, unsigned. */
  | "lo8"
  /** One byte at a byte offset (AA55 payloads), unsigned. */
  | "u8"
  /** One byte at a byte offset, signed. */
  | "s8"
  /** `bytes` bytes of ASCII (or UTF-16BE when any byte is below 0x20), trailing blanks removed. */
  | "string";

export type Unit = "V" | "A" | "W" | "var" | "VA" | "Hz" | "°C" | "kWh" | "%" | "h" | "Ah" | "mA" | "";

export interface SensorDef {
  /** The Python library's sensor id (snake_case); results use it in camelCase. */
  readonly id: string;
  readonly name: string;
  /** Modbus register (ET, DT) or byte offset in the payload (ES). */
  readonly at: number;
  readonly type: SensorType;
  /** The raw integer is divided by this (e.g. 10 for 0.1 V). Default 1. */
  readonly scale?: number;
  readonly unit: Unit;
  /** Raw values that mean "no reading"; they decode to null. Replaces the type's default sentinel. */
  readonly undef?: readonly number[];
  /** String length in bytes. */
  readonly bytes?: number;
  /** Labels of enumerated codes. */
  readonly labels?: Readonly<Record<number, string>>;
}

/** snake_case → camelCase at the type level ("e_day_exp" → "eDayExp"). */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export function camelCase(id: string): string {
  return id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The decoded value type of a sensor row. */
export type SensorValue<D extends SensorDef> = D["type"] extends "string"
  ? string
  : D["type"] extends "datetime"
    ? string | null
    : number | null;

/** The typed record a table decodes to: one camelCase key per row. */
export type SensorValues<T extends readonly SensorDef[]> = { [D in T[number] as CamelCase<D["id"]>]: SensorValue<D> };

/** Bytes a sensor occupies. */
export function sensorBytes(def: SensorDef): number {
  switch (def.type) {
    case "u8":
    case "s8":
      return 1;
    case "u16":
    case "s16":
    case "hi8":
    case "lo8":
      return 2;
    case "u32":
    case "s32":
    case "f32":
      return 4;
    case "u64":
      return 8;
    case "datetime":
      return 6;
    case "string":
      return def.bytes ?? 2;
  }
}

import { pad2 } from "../core/time/calendar-date.js";
import { f32, s16, s32, s8, u16, u32, u64 } from "./protocol/bytes.js";
import { camelCase, sensorBytes, type SensorDef } from "./registers/types.js";

/**
 * Decoding of register blocks and AA55 payloads into plain values, with scaling and the
 * "undefined" sentinels turned into null. Never throws on odd values: a sentinel or an impossible
 * date becomes null, because a monitoring poll must not fail on one bad field.
 */

/** round(a × b), or null when either is missing (string and phase powers from V × I). */
export function roundedProduct(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.round(a * b);
}

/** ASCII, or UTF-16BE when any byte is a control character (GoodWe's own rule); trailing blanks and NULs removed. */
export function decodeString(bytes: Uint8Array): string {
  const utf16 = bytes.some((b) => b < 0x20);
  const text = utf16 ? decodeUtf16be(bytes) : String.fromCharCode(...bytes);
  return text.replace(/\0/g, "").trimEnd();
}

function decodeUtf16be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(u16(bytes, i));
  return out;
}

/** 6 bytes yy-2000 mm dd hh mi ss → "YYYY-MM-DD HH:mm:ss" (wall time), or null when not a real date and time. */
export function decodeDateTime(bytes: Uint8Array, offset: number): string | null {
  const [y, mo, d, h, mi, s] = Array.from(bytes.subarray(offset, offset + 6));
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const year = 2000 + y;
  const daysInMonth = new Date(Date.UTC(year, mo, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  return `${year}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

/** Wall-time fields → the 6 bytes GoodWe stores. */
export function encodeDateTime(wall: { year: number; month: number; day: number; hour: number; minute: number; second: number }): Uint8Array {
  return Uint8Array.of(wall.year - 2000, wall.month, wall.day, wall.hour, wall.minute, wall.second);
}

const DEFAULT_UNDEF: Partial<Record<SensorDef["type"], readonly number[]>> = {
  u16: [0xffff],
  u32: [0xffffffff],
};

/** A table row prepared once: its result key, size and sentinel set. */
interface CompiledSensor {
  def: SensorDef;
  key: string;
  bytes: number;
  scale: number;
  undef: ReadonlySet<number>;
}

const compiledTables = new WeakMap<readonly SensorDef[], CompiledSensor[]>();
const compiledRows = new WeakMap<SensorDef, CompiledSensor>();

function compileOne(def: SensorDef): CompiledSensor {
  let c = compiledRows.get(def);
  if (!c) {
    c = { def, key: camelCase(def.id), bytes: sensorBytes(def), scale: def.scale ?? 1, undef: new Set(def.undef ?? DEFAULT_UNDEF[def.type] ?? []) };
    compiledRows.set(def, c);
  }
  return c;
}

function compile(table: readonly SensorDef[]): CompiledSensor[] {
  let out = compiledTables.get(table);
  if (!out) {
    out = table.map(compileOne);
    compiledTables.set(table, out);
  }
  return out;
}

/**
 * An integer divided by a power-of-ten scale is the double nearest the decimal (2542 / 10 prints
 * as 254.2), so integers need no rounding; floats are rounded to the scale's digits.
 */
function integer(raw: number, c: CompiledSensor): number | null {
  if (c.undef.has(raw)) return null;
  return c.scale === 1 ? raw : raw / c.scale;
}

function decodeCompiled(c: CompiledSensor, bytes: Uint8Array, offset: number): number | string | null {
  switch (c.def.type) {
    case "u16":
      return integer(u16(bytes, offset), c);
    case "s16":
      return integer(s16(bytes, offset), c);
    case "u32":
      return integer(u32(bytes, offset), c);
    case "s32":
      return integer(s32(bytes, offset), c);
    case "u64": {
      // Beyond 2^53 a u64 is not exact in a double; all ones (the sentinel) is detected bytewise.
      let allOnes = true;
      for (let i = 0; i < 8; i++) if (bytes[offset + i] !== 0xff) allOnes = false;
      if (allOnes && c.def.undef === undefined) return null;
      return integer(u64(bytes, offset), c);
    }
    case "f32": {
      const v = f32(bytes, offset);
      if (!Number.isFinite(v) || c.undef.has(v)) return null;
      const digits = 10 ** Math.max(3, Math.ceil(Math.log10(c.scale)));
      return Math.round((v / c.scale) * digits) / digits;
    }
    case "hi8":
    case "u8":
      return integer(bytes[offset]!, c);
    case "lo8":
      return integer(bytes[offset + 1]!, c);
    case "s8":
      return integer(s8(bytes[offset]!), c);
    case "datetime":
      return decodeDateTime(bytes, offset);
    case "string":
      return decodeString(bytes.subarray(offset, offset + c.bytes));
  }
}

/** The value of one sensor at byte `offset` of `bytes`. */
export function decodeSensor(def: SensorDef, bytes: Uint8Array, offset: number): number | string | null {
  return decodeCompiled(compileOne(def), bytes, offset);
}

/**
 * Decodes every sensor of `table` that lies inside a register block read from `firstRegister`.
 * Rows outside the block are left out (not null): the caller decides what a partial block means.
 */
export function decodeRegisterBlock(table: readonly SensorDef[], data: Uint8Array, firstRegister: number): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const c of compile(table)) {
    const offset = (c.def.at - firstRegister) * 2;
    if (offset < 0 || offset + c.bytes > data.length) continue;
    out[c.key] = decodeCompiled(c, data, offset);
  }
  return out;
}

/** Decodes every sensor of `table` addressed by byte offset in `payload` (AA55). */
export function decodePayload(table: readonly SensorDef[], payload: Uint8Array): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const c of compile(table)) {
    if (c.def.at + c.bytes > payload.length) continue;
    out[c.key] = decodeCompiled(c, payload, c.def.at);
  }
  return out;
}

/** The label of an enumerated code, or null. */
export function labelOf(def: SensorDef, code: number | string | null): string | null {
  if (typeof code !== "number" || !def.labels) return null;
  return def.labels[code] ?? null;
}

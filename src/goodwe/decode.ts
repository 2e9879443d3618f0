import { pad2 } from "../core/time/calendar-date.js";
import { f32, s16, s32, s8, toHex, u16, u32, u64 } from "./protocol/bytes.js";
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

/**
 * A text field: ASCII, or UTF-16BE when any byte is a control character (GoodWe's own rule), with
 * trailing blanks and NULs removed. A field that is not printable text that way (erased flash
 * 0xFF…, an odd-length UTF-16 field, bytes above 0x7E) reads as the lowercase hex of its bytes,
 * as the `goodwe` library shows it, so both tell a reader the same thing; all zeros read as "".
 */
export function decodeString(bytes: Uint8Array): string {
  if (bytes.every((b) => b === 0)) return "";
  const utf16 = bytes.some((b) => b < 0x20);
  const text = utf16 ? (bytes.length % 2 === 0 ? decodeUtf16be(bytes) : null) : String.fromCharCode(...bytes);
  const clean = text?.replace(/\0/g, "").trimEnd() ?? null;
  return clean !== null && PRINTABLE.test(clean) ? clean : toHex(bytes);
}

const PRINTABLE = /^[\x20-\x7e]*$/;

function decodeUtf16be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(u16(bytes, i));
  return out;
}

/** 6 bytes yy-2000 mm dd hh mi ss → "YYYY-MM-DD HH:mm:ss" (wall time), or null when not a real date and time. */
export function decodeDateTime(bytes: Uint8Array, offset: number): string | null {
  if (offset + 6 > bytes.length) return null;
  const y = bytes[offset]!;
  const mo = bytes[offset + 1]!;
  const d = bytes[offset + 2]!;
  const h = bytes[offset + 3]!;
  const mi = bytes[offset + 4]!;
  const s = bytes[offset + 5]!;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const year = 2000 + y;
  if (d > daysInMonth(year, mo)) return null;
  return `${year}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

/** Wall-time fields → the 6 bytes GoodWe stores. */
export function encodeDateTime(wall: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): Uint8Array {
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
  /** Up to two "undefined" sentinels; NaN when absent (NaN equals nothing). Cheaper than a Set per value. */
  undefA: number;
  undefB: number;
}

const compiledTables = new WeakMap<readonly SensorDef[], CompiledSensor[]>();
const compiledRows = new WeakMap<SensorDef, CompiledSensor>();

function compileOne(def: SensorDef): CompiledSensor {
  let c = compiledRows.get(def);
  if (!c) {
    const undef = def.undef ?? DEFAULT_UNDEF[def.type] ?? [];
    if (undef.length > 2) throw new Error(`sensor ${def.id}: at most two undefined sentinels are supported`);
    c = { def, key: camelCase(def.id), bytes: sensorBytes(def), scale: def.scale ?? 1, undefA: undef[0] ?? NaN, undefB: undef[1] ?? NaN };
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
  if (raw === c.undefA || raw === c.undefB) return null;
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
      if (!Number.isFinite(v) || v === c.undefA || v === c.undefB) return null;
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

/** A decoder of one block layout: the whole record from the block's bytes. */
type BlockDecoder = (bytes: Uint8Array) => Record<string, number | string | null>;

/**
 * A function that decodes every row of a block straight into one object literal. A literal gets
 * its final shape at once; adding ~90 properties one by one took half the decode time (see the
 * goodwe bench). The source is built from our own register tables only: keys JSON-quoted, row
 * indexes and byte offsets integers.
 */
function blockDecoder(rows: readonly CompiledSensor[], offsets: readonly number[]): BlockDecoder {
  // "__proto__" in a literal would set the prototype instead of a property.
  if (rows.some((c) => c.key === "__proto__")) throw new Error("a sensor id may not be __proto__");
  if (!offsets.every(Number.isSafeInteger)) throw new Error("byte offsets must be integers");
  const fields = rows.map((c, i) => `${JSON.stringify(c.key)}: d(r[${i}], b, ${offsets[i]})`);
  const make = new Function("d", "r", `return (b) => ({${fields.join(", ")}});`) as (
    d: typeof decodeCompiled,
    r: readonly CompiledSensor[],
  ) => BlockDecoder;
  return make(decodeCompiled, rows);
}

/** Prepared once per (table, block start, length): a poll decodes the same blocks again and again. */
const decoders = new WeakMap<readonly SensorDef[], Map<number, BlockDecoder>>();

/**
 * The decoder of the rows of `table` that fit a block of `length` bytes. `firstRegister`: the
 * block's first register (a row sits at (at − first) × 2 bytes), or null when rows are addressed
 * by byte offset (AA55 payloads).
 */
function decoderOf(table: readonly SensorDef[], firstRegister: number | null, length: number): BlockDecoder {
  let byBlock = decoders.get(table);
  if (!byBlock) {
    byBlock = new Map();
    decoders.set(table, byBlock);
  }
  // Registers and lengths are below 2^16, so this number names the block uniquely.
  const id = (firstRegister ?? 0x10000) * 0x10000 + length;
  let decoder = byBlock.get(id);
  if (!decoder) {
    const rows: CompiledSensor[] = [];
    const offsets: number[] = [];
    for (const c of compile(table)) {
      const offset = firstRegister === null ? c.def.at : (c.def.at - firstRegister) * 2;
      if (offset < 0 || offset + c.bytes > length) continue;
      rows.push(c);
      offsets.push(offset);
    }
    decoder = blockDecoder(rows, offsets);
    byBlock.set(id, decoder);
  }
  return decoder;
}

/**
 * Decodes every sensor of `table` that lies inside a register block read from `firstRegister`.
 * Rows outside the block are left out (not null): the caller decides what a partial block means.
 */
export function decodeRegisterBlock(
  table: readonly SensorDef[],
  data: Uint8Array,
  firstRegister: number,
): Record<string, number | string | null> {
  return decoderOf(table, firstRegister, data.length)(data);
}

/** Decodes every sensor of `table` addressed by byte offset in `payload` (AA55). */
export function decodePayload(table: readonly SensorDef[], payload: Uint8Array): Record<string, number | string | null> {
  return decoderOf(table, null, payload.length)(payload);
}

/** The label of an enumerated code, or null. */
export function labelOf(def: SensorDef, code: number | string | null): string | null {
  if (typeof code !== "number" || !def.labels) return null;
  return def.labels[code] ?? null;
}

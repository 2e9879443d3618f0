/**
 * Big-endian byte helpers shared by the framings, the decoders and the control code: GoodWe
 * registers are 16-bit words sent high byte first, and multi-register values are big-endian too.
 */

export function u16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function s16(bytes: Uint8Array, offset: number): number {
  const v = u16(bytes, offset);
  return v & 0x8000 ? v - 0x10000 : v;
}

export function u32(bytes: Uint8Array, offset: number): number {
  return u16(bytes, offset) * 0x10000 + u16(bytes, offset + 2);
}

export function s32(bytes: Uint8Array, offset: number): number {
  const v = u32(bytes, offset);
  return v >= 0x80000000 ? v - 0x100000000 : v;
}

export function u64(bytes: Uint8Array, offset: number): number {
  return u32(bytes, offset) * 0x100000000 + u32(bytes, offset + 4);
}

export function f32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, false);
}

/** One byte as a signed number (−128..127). */
export function s8(byte: number): number {
  return byte & 0x80 ? byte - 0x100 : byte;
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}

/** Register bytes → 16-bit register values (0..65535). */
export function registersOf(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(u16(bytes, i));
  return out;
}

/** 16-bit register values → their bytes (two per register, high byte first). */
export function bytesOf(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => writeU16(out, 2 * i, v));
  return out;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes of a hex string (whitespace ignored). Throws on odd length or non-hex characters. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new TypeError(`Not a hex string: ${hex.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(clean, "hex"));
}

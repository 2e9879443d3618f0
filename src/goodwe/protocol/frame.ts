/**
 * What a framing layer makes of the bytes received so far for one request: not enough yet
 * (`partial`, wait for the next datagram or TCP chunk), not an answer to this request (`invalid`,
 * e.g. a late reply to an earlier request), or a complete answer of `length` bytes.
 */
export type FrameAssessment<T> =
  | { status: "partial" }
  | { status: "invalid"; reason: string; length?: number }
  | { status: "complete"; value: T; length: number };

export const AA55_PREFIX = Object.freeze([0xaa, 0x55]);

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

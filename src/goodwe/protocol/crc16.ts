/**
 * CRC-16/Modbus (poly 0x8005 reflected = 0xA001, init 0xFFFF, no final xor), table driven.
 * GoodWe RTU frames append it low byte first; over UDP the reply's CRC covers the bytes after `AA55`.
 */

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-16/Modbus of `bytes[start, end)`. */
export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Whether the two bytes at `end` hold the CRC of `bytes[start, end)`, low byte first. */
export function hasValidCrc(bytes: Uint8Array, start: number, end: number): boolean {
  if (end + 2 > bytes.length) return false;
  const crc = crc16Modbus(bytes, start, end);
  return bytes[end] === (crc & 0xff) && bytes[end + 1] === crc >>> 8;
}

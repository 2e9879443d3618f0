import { ValidationError } from "../../core/errors/index.js";
import { assertInteger } from "../../core/units.js";
import { u16 as readU16, writeU16 } from "./bytes.js";

/**
 * The Modbus PDU shared by the RTU (UDP 8899) and TCP (502) framings: function code and fields,
 * without the unit address, CRC or MBAP header. Only the three functions GoodWe uses exist here.
 */

export const FN_READ_HOLDING = 0x03;
export const FN_WRITE_SINGLE = 0x06;
export const FN_WRITE_MULTIPLE = 0x10;

/** Largest register count one Modbus read may ask for (the PDU limit). */
export const MAX_READ_REGISTERS = 125;
/** Largest register count one write-multiple may carry. */
export const MAX_WRITE_REGISTERS = 123;

export type ModbusRequest =
  | { fn: typeof FN_READ_HOLDING; register: number; count: number }
  /** `value` is the register's 16 bits as an unsigned number 0..65535. */
  | { fn: typeof FN_WRITE_SINGLE; register: number; value: number }
  /** `values` are the registers' bytes, big-endian, two per register. */
  | { fn: typeof FN_WRITE_MULTIPLE; register: number; values: Uint8Array };

export type ModbusReply =
  | { kind: "read"; fn: typeof FN_READ_HOLDING; data: Uint8Array }
  | { kind: "writeSingle"; fn: typeof FN_WRITE_SINGLE; register: number; value: number }
  | { kind: "writeMultiple"; fn: typeof FN_WRITE_MULTIPLE; register: number; count: number }
  | { kind: "exception"; fn: number; code: number };

/** Names of the Modbus exception codes, as GoodWe firmware uses them. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: "ILLEGAL FUNCTION",
  2: "ILLEGAL DATA ADDRESS",
  3: "ILLEGAL DATA VALUE",
  4: "SLAVE DEVICE FAILURE",
  5: "ACKNOWLEDGE",
  6: "SLAVE DEVICE BUSY",
  7: "NEGATIVE ACKNOWLEDGEMENT",
  8: "MEMORY PARITY ERROR",
  10: "GATEWAY PATH UNAVAILABLE",
  11: "GATEWAY TARGET DEVICE FAILED TO RESPOND",
});

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `UNKNOWN EXCEPTION ${code}`;
}

/** Checks a request's fields; throws `ValidationError` (nothing is sent). */
export function validateRequest(request: ModbusRequest): void {
  assertInteger(request.register, "register", 0, 0xffff);
  if (request.fn === FN_READ_HOLDING) {
    assertInteger(request.count, "count", 1, MAX_READ_REGISTERS);
    assertInteger(request.register + request.count - 1, "last register", 0, 0xffff);
  } else if (request.fn === FN_WRITE_SINGLE) {
    assertInteger(request.value, "value", 0, 0xffff);
  } else {
    const n = request.values.length;
    if (n === 0 || n % 2 !== 0 || n / 2 > MAX_WRITE_REGISTERS) {
      throw new ValidationError(
        `A write-multiple carries 1 to ${MAX_WRITE_REGISTERS} registers (an even number of bytes), got ${n} bytes.`,
        { field: "values", vendor: "goodwe" },
      );
    }
    assertInteger(request.register + n / 2 - 1, "last register", 0, 0xffff);
  }
}

/** The PDU bytes of a request (function code first). */
export function encodeRequestPdu(request: ModbusRequest): Uint8Array {
  validateRequest(request);
  if (request.fn === FN_WRITE_MULTIPLE) {
    const n = request.values.length;
    const out = new Uint8Array(6 + n);
    out[0] = request.fn;
    writeU16(out, 1, request.register);
    writeU16(out, 3, n / 2);
    out[5] = n;
    out.set(request.values, 6);
    return out;
  }
  const out = new Uint8Array(5);
  out[0] = request.fn;
  writeU16(out, 1, request.register);
  writeU16(out, 3, request.fn === FN_READ_HOLDING ? request.count : request.value);
  return out;
}

/**
 * The length of a reply body that starts with the unit address at `start` (address, function and
 * fields, without CRC or headers), or null when fewer than three bytes are there to tell.
 * Returns -1 for a function code we do not speak.
 */
export function replyBodyLength(bytes: Uint8Array, start: number): number | null {
  if (bytes.length - start < 3) return null;
  const fn = bytes[start + 1]!;
  if (fn & 0x80) return 3;
  if (fn === FN_READ_HOLDING) return 3 + bytes[start + 2]!;
  if (fn === FN_WRITE_SINGLE || fn === FN_WRITE_MULTIPLE) return 6;
  return -1;
}

/**
 * Parses a reply body (`bytes[start, start + length)`, starting at the unit address) and checks it
 * answers `request`: same function, a read of exactly count×2 bytes, a write echo of the same
 * register and value (or count). Returns a reason string when it does not.
 */
export function parseReplyBody(bytes: Uint8Array, start: number, length: number, request: ModbusRequest): ModbusReply | string {
  const fn = bytes[start + 1]!;
  if (fn & 0x80) {
    if ((fn & 0x7f) !== request.fn) return `exception for function 0x${(fn & 0x7f).toString(16)}, expected 0x${request.fn.toString(16)}`;
    return { kind: "exception", fn: fn & 0x7f, code: bytes[start + 2]! };
  }
  if (fn !== request.fn) return `function 0x${fn.toString(16)}, expected 0x${request.fn.toString(16)}`;
  if (request.fn === FN_READ_HOLDING) {
    const count = bytes[start + 2]!;
    if (count !== request.count * 2) return `${count} data bytes, expected ${request.count * 2}`;
    return { kind: "read", fn: FN_READ_HOLDING, data: bytes.slice(start + 3, start + length) };
  }
  const register = readU16(bytes, start + 2);
  const field = readU16(bytes, start + 4);
  if (register !== request.register) return `echo of register ${register}, expected ${request.register}`;
  if (request.fn === FN_WRITE_SINGLE) {
    if (field !== request.value) return `echo of value ${field}, expected ${request.value}`;
    return { kind: "writeSingle", fn: FN_WRITE_SINGLE, register, value: field };
  }
  if (field !== request.values.length / 2) return `echo of count ${field}, expected ${request.values.length / 2}`;
  return { kind: "writeMultiple", fn: FN_WRITE_MULTIPLE, register, count: field };
}

// ---- server side (simulators) ----

/** Parses a request PDU at `start` (function code first); returns null when incomplete. */
export function parseRequestPdu(bytes: Uint8Array, start: number): { request: ModbusRequest; length: number } | { error: string } | null {
  if (bytes.length - start < 1) return null;
  const fn = bytes[start]!;
  if (fn === FN_READ_HOLDING || fn === FN_WRITE_SINGLE) {
    if (bytes.length - start < 5) return null;
    const register = readU16(bytes, start + 1);
    const field = readU16(bytes, start + 3);
    return { request: fn === FN_READ_HOLDING ? { fn, register, count: field } : { fn, register, value: field }, length: 5 };
  }
  if (fn === FN_WRITE_MULTIPLE) {
    if (bytes.length - start < 6) return null;
    const n = bytes[start + 5]!;
    if (bytes.length - start < 6 + n) return null;
    return { request: { fn, register: readU16(bytes, start + 1), values: bytes.slice(start + 6, start + 6 + n) }, length: 6 + n };
  }
  return { error: `unsupported function 0x${fn.toString(16)}` };
}

/** The body of a reply (unit address first), without CRC or headers. */
export function encodeReplyBody(unit: number, reply: ModbusReply): Uint8Array {
  if (reply.kind === "exception") return Uint8Array.of(unit, reply.fn | 0x80, reply.code);
  if (reply.kind === "read") {
    const out = new Uint8Array(3 + reply.data.length);
    out[0] = unit;
    out[1] = FN_READ_HOLDING;
    out[2] = reply.data.length;
    out.set(reply.data, 3);
    return out;
  }
  const out = new Uint8Array(6);
  out[0] = unit;
  out[1] = reply.fn;
  writeU16(out, 2, reply.register);
  writeU16(out, 4, reply.kind === "writeSingle" ? reply.value : reply.count);
  return out;
}

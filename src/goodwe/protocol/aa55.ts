import { u16 } from "./bytes.js";
import type { FrameAssessment } from "./frame.js";

/**
 * The legacy AA55 protocol of the ES/EM/BP families (and the device-info probe every dongle
 * answers). Request: `AA 55 C0 7F ctrl fn len payload… sum(2, BE)`; reply: `AA 55 7F C0 ctrl fn'
 * len payload… sum(2, BE)` where fn' = fn | 0x80 and the sum is a plain byte sum of everything
 * before it. A reply is `len + 9` bytes long.
 */

export const AA55_REQUEST_HEADER = Object.freeze([0xaa, 0x55, 0xc0, 0x7f]);
export const AA55_REPLY_HEADER = Object.freeze([0xaa, 0x55, 0x7f, 0xc0]);

/** Plain 16-bit byte sum of `bytes[0, end)`. */
export function aa55Checksum(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i]!;
  return sum & 0xffff;
}

export interface Aa55Command {
  /** Control code: 0x01 read, 0x02 register write, 0x03 execute. */
  control: number;
  fn: number;
  payload: Uint8Array;
}

/** The reply type a command expects: control byte, then the function with bit 7 set (0x0102 → 0x0182). */
export function expectedReplyType(command: Pick<Aa55Command, "control" | "fn">): number {
  return (command.control << 8) | (command.fn | 0x80);
}

export function encodeAa55Request(command: Aa55Command): Uint8Array {
  return frame(AA55_REQUEST_HEADER, command.control, command.fn, command.payload);
}

function frame(header: readonly number[], control: number, fn: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 255) throw new RangeError(`AA55 payload of ${payload.length} bytes exceeds 255`);
  const out = new Uint8Array(payload.length + 9);
  out.set(header, 0);
  out[4] = control & 0xff;
  out[5] = fn & 0xff;
  out[6] = payload.length;
  out.set(payload, 7);
  const sum = aa55Checksum(out, payload.length + 7);
  out[payload.length + 7] = sum >>> 8;
  out[payload.length + 8] = sum & 0xff;
  return out;
}

export interface Aa55Reply {
  /** `control << 8 | fn'`, e.g. 0x0182. */
  type: number;
  payload: Uint8Array;
}

/** Checks the bytes received so far; `expectedType` (e.g. 0x0186) rejects replies to other commands. */
export function assessAa55Reply(bytes: Uint8Array, expectedType?: number): FrameAssessment<Aa55Reply> {
  for (let i = 0; i < Math.min(4, bytes.length); i++) {
    if (bytes[i] !== AA55_REPLY_HEADER[i]) return { status: "invalid", reason: "not an AA55 reply header" };
  }
  if (bytes.length < 7) return { status: "partial" };
  const total = bytes[6]! + 9;
  if (bytes.length < total) return { status: "partial" };
  const sum = u16(bytes, total - 2);
  if (sum !== aa55Checksum(bytes, total - 2)) return { status: "invalid", reason: "checksum mismatch", length: total };
  const type = u16(bytes, 4);
  if (expectedType !== undefined && type !== expectedType) {
    return {
      status: "invalid",
      reason: `reply type ${type.toString(16).padStart(4, "0")}, expected ${expectedType.toString(16).padStart(4, "0")}`,
      length: total,
    };
  }
  return { status: "complete", value: { type, payload: bytes.slice(7, total - 2) }, length: total };
}

// ---- server side (simulators) ----

/** Parses a request; `null` while incomplete. */
export function parseAa55Request(bytes: Uint8Array): Aa55Command | { error: string } | null {
  for (let i = 0; i < Math.min(4, bytes.length); i++) {
    if (bytes[i] !== AA55_REQUEST_HEADER[i]) return { error: "not an AA55 request header" };
  }
  if (bytes.length < 7) return null;
  const total = bytes[6]! + 9;
  if (bytes.length < total) return null;
  const sum = u16(bytes, total - 2);
  if (sum !== aa55Checksum(bytes, total - 2)) return { error: "checksum mismatch" };
  return { control: bytes[4]!, fn: bytes[5]!, payload: bytes.slice(7, total - 2) };
}

export function encodeAa55Reply(control: number, fn: number, payload: Uint8Array): Uint8Array {
  return frame(AA55_REPLY_HEADER, control, fn, payload);
}

// ---- the commands the library sends ----

export const AA55_DEVICE_INFO: Aa55Command = Object.freeze({ control: 0x01, fn: 0x02, payload: new Uint8Array(0) });
export const AA55_RUNNING_DATA: Aa55Command = Object.freeze({ control: 0x01, fn: 0x06, payload: new Uint8Array(0) });
export const AA55_SETTINGS_DATA: Aa55Command = Object.freeze({ control: 0x01, fn: 0x09, payload: new Uint8Array(0) });

/** Read `count` registers from `register` (reply type 0x019A). */
export function aa55ReadRegisters(register: number, count: number): Aa55Command {
  return { control: 0x01, fn: 0x1a, payload: Uint8Array.of(register >>> 8, register & 0xff, count & 0xff) };
}

/** Write one register (reply type 0x02B9, ack payload `06`). */
export function aa55WriteRegister(register: number, value: number): Aa55Command {
  return { control: 0x02, fn: 0x39, payload: Uint8Array.of(register >>> 8, register & 0xff, 0x01, (value >>> 8) & 0xff, value & 0xff) };
}

/** Set the export limit in W (reply type 0x03B5). */
export function aa55SetExportLimit(watts: number): Aa55Command {
  return { control: 0x03, fn: 0x35, payload: Uint8Array.of((watts >>> 8) & 0xff, watts & 0xff) };
}

/** Set the work mode (reply type 0x03D9). */
export function aa55SetWorkMode(mode: number): Aa55Command {
  return { control: 0x03, fn: 0x59, payload: Uint8Array.of(mode & 0xff) };
}

/** Set the off-grid work mode (reply type 0x03B6). */
export function aa55SetOffGridWorkMode(mode: number): Aa55Command {
  return { control: 0x03, fn: 0x36, payload: Uint8Array.of(mode & 0xff) };
}

/** Charge (0x2C) or discharge (0x2D) power-limit window; reply 0x03AC / 0x03AD. */
export function aa55SetLimitPower(
  kind: "charge" | "discharge",
  startH: number,
  startM: number,
  endH: number,
  endM: number,
  percent: number,
): Aa55Command {
  return { control: 0x03, fn: kind === "charge" ? 0x2c : 0x2d, payload: Uint8Array.of(startH, startM, endH, endM, percent) };
}

import { assertInteger } from "../../core/units.js";
import { crc16Modbus, hasValidCrc } from "./crc16.js";
import type { FrameAssessment } from "./frame.js";
import {
  encodeReplyBody,
  encodeRequestPdu,
  parseReplyBody,
  parseRequestPdu,
  replyBodyLength,
  type ModbusReply,
  type ModbusRequest,
} from "./pdu.js";

/**
 * Modbus RTU as GoodWe dongles speak it on UDP 8899. Requests are plain RTU
 * (`addr fn fields crcLo crcHi`); replies carry an `AA 55` prefix and their CRC covers only the
 * bytes after it. A reply may arrive split over two datagrams: `assessRtuReply` says `partial`
 * until the whole frame is there. Bytes after the frame are ignored (seen on real dongles).
 */

/** Default comm addresses: 0xF7 for ET/EH/BT/BH and ES, 0x7F for DT/MS/NS. */
export const COMM_ADDRESS_ET = 0xf7;
export const COMM_ADDRESS_DT = 0x7f;

/** Encodes an RTU request frame: address, PDU, CRC (low byte first). */
export function encodeRtuRequest(address: number, request: ModbusRequest): Uint8Array {
  assertInteger(address, "address", 0, 0xff);
  const pdu = encodeRequestPdu(request);
  const out = new Uint8Array(pdu.length + 3);
  out[0] = address;
  out.set(pdu, 1);
  const crc = crc16Modbus(out, 0, pdu.length + 1);
  out[pdu.length + 1] = crc & 0xff;
  out[pdu.length + 2] = crc >>> 8;
  return out;
}

/** Checks the bytes received so far against the request they should answer. */
export function assessRtuReply(
  bytes: Uint8Array,
  request: ModbusRequest,
  options: { prefixed?: boolean } = {},
): FrameAssessment<ModbusReply> {
  const start = options.prefixed === false ? 0 : 2;
  if (start === 2) {
    if (bytes.length >= 1 && bytes[0] !== 0xaa) return { status: "invalid", reason: "no AA55 prefix" };
    if (bytes.length >= 2 && bytes[1] !== 0x55) return { status: "invalid", reason: "no AA55 prefix" };
  }
  const body = replyBodyLength(bytes, start);
  if (body === null) return { status: "partial" };
  if (body < 0) return { status: "invalid", reason: `unknown function code 0x${bytes[start + 1]!.toString(16)}` };
  const total = start + body + 2;
  if (bytes.length < total) return { status: "partial" };
  if (!hasValidCrc(bytes, start, start + body)) return { status: "invalid", reason: "CRC mismatch", length: total };
  const reply = parseReplyBody(bytes, start, body, request);
  if (typeof reply === "string") return { status: "invalid", reason: reply, length: total };
  return { status: "complete", value: reply, length: total };
}

// ---- server side (simulators) ----

/** Parses an RTU request (no prefix); `null` while incomplete. */
export function parseRtuRequest(bytes: Uint8Array): { address: number; request: ModbusRequest } | { error: string } | null {
  if (bytes.length < 2) return null;
  const parsed = parseRequestPdu(bytes, 1);
  if (parsed === null) return null;
  if ("error" in parsed) return parsed;
  const end = 1 + parsed.length;
  if (bytes.length < end + 2) return null;
  if (!hasValidCrc(bytes, 0, end)) return { error: "CRC mismatch" };
  return { address: bytes[0]!, request: parsed.request };
}

/** Encodes a reply frame, with the `AA55` prefix GoodWe's UDP dongles add unless `prefixed` is false. */
export function encodeRtuReply(address: number, reply: ModbusReply, options: { prefixed?: boolean } = {}): Uint8Array {
  const body = encodeReplyBody(address, reply);
  const start = options.prefixed === false ? 0 : 2;
  const out = new Uint8Array(start + body.length + 2);
  if (start) {
    out[0] = 0xaa;
    out[1] = 0x55;
  }
  out.set(body, start);
  const crc = crc16Modbus(body);
  out[start + body.length] = crc & 0xff;
  out[start + body.length + 1] = crc >>> 8;
  return out;
}

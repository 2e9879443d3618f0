import type { FrameAssessment } from "./frame.js";
import { assertInteger } from "../../core/units.js";
import { u16 as readU16, writeU16 } from "./bytes.js";
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
 * Modbus/TCP (port 502): `tx(2) protocol=0(2) length(2) unit(1)` then the PDU, no CRC, no AA55.
 * GoodWe firmware gets the length field wrong, so replies are framed by their content (a read
 * ends at bytecount + 9) and the length field is never used to cut the stream.
 */

export const MBAP_HEADER_LENGTH = 7;

export function encodeMbapRequest(transactionId: number, unit: number, request: ModbusRequest): Uint8Array {
  assertInteger(unit, "unit", 0, 0xff);
  const pdu = encodeRequestPdu(request);
  const out = new Uint8Array(MBAP_HEADER_LENGTH + pdu.length);
  writeU16(out, 0, transactionId & 0xffff);
  writeU16(out, 2, 0);
  writeU16(out, 4, pdu.length + 1);
  out[6] = unit;
  out.set(pdu, MBAP_HEADER_LENGTH);
  return out;
}

export interface MbapReply {
  transactionId: number;
  reply: ModbusReply;
}

/**
 * Frames the first reply in `bytes` (a TCP stream buffer). A complete frame whose transaction id
 * is not `transactionId` comes back `invalid` with its `length`, so the caller can drop it and
 * look at what follows (a late answer to a request that already timed out).
 */
export function assessMbapReply(bytes: Uint8Array, transactionId: number, request: ModbusRequest): FrameAssessment<MbapReply> {
  if (bytes.length < MBAP_HEADER_LENGTH + 2) return { status: "partial" };
  const body = replyBodyLength(bytes, 6);
  if (body === null) return { status: "partial" };
  if (body < 0) return { status: "invalid", reason: `unknown function code 0x${bytes[7]!.toString(16)}` };
  const total = 6 + body;
  if (bytes.length < total) return { status: "partial" };
  const tx = readU16(bytes, 0);
  if (readU16(bytes, 2) !== 0) return { status: "invalid", reason: "protocol id is not 0", length: total };
  if (tx !== (transactionId & 0xffff))
    return { status: "invalid", reason: `transaction ${tx}, expected ${transactionId & 0xffff}`, length: total };
  const reply = parseReplyBody(bytes, 6, body, request);
  if (typeof reply === "string") return { status: "invalid", reason: reply, length: total };
  return { status: "complete", value: { transactionId: tx, reply }, length: total };
}

// ---- server side (simulators) ----

/** Parses the first request in a TCP stream buffer, framed by the (client-written, trustworthy) length field. */
export function parseMbapRequest(
  bytes: Uint8Array,
): { transactionId: number; unit: number; request: ModbusRequest; length: number } | { error: string; length: number } | null {
  if (bytes.length < MBAP_HEADER_LENGTH + 1) return null;
  const length = 6 + readU16(bytes, 4);
  if (bytes.length < length) return null;
  const parsed = parseRequestPdu(bytes.subarray(0, length), MBAP_HEADER_LENGTH);
  if (parsed === null) return { error: "request shorter than its PDU", length };
  if ("error" in parsed) return { error: parsed.error, length };
  return { transactionId: readU16(bytes, 0), unit: bytes[6]!, request: parsed.request, length };
}

/** Encodes a reply with an MBAP header. `lengthField` overrides the length (to imitate GoodWe's bug). */
export function encodeMbapReply(
  transactionId: number,
  unit: number,
  reply: ModbusReply,
  options: { lengthField?: number } = {},
): Uint8Array {
  const body = encodeReplyBody(unit, reply);
  const out = new Uint8Array(6 + body.length);
  writeU16(out, 0, transactionId & 0xffff);
  writeU16(out, 2, 0);
  writeU16(out, 4, options.lengthField ?? body.length);
  out.set(body, 6);
  return out;
}

import { ES_SETTINGS_BASE, ES_SETTINGS_COUNT, ES_REG } from "./profiles.js";
import type { RegisterMap } from "./register-map.js";
import type { Aa55Command } from "../../goodwe/protocol/aa55.js";
import { registersOf, u16 } from "../../goodwe/protocol/bytes.js";
import { FN_READ_HOLDING, FN_WRITE_MULTIPLE, FN_WRITE_SINGLE, type ModbusReply, type ModbusRequest } from "../../goodwe/protocol/pdu.js";

/** Faults of the simulated inverter (all off by default). */
export interface GoodWeFaults {
  /** Send each reply in two parts (UDP datagrams / TCP writes): true splits in the middle, a number after that many bytes. */
  splitReplies?: boolean | number;
  /** Ignore the next N requests entirely (nothing processed, nothing answered): read retries recover. */
  dropRequests?: number;
  /** Process the next N requests but send no reply (a write then takes effect unconfirmed). */
  dropReplies?: number;
  /** Delay every reply by this many ms of real time. */
  delayMs?: number;
  /** Reads of more registers than this are refused (goodwe#146). */
  maxReadRegisters?: number;
  /** How an over-long read is refused: "ignore" (no answer, as the EHB-AU does) or "exception" (code 3). Default "ignore". */
  maxReadBehaviour?: "ignore" | "exception";
  /** Answer nothing at all ("busy", or a SolarGo app holding the dongle). */
  busy?: boolean;
  /** Acknowledge writes without storing them (a read-back then shows the old value). */
  ignoreWrites?: boolean;
  /** The MBAP length field of TCP replies (GoodWe firmware gets it wrong); default the correct length. */
  mbapLengthField?: number;
  /** Append 3 garbage bytes after each UDP reply (seen on real dongles). */
  trailingGarbage?: boolean;
  /** Send a stray datagram (a late answer to something else) before each UDP reply. */
  strayDatagram?: boolean;
  /** Send only the first N bytes of each reply (the rest never comes). */
  truncateReplies?: number;
  /** Flip a bit in the last data byte of each reply (its CRC/checksum then fails). */
  corruptReplies?: boolean;
  /** TCP: process the next N requests, then close the connection instead of replying (a write takes, unconfirmed). */
  closeAfterProcessing?: number;
  /** TCP: close the connection on the next N requests without processing them (a write never arrives). */
  closeBeforeProcessing?: number;
}

/** Registers whose writes are checked, with the accepted range (others accept any 16-bit value). */
const RANGES: Record<number, [number, number]> = {
  47000: [0, 5],
  47511: [1, 12],
  45356: [0, 100],
  45358: [0, 100],
  47509: [0, 1],
};

export interface ModbusHandlerContext {
  map: RegisterMap;
  unit: number;
  faults: GoodWeFaults;
  peakShaving: boolean;
  /** Called before a read, to bring live registers up to date. */
  refresh(): void;
  /** Called after a write that changed registers. */
  written(first: number, count: number): void;
}

/**
 * Answers a Modbus request against the register map: exception 2 for a register that does not
 * exist (or is read-only, for writes), exception 3 for a value out of range; null when the
 * request is ignored (another unit address, an over-long read with the "ignore" fault).
 */
export function handleModbus(ctx: ModbusHandlerContext, unit: number, request: ModbusRequest): ModbusReply | null {
  if (unit !== ctx.unit) return null;
  const exception = (code: number): ModbusReply => ({ kind: "exception", fn: request.fn, code });
  if (request.fn === FN_READ_HOLDING) {
    const max = ctx.faults.maxReadRegisters;
    if (max !== undefined && request.count > max) return ctx.faults.maxReadBehaviour === "exception" ? exception(3) : null;
    if (request.count < 1 || request.count > 125) return exception(3);
    ctx.refresh();
    const data = ctx.map.read(request.register, request.count);
    if (!(data instanceof Uint8Array)) return exception(2);
    return { kind: "read", fn: FN_READ_HOLDING, data };
  }
  const values: number[] = request.fn === FN_WRITE_SINGLE ? [request.value] : registersOf(request.values);
  for (let i = 0; i < values.length; i++) {
    const register = request.register + i;
    if (!ctx.map.isWritable(register)) return exception(2);
    const range = RANGES[register];
    if (range && (values[i]! < range[0] || values[i]! > range[1])) return exception(3);
    if (register === 47000 && values[i] === 4 && !ctx.peakShaving) return exception(3);
  }
  if (!ctx.faults.ignoreWrites) {
    values.forEach((v, i) => ctx.map.set(request.register + i, v));
    ctx.written(request.register, values.length);
  }
  return request.fn === FN_WRITE_SINGLE
    ? { kind: "writeSingle", fn: FN_WRITE_SINGLE, register: request.register, value: request.value }
    : { kind: "writeMultiple", fn: FN_WRITE_MULTIPLE, register: request.register, count: values.length };
}

export interface Aa55HandlerContext {
  map: RegisterMap;
  faults: GoodWeFaults;
  deviceInfo: Uint8Array;
  /** The running-data payload (live or recorded); null for families that only answer the probe. */
  running: (() => Uint8Array) | null;
  written(): void;
}

/** What a command answers: reply control, function and payload; null = ignored. */
export interface Aa55Answer {
  control: number;
  fn: number;
  payload: Uint8Array;
}

const ACK = Uint8Array.of(0x06);

/**
 * Answers an AA55 command. ES units answer everything below; other families only the device
 * info probe (`0102`). Reply types follow the `goodwe` library (including its 03B6/03B7 for
 * 0326/0327, which may differ on real units).
 */
export function handleAa55(ctx: Aa55HandlerContext, command: Aa55Command): Aa55Answer | null {
  const { control, fn, payload } = command;
  const reply = (rc: number, rf: number, p: Uint8Array): Aa55Answer => ({ control: rc, fn: rf, payload: p });
  if (control === 0x01 && fn === 0x02) return reply(0x01, 0x82, ctx.deviceInfo);
  if (!ctx.running) return null;
  const store = (register: number, value: number) => {
    if (!ctx.faults.ignoreWrites) ctx.map.set(register, value);
  };
  if (control === 0x01) {
    if (fn === 0x06) return reply(0x01, 0x86, ctx.running());
    if (fn === 0x09) {
      const data = ctx.map.read(ES_SETTINGS_BASE, ES_SETTINGS_COUNT);
      return data instanceof Uint8Array ? reply(0x01, 0x89, data) : null;
    }
    if (fn === 0x1a && payload.length === 3) {
      const data = ctx.map.read(u16(payload, 0), payload[2]!);
      return data instanceof Uint8Array ? reply(0x01, 0x9a, data) : null;
    }
    return null;
  }
  if (control === 0x02 && fn === 0x39 && payload.length >= 3) {
    const register = u16(payload, 0);
    const words = registersOf(payload.subarray(3));
    for (let i = 0; i < words.length; i++) if (!ctx.map.isWritable(register + i)) return null;
    words.forEach((w, i) => store(register + i, w));
    ctx.written();
    return reply(0x02, 0xb9, ACK);
  }
  if (control === 0x03) {
    switch (fn) {
      case 0x35: // export limit, W
        if (payload.length !== 2) return null;
        store(ES_REG.exportLimit, u16(payload, 0));
        ctx.written();
        return reply(0x03, 0xb5, ACK);
      case 0x59: // work mode
        if (payload.length !== 1 || payload[0]! > 3) return null;
        store(ES_REG.workMode, payload[0]!);
        ctx.written();
        return reply(0x03, 0xd9, ACK);
      case 0x36:
        return reply(0x03, 0xb6, ACK);
      case 0x26:
        return reply(0x03, 0xb6, ACK);
      case 0x27:
        return reply(0x03, 0xb7, ACK);
      case 0x2c:
        return reply(0x03, 0xac, ACK);
      case 0x2d:
        return reply(0x03, 0xad, ACK);
      case 0x1d:
        return reply(0x03, 0x9d, ACK);
      case 0x02:
        return reply(0x03, 0x82, ACK);
      default:
        return null;
    }
  }
  return null;
}

import { ModbusExceptionError } from "../errors.js";
import { toHex } from "../protocol/bytes.js";
import { assessMbapReply, encodeMbapRequest } from "../protocol/mbap.js";
import { FN_READ_HOLDING, FN_WRITE_MULTIPLE, FN_WRITE_SINGLE, type ModbusReply, type ModbusRequest } from "../protocol/pdu.js";
import { assessRtuReply, encodeRtuRequest } from "../protocol/rtu.js";
import type { Exchange } from "./types.js";

export interface LinkCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Retries for reads (writes are never retried). */
  retries?: number;
}

export interface ModbusLinkOptions {
  /** Comm address: 0xF7 (ET, ES) or 0x7F (DT). */
  address: number;
  timeoutMs: number;
  retries: number;
}

/**
 * Modbus register access to one inverter over an exchange: RTU frames (with the AA55-prefixed
 * replies) on UDP, MBAP frames with the exchange's transaction ids on TCP. Reads are retried on
 * timeout; writes are sent once, and a timeout on a write says the outcome is unknown.
 */
export class ModbusLink {
  readonly exchange: Exchange;
  readonly address: number;
  readonly timeoutMs: number;
  readonly retries: number;

  constructor(exchange: Exchange, options: ModbusLinkOptions) {
    this.exchange = exchange;
    this.address = options.address;
    this.timeoutMs = options.timeoutMs;
    this.retries = options.retries;
  }

  /** Reads `count` (1..125) registers from `register`; returns their bytes, big-endian. */
  async readRegisters(register: number, count: number, options: LinkCallOptions = {}): Promise<Uint8Array> {
    const reply = await this.call({ fn: FN_READ_HOLDING, register, count }, `read ${register}×${count}`, false, options);
    if (reply.kind !== "read") throw new Error("unreachable: a read answered by a write echo");
    return reply.data;
  }

  /** Writes one register (`value` 0..65535, the register's 16 bits). */
  async writeRegister(register: number, value: number, options: LinkCallOptions = {}): Promise<void> {
    await this.call({ fn: FN_WRITE_SINGLE, register, value }, `write ${register} ← ${value}`, true, options);
  }

  /** Writes consecutive registers from `register` with `values` (two bytes per register). */
  async writeRegisters(register: number, values: Uint8Array, options: LinkCallOptions = {}): Promise<void> {
    await this.call(
      { fn: FN_WRITE_MULTIPLE, register, values },
      `write ${register}..${register + values.length / 2 - 1} ← ${toHex(values)}`,
      true,
      options,
    );
  }

  close(): Promise<void> {
    return this.exchange.close();
  }

  private async call(request: ModbusRequest, operation: string, write: boolean, options: LinkCallOptions): Promise<ModbusReply> {
    const build =
      this.exchange.kind === "tcp"
        ? (tx: number) => ({
            frame: encodeMbapRequest(tx, this.address, request),
            assess: (bytes: Uint8Array) => {
              const result = assessMbapReply(bytes, tx, request);
              return result.status === "complete"
                ? { status: "complete" as const, value: result.value.reply, length: result.length }
                : result;
            },
          })
        : rtuRequest(encodeRtuRequest(this.address, request), request);
    const { value } = await this.exchange.request(build, {
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      retries: write ? 0 : (options.retries ?? this.retries),
      write,
      operation,
      signal: options.signal,
    });
    if (value.kind === "exception") {
      throw new ModbusExceptionError({
        vendor: "goodwe",
        operation,
        exceptionCode: value.code,
        functionCode: value.fn,
        register: request.register,
        count: request.fn === FN_READ_HOLDING ? request.count : undefined,
      });
    }
    // parseReplyBody has checked the function, and that a read carries exactly count × 2 bytes.
    return value;
  }
}

function rtuRequest(frame: Uint8Array, request: ModbusRequest) {
  const assess = (bytes: Uint8Array) => assessRtuReply(bytes, request);
  return () => ({ frame, assess });
}

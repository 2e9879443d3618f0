import { toHex } from "../protocol/bytes.js";
import { assessAa55Reply, encodeAa55Request, expectedReplyType, type Aa55Command, type Aa55Reply } from "../protocol/aa55.js";
import type { Exchange } from "./types.js";
import type { LinkCallOptions } from "./modbus-link.js";

/**
 * AA55 commands to an ES/EM/BP inverter (or the device-info probe to any dongle) over UDP.
 * Read commands (control 0x01) are retried on timeout; control commands (0x02 writes, 0x03
 * executes) are sent once.
 */
export class Aa55Link {
  readonly exchange: Exchange;
  readonly timeoutMs: number;
  readonly retries: number;

  constructor(exchange: Exchange, options: { timeoutMs: number; retries: number }) {
    this.exchange = exchange;
    this.timeoutMs = options.timeoutMs;
    this.retries = options.retries;
  }

  /** Sends a command and returns the reply payload. `replyType` overrides the expected reply type. */
  async send(command: Aa55Command, options: LinkCallOptions & { replyType?: number } = {}): Promise<Aa55Reply> {
    const frame = encodeAa55Request(command);
    const type = options.replyType ?? expectedReplyType(command);
    const write = command.control !== 0x01;
    const { value } = await this.exchange.request(() => ({ frame, assess: (bytes: Uint8Array) => assessAa55Reply(bytes, type) }), {
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      retries: write ? 0 : (options.retries ?? this.retries),
      write,
      operation: `AA55 ${toHex(frame.subarray(4, 6))}`,
      signal: options.signal,
    });
    return value;
  }
}

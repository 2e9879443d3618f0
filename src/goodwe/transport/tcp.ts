import { Socket } from "node:net";
import { abortReason } from "../../core/clock.js";
import { ConnectionError, TimeoutError } from "../../core/errors/index.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { concat } from "../protocol/bytes.js";
import type { FrameAssessment } from "../protocol/frame.js";
import { Lock } from "../../core/lock.js";
import type { Exchange, ExchangeOptions, ExchangeRequestOptions, ExchangeResult, RequestBuilder } from "./types.js";

/**
 * Request/response over one TCP connection (Modbus/TCP, port 502), opened on first use and kept.
 * Replies are cut from the stream by content (the assess function), and a complete frame that
 * answers something else (a late reply with an old transaction id) is dropped by its length.
 * After a timeout the connection is closed, since the stream position is no longer known. The MBAP
 * transaction id counts here, per connection owner, so that every request on the connection (from
 * any comm address) gets a fresh id.
 */
export class TcpExchange implements Exchange {
  readonly kind = "tcp" as const;
  readonly host: string;
  readonly port: number;
  private readonly logger: Logger;
  private readonly lock = new Lock();
  private socket: Socket | null = null;
  private buffer: Uint8Array = new Uint8Array(0);
  private waiter: {
    assess: (bytes: Uint8Array) => FrameAssessment<unknown>;
    done: (r: { value: unknown } | { error: unknown }) => void;
  } | null = null;
  private transactionId = 0;

  constructor(options: ExchangeOptions) {
    this.host = options.host;
    this.port = options.port;
    this.logger = options.logger ?? silentLogger;
  }

  request<T>(build: RequestBuilder<T>, options: ExchangeRequestOptions): Promise<ExchangeResult<T>> {
    return this.lock.run(() => this.exchange(build, options));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket && !socket.destroyed) await new Promise<void>((resolve) => socket.end(() => resolve()));
    socket?.destroy();
  }

  private connect(timeoutMs: number, signal: AbortSignal | undefined): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise<Socket>((resolve, reject) => {
      const socket = new Socket();
      const fail = (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        socket.destroy();
        reject(error);
      };
      const onAbort = () => fail(abortReason(signal!));
      const timer = setTimeout(
        () =>
          fail(
            new ConnectionError(
              `Could not connect to the GoodWe inverter at ${this.host}:${this.port} (TCP) within ${timeoutMs} ms. Check the address and that Modbus/TCP is enabled on the dongle.`,
              {
                vendor: "goodwe",
                sent: false,
                systemCode: "ETIMEDOUT",
              },
            ),
          ),
        timeoutMs,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      socket.once("error", (error: NodeJS.ErrnoException) =>
        fail(
          new ConnectionError(
            `Could not connect to the GoodWe inverter at ${this.host}:${this.port} (TCP): ${error.message}. ${error.code === "ECONNREFUSED" ? "Nothing listens there: older dongles speak UDP on port 8899, not Modbus/TCP." : "Check the address."}`,
            { vendor: "goodwe", sent: false, systemCode: error.code, cause: error },
          ),
        ),
      );
      socket.connect(this.port, this.host, () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        socket.removeAllListeners("error");
        socket.setNoDelay(true);
        socket.on("data", (chunk: Buffer) => this.onData(chunk));
        socket.on("error", (error) => this.onClosed(socket, error));
        socket.on("close", () => this.onClosed(socket, null));
        this.socket = socket;
        this.buffer = new Uint8Array(0);
        resolve(socket);
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = concat(this.buffer, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (!this.waiter) {
      // Nobody is waiting: whatever this is (a late reply) can only confuse the next request.
      this.buffer = new Uint8Array(0);
      return;
    }
    for (;;) {
      const result = this.waiter.assess(this.buffer);
      if (result.status === "partial") return;
      if (result.status === "complete") {
        this.buffer = this.buffer.slice(result.length);
        this.waiter.done({ value: result.value });
        return;
      }
      this.logger.debug("goodwe: dropped TCP bytes", { reason: result.reason });
      if (result.length === undefined) {
        this.buffer = new Uint8Array(0);
        return;
      }
      this.buffer = this.buffer.slice(result.length);
    }
  }

  private onClosed(socket: Socket, error: Error | null): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.waiter?.done({
      error: new ConnectionError(
        `The GoodWe inverter at ${this.host}:${this.port} closed the TCP connection${error ? ` (${error.message})` : ""}.`,
        {
          vendor: "goodwe",
          sent: true,
          systemCode: (error as NodeJS.ErrnoException | null)?.code,
          cause: error ?? undefined,
        },
      ),
    });
  }

  private nextTransactionId(): number {
    this.transactionId = this.transactionId >= 0xfffe ? 1 : this.transactionId + 1;
    return this.transactionId;
  }

  private async exchange<T>(build: RequestBuilder<T>, options: ExchangeRequestOptions): Promise<ExchangeResult<T>> {
    const { signal } = options;
    const attempts = 1 + Math.max(0, options.retries);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      let socket: Socket;
      try {
        socket = await this.connect(options.timeoutMs, signal);
      } catch (error) {
        // Nothing was sent; a write may be attempted again, but we leave that to the caller.
        lastError = error;
        if (signal?.aborted || attempt === attempts) throw error;
        continue;
      }
      const { frame, assess } = build(this.nextTransactionId());
      const outcome = await new Promise<{ value: unknown } | { error: unknown } | { timeout: true }>((resolve) => {
        const finish = (result: { value: unknown } | { error: unknown } | { timeout: true }) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.waiter = null;
          resolve(result);
        };
        const onAbort = () => finish({ error: abortReason(signal!) });
        const timer = setTimeout(() => finish({ timeout: true }), options.timeoutMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        this.buffer = new Uint8Array(0);
        this.waiter = { assess, done: finish };
        socket.write(frame);
      });
      if ("value" in outcome) return { value: outcome.value as T, attempts: attempt };
      if ("timeout" in outcome) {
        socket.destroy();
        if (this.socket === socket) this.socket = null;
        if (options.write) {
          throw new TimeoutError(
            `The GoodWe inverter at ${this.host}:${this.port} did not confirm ${options.operation} within ${options.timeoutMs} ms: it is unknown whether it took the change. Read the setting back before trying again.`,
            { vendor: "goodwe", operation: options.operation, timeoutMs: options.timeoutMs, retryable: false },
          );
        }
        lastError = new TimeoutError(
          `No answer from the GoodWe inverter at ${this.host}:${this.port} (Modbus/TCP) to ${options.operation} after ${attempt} attempt(s) of ${options.timeoutMs} ms. ` +
            "Some units only answer smaller blocks (set maxRegistersPerRead); another client may be holding the connection.",
          { vendor: "goodwe", operation: options.operation, timeoutMs: options.timeoutMs },
        );
        continue;
      }
      if (signal?.aborted) throw outcome.error;
      lastError = outcome.error;
      if (options.write) throw outcome.error;
    }
    throw lastError;
  }
}

import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import { abortReason } from "../../core/clock.js";
import { ConnectionError, TimeoutError } from "../../core/errors/index.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { concat, toHex } from "../protocol/bytes.js";
import { Lock } from "../../core/lock.js";
import type { Exchange, ExchangeOptions, ExchangeRequestOptions, ExchangeResult, RequestBuilder } from "./types.js";

/**
 * Request/response over UDP to one inverter (port 8899): one request in flight at a time (a
 * lock), a per-attempt timeout, bounded retries (reads only), and reassembly of a reply that
 * arrives split over several datagrams. Datagrams that do not answer the current request (garbage,
 * bad CRC, another function, length or write echo) are ignored and counted for the error message.
 * The reply's unit address is not checked, as the `goodwe` library does not check it.
 *
 * An RTU reply carries no transaction id and a read's reply does not name its register, so a late
 * answer to an abandoned attempt would pass for the answer to the next read of the same length.
 * After an attempt that got no answer (timeout, abort) the socket is therefore replaced: the new
 * one has a new source port, and the late reply goes nowhere (as the Python library, which opens
 * a socket per request). Timeouts run on real time: the network does not follow a simulated clock.
 */
export class UdpExchange implements Exchange {
  readonly kind = "udp" as const;
  readonly host: string;
  readonly port: number;
  private readonly logger: Logger;
  private readonly lock = new Lock();
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private onMessage: ((msg: Buffer) => void) | null = null;
  private onError: ((error: Error) => void) | null = null;

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
    this.connecting = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private connect(): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = createSocket({ type: isIP(this.host) === 6 ? "udp6" : "udp4" });
      const fail = (error: Error) => {
        socket.close();
        this.connecting = null;
        reject(
          new ConnectionError(
            `Cannot reach the GoodWe inverter at ${this.host}:${this.port} over UDP (${error.message}). Check the host name or IP address.`,
            {
              vendor: "goodwe",
              sent: false,
              systemCode: (error as NodeJS.ErrnoException).code,
              cause: error,
            },
          ),
        );
      };
      socket.once("error", fail);
      socket.connect(this.port, this.host, () => {
        socket.off("error", fail);
        // Only the current socket reports: one being discarded may still hold a late datagram.
        socket.on("message", (msg) => this.socket === socket && this.onMessage?.(msg));
        socket.on("error", (error) => this.socket === socket && this.onError?.(error));
        socket.unref();
        this.socket = socket;
        this.connecting = null;
        resolve(socket);
      });
    });
    return this.connecting;
  }

  /** Closes a socket whose last request went unanswered, so that its late reply reaches nobody. */
  private discard(socket: Socket): void {
    if (this.socket !== socket) return; // close() got there first
    this.socket = null;
    socket.close();
  }

  private async exchange<T>(build: RequestBuilder<T>, options: ExchangeRequestOptions): Promise<ExchangeResult<T>> {
    const { signal } = options;
    const attempts = 1 + Math.max(0, options.retries);
    const ignored: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const socket = await this.connect();
      const { frame, assess } = build(0);
      const outcome = await new Promise<{ value: T } | { timeout: true } | { error: unknown }>((resolve) => {
        let partial: Uint8Array | null = null;
        const finish = (result: { value: T } | { timeout: true } | { error: unknown }) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.onMessage = null;
          this.onError = null;
          resolve(result);
        };
        const onAbort = () => finish({ error: abortReason(signal!) });
        const timer = setTimeout(() => finish({ timeout: true }), options.timeoutMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        this.onMessage = (msg) => {
          const received = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
          let bytes = partial ? concat(partial, received) : received;
          let result = assess(bytes);
          if (result.status === "invalid" && partial) {
            // The fragment we held was not the start of this reply after all; try the datagram alone.
            bytes = received;
            result = assess(bytes);
          }
          if (result.status === "complete") {
            finish({ value: result.value });
          } else if (result.status === "partial") {
            partial = bytes.slice();
          } else {
            partial = null;
            ignored.push(result.reason);
            this.logger.debug("goodwe: ignored datagram", {
              operation: options.operation,
              reason: result.reason,
              bytes: toHex(received).slice(0, 80),
            });
          }
        };
        this.onError = (error) => finish({ error });
        try {
          socket.send(frame, (error) => {
            if (error) finish({ error });
          });
        } catch (error) {
          finish({ error }); // the socket was closed under us (close() during the request)
        }
      });
      if ("value" in outcome) return { value: outcome.value, attempts: attempt };
      if ("timeout" in outcome || signal?.aborted) this.discard(socket);
      if ("error" in outcome) {
        if (signal?.aborted) throw outcome.error;
        const error = outcome.error as NodeJS.ErrnoException;
        const refused = error.code === "ECONNREFUSED";
        // A refused datagram (ICMP port unreachable) was processed by nobody: safe to say "not sent".
        const wrapped = new ConnectionError(
          `The GoodWe inverter at ${this.host}:${this.port} refused ${options.operation} (${error.message}). ${refused ? "Nothing listens on that UDP port: check the port (8899 for UDP dongles, 502 for Modbus/TCP)." : "Check the network."}`,
          { vendor: "goodwe", operation: options.operation, sent: !refused, systemCode: error.code, cause: error },
        );
        if (options.write || attempt === attempts) throw wrapped;
        continue;
      }
      this.logger.debug("goodwe: UDP attempt timed out", { operation: options.operation, attempt, of: attempts });
    }
    const seen = ignored.length > 0 ? ` ${ignored.length} datagram(s) did not answer it (last: ${ignored[ignored.length - 1]}).` : "";
    if (options.write) {
      throw new TimeoutError(
        `The GoodWe inverter at ${this.host}:${this.port} did not confirm ${options.operation} within ${options.timeoutMs} ms: it is unknown whether it took the change. Read the setting back before trying again.${seen}`,
        { vendor: "goodwe", operation: options.operation, timeoutMs: options.timeoutMs, retryable: false },
      );
    }
    throw new TimeoutError(
      `No answer from the GoodWe inverter at ${this.host}:${this.port} (UDP) to ${options.operation} after ${attempts} attempt(s) of ${options.timeoutMs} ms.${seen} ` +
        'Check the address; Kit-20/LAN 2.0 dongles need port 502 (Modbus/TCP), and Kit-20 "Cyber Security" dongles speak DTLS, which openpower does not (GoodWeInverter.connect() and discover() report them); some units only answer smaller blocks (set maxRegistersPerRead); and another app (SolarGo, Home Assistant) may be holding the dongle.',
      { vendor: "goodwe", operation: options.operation, timeoutMs: options.timeoutMs },
    );
  }
}

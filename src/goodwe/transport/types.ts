import type { Logger } from "../../core/logger.js";
import type { FrameAssessment } from "../protocol/frame.js";

/** One attempt's bytes and the check its answer must pass. */
export interface FramedRequest<T> {
  frame: Uint8Array;
  assess: (bytes: Uint8Array) => FrameAssessment<T>;
}

/** Builds one attempt's frame; `transactionId` is the MBAP transaction id on TCP (0 on UDP). */
export type RequestBuilder<T> = (transactionId: number) => FramedRequest<T>;

/** Options of one request/response exchange. */
export interface ExchangeRequestOptions {
  /** Per-attempt time limit, ms. */
  timeoutMs: number;
  /** Further attempts after the first (reads only: writes pass 0). */
  retries: number;
  /** Whether the request changes the device: shapes the error message on timeout. */
  write: boolean;
  /** For errors and logs, e.g. "read 35100×125". */
  operation: string;
  signal?: AbortSignal;
}

export interface ExchangeResult<T> {
  value: T;
  /** Attempts made (1 when the first succeeded). */
  attempts: number;
}

/** A request/response channel to one inverter (UDP socket or TCP connection). */
export interface Exchange {
  readonly kind: "udp" | "tcp";
  readonly host: string;
  readonly port: number;
  /**
   * Sends `build(transactionId).frame` and resolves with the first complete answer its `assess`
   * accepts. Each attempt is built afresh: TCP passes a new MBAP transaction id, UDP passes 0.
   */
  request<T>(build: RequestBuilder<T>, options: ExchangeRequestOptions): Promise<ExchangeResult<T>>;
  close(): Promise<void>;
}

export interface ExchangeOptions {
  host: string;
  port: number;
  logger?: Logger;
}

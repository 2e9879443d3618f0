import { systemClock, type Clock } from "../core/clock.js";
import type { ClientOptions } from "../core/client-options.js";
import { ApiError, ConfigurationError, ConnectionError, TimeoutError } from "../core/errors/index.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { assertTimeZone, systemTimeZone } from "../core/time/zoned.js";
import { familyFromSerial } from "./detect.js";
import { discover, DISCOVERY_PORT, dtlsNotSupported } from "./discovery.js";
import { decodeEsDeviceInfo } from "./families/es.js";
import { AA55_DEVICE_INFO } from "./protocol/aa55.js";
import { COMM_ADDRESS_DT, COMM_ADDRESS_ET } from "./protocol/rtu.js";
import { Aa55Link } from "./transport/aa55-link.js";
import { ModbusLink } from "./transport/modbus-link.js";
import { TcpExchange } from "./transport/tcp.js";
import type { Exchange } from "./transport/types.js";
import { UdpExchange } from "./transport/udp.js";
import type { Family } from "./types.js";

/** Connecting to an inverter: options, the socket, the dongle probe and family detection. */

export const DEFAULT_UDP_PORT = 8899;
export const DEFAULT_TCP_PORT = 502;

/**
 * Options of a local inverter. Of the common `ClientOptions` it uses `timeoutMs` (per attempt,
 * 1..600000, default 1000), `retry` (reads only: `limit` 0..10 retries after a timeout, default 3
 * on UDP and 1 on TCP, at once since the dongle answers or not; `false` for none), `logger` and
 * `clock`; the HTTP ones (`fetch`, `userAgent`, `maxResponseBytes`, `rateLimit`) do not apply.
 */
export interface GoodWeInverterOptions extends ClientOptions {
  /** The dongle's (or RS-485 gateway's) host name or IP address. */
  host: string;
  /** Default 8899 (UDP). Pass 502 for Modbus/TCP dongles (WiFi/LAN Kit 2.0, Kit-20). */
  port?: number;
  /** "tcp" when `port` is 502, else "udp", unless given. */
  transport?: "udp" | "tcp";
  /** Skip detection when known. */
  family?: Family;
  /** Modbus comm address (unit id) 0..255; default 0xF7 (ET, ES) or 0x7F (DT). */
  commAddress?: number;
  /** Largest register block per read (1..125). Some units (e.g. GW5K-EHB-AU) ignore 125-register reads. Default 125. */
  maxRegistersPerRead?: number;
  /**
   * When a read of more than 60 registers times out or is refused, repeat it in 60-register chunks
   * and keep that size (costs one timeout the first time). Default true.
   */
  adaptiveChunking?: boolean;
  /** The inverter's IANA time zone: its clock and timestamps are local wall time. Default: this machine's zone. */
  timeZone?: string;
  /** On UDP, ask the dongle's discovery port while connecting, to report a DTLS dongle at once. Default true. */
  probeDongle?: boolean;
  /** Discovery port for that probe. Default 48899. */
  discoveryPort?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  transport: "udp" | "tcp";
  timeoutMs: number;
  retries: number;
  maxRegistersPerRead: number;
  timeZone: string;
  clock: Clock;
  logger: Logger;
  probeDongle: boolean;
  discoveryPort: number;
  commAddress: number | undefined;
}

export function resolveOptions(options: GoodWeInverterOptions): ResolvedOptions {
  if (typeof options.host !== "string" || options.host.trim() === "")
    throw new ConfigurationError("host must be the inverter dongle's host name or IP address.", { setting: "host", vendor: "goodwe" });
  const port = options.port ?? DEFAULT_UDP_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigurationError(`port must be 1..65535, got ${String(options.port)}.`, { setting: "port", vendor: "goodwe" });
  const transport = options.transport ?? (port === DEFAULT_TCP_PORT ? "tcp" : "udp");
  if (transport !== "udp" && transport !== "tcp")
    throw new ConfigurationError(`transport must be "udp" or "tcp", got ${JSON.stringify(transport)}.`, {
      setting: "transport",
      vendor: "goodwe",
    });
  const maxRegistersPerRead = options.maxRegistersPerRead ?? 125;
  if (!Number.isInteger(maxRegistersPerRead) || maxRegistersPerRead < 1 || maxRegistersPerRead > 125) {
    throw new ConfigurationError(`maxRegistersPerRead must be 1..125, got ${String(options.maxRegistersPerRead)}.`, {
      setting: "maxRegistersPerRead",
      vendor: "goodwe",
    });
  }
  const timeoutMs = options.timeoutMs ?? 1000;
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 1 && timeoutMs <= 600_000)) {
    throw new ConfigurationError(`timeoutMs must be 1..600000 ms, got ${String(options.timeoutMs)}.`, {
      setting: "timeoutMs",
      vendor: "goodwe",
    });
  }
  const retries = options.retry === false ? 0 : (options.retry?.limit ?? (transport === "udp" ? 3 : 1));
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ConfigurationError(`retry.limit must be a whole number 0..10, got ${String(retries)}.`, {
      setting: "retry",
      vendor: "goodwe",
    });
  }
  const commAddress = options.commAddress;
  if (commAddress !== undefined && (!Number.isInteger(commAddress) || commAddress < 0 || commAddress > 0xff)) {
    throw new ConfigurationError(
      `commAddress must be a Modbus unit address 0..255 (0xF7 for ET/ES, 0x7F for DT), got ${String(commAddress)}.`,
      { setting: "commAddress", vendor: "goodwe" },
    );
  }
  return {
    host: options.host.trim(),
    port,
    transport,
    timeoutMs,
    retries,
    maxRegistersPerRead,
    timeZone: assertTimeZone(options.timeZone ?? systemTimeZone(), "timeZone"),
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    probeDongle: options.probeDongle ?? true,
    discoveryPort: options.discoveryPort ?? DISCOVERY_PORT,
    commAddress,
  };
}

export function createExchange(options: ResolvedOptions): Exchange {
  const base = { host: options.host, port: options.port, logger: options.logger };
  return options.transport === "udp" ? new UdpExchange(base) : new TcpExchange(base);
}

/**
 * Runs `task`; on UDP, meanwhile asks the dongle's discovery port what it is. A DTLS dongle
 * aborts the task at once with a clear error; any other answer (or none) lets the task run.
 */
export async function withDongleProbe<T>(
  options: ResolvedOptions,
  outer: AbortSignal | undefined,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (options.transport !== "udp" || !options.probeDongle) return task(outer ?? new AbortController().signal);
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  const probeController = new AbortController();
  let dtlsError: Error | null = null;
  const probe = discover({
    address: options.host,
    port: options.discoveryPort,
    timeoutMs: options.timeoutMs * 2,
    first: true,
    signal: probeController.signal,
  })
    .then((replies) => {
      const dtls = replies.find((r) => r.kind === "dtls");
      if (dtls) {
        dtlsError = dtlsNotSupported(dtls, options.host);
        controller.abort(dtlsError);
      }
    })
    .catch(() => undefined);
  try {
    return await task(controller.signal);
  } catch (error) {
    if (dtlsError) throw dtlsError;
    throw error;
  } finally {
    outer?.removeEventListener("abort", onOuter);
    probeController.abort();
    await probe;
  }
}

/** Finds the family: the AA55 probe's serial tag on UDP, else ET, then DT, then ES device info. */
export async function detectFamily(exchange: Exchange, options: ResolvedOptions, signal: AbortSignal): Promise<Family> {
  const probeOptions = { signal, retries: Math.min(1, options.retries) };
  const link = (address: number) =>
    new ModbusLink(exchange, { address, timeoutMs: options.timeoutMs, retries: Math.min(1, options.retries) });
  const failures: Array<{ probe: string; error: Error }> = [];
  let aa55Answered = false;
  if (exchange.kind === "udp") {
    try {
      const aa55 = new Aa55Link(exchange, { timeoutMs: options.timeoutMs, retries: Math.min(1, options.retries) });
      const reply = await aa55.send(AA55_DEVICE_INFO, probeOptions);
      aa55Answered = true;
      const family = familyFromSerial(decodeEsDeviceInfo(reply.payload).serialNumber);
      if (family) return family;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      failures.push({ probe: "AA55 probe", error: error as Error });
    }
  }
  for (const [family, address, register, count] of [
    ["ET", options.commAddress ?? COMM_ADDRESS_ET, 35000, 33],
    ["DT", options.commAddress ?? COMM_ADDRESS_DT, 30001, 40],
  ] as const) {
    try {
      await link(address).readRegisters(register, count, probeOptions);
      return family;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      failures.push({ probe: family, error: error as Error });
    }
  }
  // Only the legacy family answers AA55 and neither Modbus map.
  if (aa55Answered) return "ES";
  const tried = `Tried: ${failures.map((f) => `${f.probe}: ${f.error.message}`).join(" | ")}`;
  const where = `${options.host}:${options.port} (${options.transport})`;
  if (failures.some((f) => f.error instanceof TimeoutError)) {
    throw new TimeoutError(
      `No GoodWe inverter family answered at ${where}. Check the address and port (8899 UDP for classic dongles, 502 for Modbus/TCP), or pass family explicitly. ${tried}`,
      {
        vendor: "goodwe",
        operation: "connect",
        timeoutMs: options.timeoutMs,
      },
    );
  }
  if (failures.every((f) => f.error instanceof ConnectionError)) {
    const sent = failures.some((f) => (f.error as ConnectionError).sent);
    throw new ConnectionError(
      `Cannot reach a GoodWe inverter at ${where}: ${sent ? "the connection failed" : "nothing listens there"}. Check the address and port (8899 UDP for classic dongles, 502 for Modbus/TCP). ${tried}`,
      {
        vendor: "goodwe",
        operation: "connect",
        sent,
        systemCode: (failures[failures.length - 1]!.error as ConnectionError).systemCode,
        cause: failures[failures.length - 1]!.error,
      },
    );
  }
  // Something answered, but refused both register maps (Modbus exceptions) or sent malformed replies.
  throw new ApiError(
    `The device at ${where} answered but is neither an ET nor a DT GoodWe inverter at comm address ${options.commAddress === undefined ? "0xF7 (ET) or 0x7F (DT)" : `0x${options.commAddress.toString(16).toUpperCase()}`}. Pass family (and commAddress) explicitly. ${tried}`,
    {
      vendor: "goodwe",
      operation: "connect",
      code: "family-not-detected",
      retryable: false,
      cause: failures[failures.length - 1]!.error,
    },
  );
}

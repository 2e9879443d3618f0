import type { Clock } from "../../core/clock.js";
import { TimeoutError } from "../../core/errors/index.js";
import { ModbusExceptionError } from "../errors.js";
import { parseLocalTimestamp } from "../../core/time/zoned.js";
import { camelCase, type SensorDef } from "../registers/types.js";
import type { Aa55Link } from "../transport/aa55-link.js";
import type { LinkCallOptions, ModbusLink } from "../transport/modbus-link.js";
import type { Labels } from "../types.js";
import { labelOf } from "../decode.js";

/** What a family driver needs from the inverter handle. */
export interface DriverContext {
  /** Modbus register access (RTU over UDP, or Modbus/TCP). */
  link: ModbusLink;
  /** AA55 commands on the same UDP socket; null over TCP. */
  aa55: Aa55Link | null;
  /** Largest block one read asks for; bigger blocks are read in chunks. Lowered by adaptive chunking. */
  maxRegistersPerRead: number;
  /** When a large read times out or is refused (exception 3/4), fall back to 60-register chunks, and keep them once they work. */
  adaptiveChunking: boolean;
  /** The inverter's IANA time zone (its clock and timestamps are local wall time). */
  timeZone: string;
  clock: Clock;
  /** The inverter's serial number once known, else its host (the `device` of write results). */
  device(): string;
}

/** The chunk size adaptive chunking falls back to. */
export const SAFE_CHUNK = 60;

/**
 * Reads `count` registers from `register` in chunks of at most `maxRegistersPerRead`. Some units
 * never answer (or refuse) 125-register reads (goodwe#146): with adaptive chunking, such a read is
 * repeated in chunks of 60, and the smaller size is kept for this inverter once that works (a
 * unit that answers nothing at all keeps its block size).
 */
export async function readBlock(ctx: DriverContext, register: number, count: number, options: LinkCallOptions = {}): Promise<Uint8Array> {
  const chunk = Math.max(1, Math.min(125, Math.floor(ctx.maxRegistersPerRead)));
  if (count <= chunk && count > SAFE_CHUNK && ctx.adaptiveChunking) {
    try {
      return await ctx.link.readRegisters(register, count, options);
    } catch (error) {
      const refused = error instanceof ModbusExceptionError && (error.exceptionCode === 3 || error.exceptionCode === 4);
      if (options.signal?.aborted || !(error instanceof TimeoutError || refused)) throw error;
      const data = await readChunks(ctx, register, count, SAFE_CHUNK, options);
      ctx.maxRegistersPerRead = Math.min(ctx.maxRegistersPerRead, SAFE_CHUNK);
      return data;
    }
  }
  if (count <= chunk) return ctx.link.readRegisters(register, count, options);
  return readChunks(ctx, register, count, chunk, options);
}

async function readChunks(
  ctx: DriverContext,
  register: number,
  count: number,
  chunk: number,
  options: LinkCallOptions,
): Promise<Uint8Array> {
  const out = new Uint8Array(count * 2);
  for (let done = 0; done < count; done += chunk) {
    const n = Math.min(chunk, count - done);
    out.set(await ctx.link.readRegisters(register + done, n, options), done * 2);
  }
  return out;
}

/** Labels of every enumerated sensor in `values`. */
export function labelsOf(table: readonly SensorDef[], values: object): Labels {
  const out: Labels = {};
  for (const def of table) {
    if (!def.labels) continue;
    const key = camelCase(def.id);
    if (key in values) out[key] = labelOf(def, (values as Record<string, number | null>)[key] ?? null);
  }
  return out;
}

/** The inverter's local timestamp as an instant, or `fallback` when it has none or it is not valid. */
export function observedAtOf(timestamp: string | null | undefined, timeZone: string, fallback: Date): Date {
  if (!timestamp) return fallback;
  return parseLocalTimestamp(timestamp, timeZone) ?? fallback;
}

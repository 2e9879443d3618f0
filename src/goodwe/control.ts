import { ConnectionError, OpenPowerError, TimeoutError } from "../core/errors/index.js";
import type { Clock } from "../core/clock.js";
import type { ApplyResult, WriteResult } from "../model/types.js";
import { bytesOf, registersOf } from "./protocol/bytes.js";
import type { ModbusLink } from "./transport/modbus-link.js";

/** Options of every control method. */
export interface ControlOptions {
  /** Report what would be written without sending anything. */
  dryRun?: boolean;
  /** Read each setting back after writing it and report whether the inverter took it. Default true. */
  verify?: boolean;
  signal?: AbortSignal;
}

/** GoodWe's part of a write result: the registers (or AA55 command) written. */
export interface GoodWeWriteDetail {
  /** First register written (Modbus), or null for an AA55 command. */
  register: number | null;
  /** The 16-bit register values written (0..65535 each), or null for an AA55 command. */
  values: number[] | null;
  /** The AA55 command payload, hex, for legacy (ES) commands. */
  aa55?: string;
  /** No answer came (a timeout, a broken connection): the read-back decided `sent` and `taken`. */
  inDoubt?: boolean;
}

/**
 * What a control method did: the model's `ApplyResult` (one `WriteResult` per register write, in
 * order, GoodWe registers in `detail`), with the operation's documented side effects and warnings.
 */
export interface ControlResult extends ApplyResult<GoodWeWriteDetail> {
  operation: string;
  /** What the operation changes besides the named setting (documented GoodWe behaviour). */
  sideEffects: string[];
  warnings: string[];
}

/** Where control writes go and whose they are. */
export interface WriteTarget {
  link: ModbusLink;
  clock: Clock;
  /** The inverter's serial number once known, else its host. */
  device(): string;
}

/** One write while it is performed (internal; reported as a `WriteResult`). */
export interface RegisterWrite {
  /** "register 47000", "registers 47511..47512", or "AA55 0359" for legacy commands. */
  target: string;
  description: string;
  /** First register written (Modbus), or null for an AA55 command. */
  register: number | null;
  /** The 16-bit register values written (0..65535 each), or null for an AA55 command. */
  values: number[] | null;
  /** The AA55 payload, hex, for legacy commands. */
  payload?: string;
  /** The setting before the write, when it was read. */
  before?: unknown;
  /** The setting the write asks for, in the caller's units (e.g. a DoD fraction); `values` are the raw registers. */
  after: unknown;
  /**
   * Whether the write reached the inverter: true when it answered (or a read-back shows the new
   * value), false when nothing was sent, null when unknown (no answer came, or the connection broke,
   * after the request may have left, and reading back did not settle it).
   */
  sent: boolean | null;
  /** The request may have left but no answer came (a timeout, a broken connection): the read-back decides. */
  inDoubt?: boolean;
  /** Whether reading back showed the change; null when not verified or not verifiable (command registers). */
  taken: boolean | null;
  /** What was read back: raw register values, to compare with `values` (AA55 commands: the setting, as `after`). */
  readBack?: unknown;
  /** Why the write failed or is in doubt. */
  error?: string;
}

/** The model's write results of performed register writes. */
export function toControlResult(
  operation: string,
  dryRun: boolean,
  writes: RegisterWrite[],
  notes: { sideEffects?: string[]; warnings?: string[] },
  device: string,
  at: number,
): ControlResult {
  const results = writes.map((w): WriteResult<GoodWeWriteDetail> => {
    const written = w.values === null ? w.after : w.values.length === 1 ? w.values[0] : w.values;
    const before = w.before ?? null;
    return {
      write: {
        target: w.target,
        description: w.description,
        before,
        after: w.after,
        changes:
          w.before !== undefined && JSON.stringify(w.before) === JSON.stringify(w.after)
            ? []
            : [{ field: w.target, before, after: w.after }],
        constraints: [],
        payload: w.register === null ? { aa55: w.payload ?? null } : { register: w.register, values: w.values },
      },
      sent: w.sent,
      taken: w.taken,
      ...(w.readBack !== undefined ? { readBack: w.readBack } : {}),
      ...(w.taken === false && w.readBack !== undefined ? { mismatches: [{ field: w.target, before: written, after: w.readBack }] } : {}),
      ...(w.error ? { error: w.error } : {}),
      detail: {
        register: w.register,
        values: w.values,
        ...(w.payload !== undefined ? { aa55: w.payload } : {}),
        ...(w.inDoubt ? { inDoubt: true } : {}),
      },
    };
  });
  // In a dry run the steps exist only once every argument passed validation: that is ok.
  // A lost reply that the read-back confirmed keeps its note in `error` but is ok.
  const ok = dryRun || results.every((r) => r.sent === true && r.taken !== false);
  return {
    vendor: "goodwe",
    device,
    appliedAt: new Date(at),
    dryRun,
    results,
    ok,
    operation,
    sideEffects: notes.sideEffects ?? [],
    warnings: notes.warnings ?? [],
  };
}

/** A Modbus write to perform, with how to check it. */
export interface WriteStep {
  description: string;
  register: number;
  /** 16-bit values; one value is sent as a write-single (0x06), more as a write-multiple (0x10). */
  values: number[];
  /**
   * "registers": read the same registers back and compare (the default);
   * "none": a command register the inverter resets itself (e.g. 47533), not verifiable.
   * A function receives the registers read back and decides.
   */
  verify?: "registers" | "none" | ((readBack: number[]) => boolean);
  before?: unknown;
  after?: unknown;
  /** Force write-multiple even for a single register (GoodWe's EMS block is written with 0x10). */
  multiple?: boolean;
}

function targetOf(step: WriteStep): string {
  return step.values.length === 1 ? `register ${step.register}` : `registers ${step.register}..${step.register + step.values.length - 1}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Performs writes in order, never retrying one, reading each back (unless `verify: false`), and
 * stopping at the first write that fails or does not take. A write that times out is in doubt:
 * it is read back, and only a read-back that shows the new value lets the sequence go on.
 */
export async function executeWrites(
  target: WriteTarget,
  operation: string,
  steps: WriteStep[],
  options: ControlOptions,
  notes: { sideEffects?: string[]; warnings?: string[] } = {},
): Promise<ControlResult> {
  const verify = options.verify ?? true;
  const writes: RegisterWrite[] = steps.map((step) => ({
    target: targetOf(step),
    description: step.description,
    register: step.register,
    values: [...step.values],
    before: step.before,
    after: step.after ?? (step.values.length === 1 ? step.values[0] : [...step.values]),
    sent: false,
    taken: null,
  }));
  const { link } = target;
  const done = () => toControlResult(operation, options.dryRun ?? false, writes, notes, target.device(), target.clock.now());
  if (options.dryRun) return done();

  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const write = writes[i]!;
    let inDoubt = false;
    try {
      if (step.values.length === 1 && !step.multiple) await link.writeRegister(step.register, step.values[0]!, { signal: options.signal });
      else await link.writeRegisters(step.register, bytesOf(step.values), { signal: options.signal });
      write.sent = true;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      write.error = messageOf(error);
      if (error instanceof TimeoutError || (error instanceof ConnectionError && error.sent)) {
        // No answer (UDP timeout, TCP connection broken): it may have arrived. Read back to find out.
        write.sent = null;
        write.inDoubt = true;
        inDoubt = true;
      } else if (error instanceof ConnectionError) {
        write.sent = false;
        return done();
      } else if (error instanceof OpenPowerError) {
        // The inverter answered with an exception: it was sent and refused.
        write.sent = true;
        write.taken = false;
        return done();
      } else {
        throw error;
      }
    }
    const mode = step.verify ?? "registers";
    if ((verify || inDoubt) && mode !== "none") {
      try {
        const readBack = registersOf(await link.readRegisters(step.register, step.values.length, { signal: options.signal }));
        write.readBack = readBack.length === 1 ? readBack[0] : readBack;
        write.taken = typeof mode === "function" ? mode(readBack) : readBack.every((v, k) => v === step.values[k]);
        // The new value read back proves the write arrived.
        if (inDoubt && write.taken) write.sent = true;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        write.taken = null;
        write.error = `${write.error ? `${write.error} ` : ""}Reading back failed: ${messageOf(error)}`;
        if (inDoubt) return done();
        continue;
      }
      if (write.taken === false) {
        write.error ??= `Read back ${JSON.stringify(write.readBack)}, expected ${JSON.stringify(step.values.length === 1 ? step.values[0] : step.values)}: the inverter did not take the change.`;
        return done();
      }
    } else if (inDoubt) {
      // A command register cannot be read back: the outcome stays unknown, so stop here.
      return done();
    }
  }
  return done();
}

import { ConnectionError, OpenPowerError, TimeoutError } from "../core/errors/index.js";
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

/** One write a control method performs (or would perform, in a dry run). */
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

export interface ControlResult {
  operation: string;
  dryRun: boolean;
  writes: RegisterWrite[];
  /** What the operation changes besides the named setting (documented GoodWe behaviour). */
  sideEffects: string[];
  warnings: string[];
  /** True when every write was sent and none was read back different; in a dry run, that every write passed its checks (as the model's `ApplyResult.ok`). */
  ok: boolean;
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

function target(step: WriteStep): string {
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
  link: ModbusLink,
  operation: string,
  steps: WriteStep[],
  options: ControlOptions,
  notes: { sideEffects?: string[]; warnings?: string[] } = {},
): Promise<ControlResult> {
  const verify = options.verify ?? true;
  const writes: RegisterWrite[] = steps.map((step) => ({
    target: target(step),
    description: step.description,
    register: step.register,
    values: [...step.values],
    before: step.before,
    after: step.after ?? (step.values.length === 1 ? step.values[0] : [...step.values]),
    sent: false,
    taken: null,
  }));
  const result: ControlResult = {
    operation,
    dryRun: options.dryRun ?? false,
    writes,
    sideEffects: notes.sideEffects ?? [],
    warnings: notes.warnings ?? [],
    ok: false,
  };
  if (options.dryRun) {
    // The steps exist only once every argument passed validation: a dry run that gets here is ok.
    result.ok = true;
    return result;
  }

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
        return result;
      } else if (error instanceof OpenPowerError) {
        // The inverter answered with an exception: it was sent and refused.
        write.sent = true;
        write.taken = false;
        return result;
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
        if (inDoubt) return result;
        continue;
      }
      if (write.taken === false) {
        write.error ??= `Read back ${JSON.stringify(write.readBack)}, expected ${JSON.stringify(step.values.length === 1 ? step.values[0] : step.values)}: the inverter did not take the change.`;
        return result;
      }
    } else if (inDoubt) {
      // A command register cannot be read back: the outcome stays unknown, so stop here.
      return result;
    }
  }
  result.ok = writes.every((w) => w.sent === true && w.taken !== false);
  return result;
}

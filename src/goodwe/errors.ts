import { ApiError } from "../core/errors/index.js";
import type { ErrorDetails } from "../core/errors/index.js";
import { exceptionName } from "./protocol/pdu.js";

/**
 * The inverter answered with a Modbus exception (function code with bit 7 set). Code 2, ILLEGAL
 * DATA ADDRESS, is how firmware says a register does not exist on this model or version (the
 * library uses it to probe for features); 3 means the value was refused; 6 means busy.
 */
export class ModbusExceptionError extends ApiError {
  static {
    this.prototype.name = "ModbusExceptionError";
  }
  /** The Modbus exception code (1..11). */
  readonly exceptionCode: number;
  /** The function that failed (3 read, 6 write one, 16 write many). */
  readonly functionCode: number;
  /** The first register of the request. */
  readonly register: number;
  /** Registers asked for (reads), when known. */
  readonly count: number | undefined;

  constructor(details: ErrorDetails & { exceptionCode: number; functionCode: number; register: number; count?: number }) {
    const name = exceptionName(details.exceptionCode);
    const read = details.functionCode === 3;
    const what = read
      ? `reading register ${details.register}${details.count && details.count > 1 ? ` (${details.count} registers)` : ""}`
      : `writing register ${details.register}`;
    // A refused read has no value to blame: units that refuse big blocks answer 3 or 4 (goodwe#146).
    const advice =
      details.exceptionCode === 2
        ? "This model or firmware does not have that register."
        : read && (details.exceptionCode === 3 || details.exceptionCode === 4)
          ? "Some units refuse large blocks: set a smaller maxRegistersPerRead (e.g. 30)."
          : details.exceptionCode === 3
            ? "The inverter refused the value; check its allowed range for this model."
            : details.exceptionCode === 6
              ? "The inverter is busy; try again in a few seconds."
              : "Check the register and the inverter's state.";
    super(`The GoodWe inverter rejected ${what}: ${name} (Modbus exception ${details.exceptionCode}). ${advice}`, {
      ...details,
      code: `modbus-${details.exceptionCode}`,
      vendorMessage: name,
      retryable: details.exceptionCode === 6,
    });
    this.exceptionCode = details.exceptionCode;
    this.functionCode = details.functionCode;
    this.register = details.register;
    this.count = details.count;
  }
}

/** Whether an error says "no such register" (Modbus exception 2). */
export function isIllegalAddress(error: unknown): boolean {
  return error instanceof ModbusExceptionError && error.exceptionCode === 2;
}

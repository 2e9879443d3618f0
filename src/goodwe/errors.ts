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

  constructor(details: ErrorDetails & { exceptionCode: number; functionCode: number; register: number }) {
    const name = exceptionName(details.exceptionCode);
    const what = details.functionCode === 3 ? `reading register ${details.register}` : `writing register ${details.register}`;
    const advice =
      details.exceptionCode === 2
        ? "This model or firmware does not have that register."
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
  }
}

/** Whether an error says "no such register" (Modbus exception 2). */
export function isIllegalAddress(error: unknown): boolean {
  return error instanceof ModbusExceptionError && error.exceptionCode === 2;
}

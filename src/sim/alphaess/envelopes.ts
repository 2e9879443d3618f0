/**
 * Bodies exactly as the AlphaESS Open API sends them (spec §3): the envelope with key order
 * `code, msg, expMsg, data, extra`, the short `{code, msg}` of authentication failures, and the
 * Spring Boot error body of HTTP 404/405.
 */

/** The message the live service sends for each code (English account). */
export const SIM_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  200: "Success",
  6001: "Parameter error",
  6002: "The SN is not bound to the user",
  6003: "You have bound this SN!",
  6004: "CheckCode error",
  6005: "This appId is not bound to the SN",
  6006: "Timestamp error",
  6007: "Sign check error",
  6008: "Set failed",
  6009: "The request timestamp is not within the validity period",
  6010: "Sign is empty",
  6011: "timestamp is empty",
  6012: "AppId is empty",
  6016: "Data does not exist or has been deleted",
  6017: "No operation permissions",
  6026: "internal error",
  6029: "operation failed",
  6038: "system sn does not exist",
  6042: "system offline",
  6046: "The verification code is incorrect or expired",
  6053: "The request was too fast, please try again later",
  10001: "Parameter Error",
});

export interface Envelope {
  code: number;
  msg: string;
  expMsg: string | null;
  data: unknown;
  extra: null;
}

export function success(data: unknown = null): Envelope {
  return { code: 200, msg: "Success", expMsg: null, data, extra: null };
}

export function failure(code: number, msg?: string, expMsg: string | null = null): Envelope {
  return { code, msg: msg ?? SIM_MESSAGES[code] ?? "error", expMsg, data: null, extra: null };
}

/** Authentication failures carry only `code` and `msg`. */
export function shortFailure(code: number, msg?: string): { code: number; msg: string } {
  return { code, msg: msg ?? SIM_MESSAGES[code] ?? "error" };
}

/** Spring Boot's default error body: `{"timestamp":"2026-08-04T10:43:44.424+00:00","status":405,...}`. */
export function springError(status: 404 | 405 | 400, path: string, nowMs: number): Record<string, unknown> {
  const error = status === 404 ? "Not Found" : status === 405 ? "Method Not Allowed" : "Bad Request";
  return { timestamp: new Date(nowMs).toISOString().replace("Z", "+00:00"), status, error, path };
}

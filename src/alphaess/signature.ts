import { createHash } from "node:crypto";

/**
 * AlphaESS request signing (spec §1): every request carries `appId`, `timeStamp` (Unix seconds,
 * 10 digits) and `sign` = lower-case hex SHA-512 of `appId + appSecret + timeStamp`, plain
 * concatenation in that order. The signature must use the exact timestamp string that is sent,
 * and the server rejects timestamps more than 300 s from its own clock (code 6009 live).
 */

/** The signature for one timestamp string. */
export function alphaEssSign(appId: string, appSecret: string, timeStamp: string): string {
  return createHash("sha512").update(`${appId}${appSecret}${timeStamp}`, "utf8").digest("hex");
}

/** Unix seconds as the decimal string the API expects (never milliseconds). */
export function alphaEssTimestamp(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}

/** The three authentication headers for a request made at `nowMs`. */
export function alphaEssAuthHeaders(appId: string, appSecret: string, nowMs: number): { appId: string; timeStamp: string; sign: string } {
  const timeStamp = alphaEssTimestamp(nowMs);
  return { appId, timeStamp, sign: alphaEssSign(appId, appSecret, timeStamp) };
}

/** The window the server accepts between its clock and the request timestamp, in seconds. */
export const SIGNATURE_WINDOW_S = 300;

import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
  type OpenPowerError,
} from "../core/errors/index.js";
import { vendorMessageOf } from "../core/http/http-errors.js";
import type { PreparedRequest, TransportResponse } from "../core/http/types.js";
import { excerpt } from "../core/validation.js";
import { AlphaEssClockSkewError } from "./errors.js";
import { SIGNATURE_WINDOW_S } from "./signature.js";

export const VENDOR = "alphaess";

/** How long to wait before asking an offline (6042) system again. */
export const OFFLINE_RETRY_AFTER_MS = 5 * 60_000;

/**
 * What each AlphaESS return code means and how we treat it (spec §3). Branch on the code only:
 * `msg` is localised (a 6005 came back in Chinese on an English account).
 *
 * - `permanent` codes are never retried: the same request will fail the same way.
 * - `transient` codes (6026, 6042, 6053) may succeed later; reads are retried with back-off,
 *   writes never are.
 */
export interface ReturnCodeInfo {
  /** The portal's wording (or the observed one for undocumented codes). */
  meaning: string;
  errorClass: "api" | "authentication" | "permission" | "notFound" | "rateLimit" | "parameter";
  transient: boolean;
  /** What the caller should do next. */
  advice: string;
}

export const RETURN_CODES: Readonly<Record<number, ReturnCodeInfo>> = Object.freeze({
  6001: {
    meaning: "Parameter error",
    errorClass: "parameter",
    transient: false,
    advice:
      "A parameter is missing, out of range or badly formatted (times must be zero-padded HH:mm on the 15-minute grid, dates yyyy-MM-dd).",
  },
  6002: {
    meaning: "The SN is not bound to the user",
    errorClass: "permission",
    transient: false,
    advice: "The system has no registered owner account; the owner must register it in the AlphaESS app before it can be bound.",
  },
  6003: {
    meaning: "You have bound this SN",
    errorClass: "api",
    transient: false,
    advice: "The system is already bound to this AppID; nothing to do.",
  },
  6004: {
    meaning: "CheckCode error",
    errorClass: "authentication",
    transient: false,
    advice: "The check code does not match the serial number; copy it again from the label on the device.",
  },
  6005: {
    meaning: "This appId is not bound to the SN",
    errorClass: "permission",
    transient: false,
    advice: "Bind the system to this AppID first (open.alphaess.com, or getVerificationCode + bindSystem), or check the serial number.",
  },
  6006: {
    meaning: "Timestamp error",
    errorClass: "authentication",
    transient: false,
    advice: "The request timestamp is outside the server's 300-second window: correct this machine's clock.",
  },
  6007: {
    meaning: "Sign verification error",
    errorClass: "authentication",
    transient: false,
    advice: "Check appId and appSecret (Developer Information at open.alphaess.com).",
  },
  6008: {
    meaning: "Set failed",
    errorClass: "api",
    transient: false,
    advice: "The device rejected the setting (overlapping periods in a schedule are a known cause); nothing was changed.",
  },
  6009: {
    meaning: "Whitelist verification failed / timestamp not within the validity period",
    errorClass: "authentication",
    transient: false,
    advice: "Correct this machine's clock, or add this machine's IP address to the AppID's allow-list.",
  },
  6010: {
    meaning: "Sign is empty",
    errorClass: "authentication",
    transient: false,
    advice: "The sign header was missing; check the appSecret.",
  },
  6011: { meaning: "timestamp is empty", errorClass: "authentication", transient: false, advice: "The timeStamp header was missing." },
  6012: {
    meaning: "AppId is empty",
    errorClass: "authentication",
    transient: false,
    advice: "Set appId (Developer Information at open.alphaess.com).",
  },
  6016: {
    meaning: "Data does not exist or has been deleted",
    errorClass: "notFound",
    transient: false,
    advice: "There is no such data for this system (check the date and the serial numbers).",
  },
  6017: {
    meaning: "No operation permissions",
    errorClass: "permission",
    transient: false,
    advice:
      "This system or account is not entitled to this endpoint (the periodic schedule is not available on many systems); use the charge/discharge settings instead.",
  },
  6026: { meaning: "internal error", errorClass: "api", transient: true, advice: "An AlphaESS server error; try again later." },
  6029: {
    meaning: "operation failed",
    errorClass: "api",
    transient: false,
    advice: "The operation failed at AlphaESS; check the request and try again later.",
  },
  6038: {
    meaning: "system sn does not exist",
    errorClass: "notFound",
    transient: false,
    advice: "No system has this serial number; check it against listSystems() or the device label.",
  },
  6042: {
    meaning: "system offline",
    errorClass: "api",
    transient: true,
    advice: "The system is not connected to the AlphaESS cloud; check its internet connection and try again later.",
  },
  6046: {
    meaning: "Verification code error",
    errorClass: "authentication",
    transient: false,
    advice: "The e-mailed verification code is wrong or expired; request a new one with getVerificationCode.",
  },
  6053: {
    meaning: "The request was too fast, please try again later",
    errorClass: "rateLimit",
    transient: true,
    advice: "Slow down: space requests further apart (see the pacing option).",
  },
  10001: {
    meaning: "Parameter Error (malformed body)",
    errorClass: "parameter",
    transient: false,
    advice: "A required field or list was omitted from the request body.",
  },
} satisfies Record<number, ReturnCodeInfo>);

/** The parsed AlphaESS envelope `{code, msg, expMsg, data, extra}` (auth errors carry only code and msg). */
export interface AlphaEssEnvelope {
  code: number;
  /** `msg`, or `info` as the portal documents for the periodic endpoints. Localised: never branch on it. */
  msg: string | undefined;
  expMsg: string | undefined;
  data: unknown;
}

/** Reads the envelope of a 200 answer, or throws a `ResponseFormatError` when the body is not one. */
export function parseEnvelope(body: unknown, operation: string, status: number): AlphaEssEnvelope {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ResponseFormatError(
      `AlphaESS answered ${operation} with something that is not its JSON envelope (HTTP ${status}). Try again; report it if it persists.`,
      { vendor: VENDOR, operation, status, excerpt: excerpt(body), retryable: true },
    );
  }
  const record = body as Record<string, unknown>;
  const rawCode = record.code;
  const code = typeof rawCode === "number" ? rawCode : typeof rawCode === "string" && /^\d+$/.test(rawCode.trim()) ? Number(rawCode) : NaN;
  if (!Number.isInteger(code)) {
    throw new ResponseFormatError(
      `AlphaESS answered ${operation} without a numeric "code" (HTTP ${status}). The API may have changed; please report it.`,
      {
        vendor: VENDOR,
        operation,
        status,
        path: "code",
        excerpt: excerpt(body),
      },
    );
  }
  const msg = typeof record.msg === "string" ? record.msg : typeof record.info === "string" ? record.info : undefined;
  const expMsg = typeof record.expMsg === "string" && record.expMsg.trim() !== "" ? record.expMsg : undefined;
  return { code, msg, expMsg, data: record.data ?? null };
}

export interface EnvelopeErrorContext {
  operation: string;
  sysSn?: string;
  status: number;
  requestId?: string;
  /** Response headers (the `Date` header tells us the server's clock for 6009). */
  headers?: Headers;
  /** When the answer arrived on our clock, ms since the epoch. */
  receivedAt: number;
  /** How long to back off after a 6053, ms. */
  tooFastBackoffMs: number;
}

/** The typed error for an envelope whose code is not 200. */
export function envelopeError(envelope: AlphaEssEnvelope, ctx: EnvelopeErrorContext): OpenPowerError {
  const { code, msg, expMsg } = envelope;
  const info = RETURN_CODES[code];
  const base = { vendor: VENDOR, code, status: ctx.status, operation: ctx.operation, requestId: ctx.requestId };
  const target = ctx.sysSn ? ` for system ${ctx.sysSn}` : "";
  const said = [msg ? `server said "${msg}"` : "", expMsg ? `detail "${expMsg}"` : ""].filter(Boolean).join(", ");
  const head = `AlphaESS ${ctx.operation}${target} failed with code ${code}`;
  if (!info) {
    return new ApiError(
      `${head}${said ? ` (${said})` : ""}, a code openpower does not know. It was not retried; check the request, and report the code if it persists.`,
      {
        ...base,
        retryable: false,
        vendorMessage: msg,
      },
    );
  }
  const summary = `${head} (${info.meaning}${said ? `; ${said}` : ""}).`;
  const text = `${summary} ${info.advice}`;
  if (code === 6009 || code === 6006) return clockError(code, summary, ctx, base);
  switch (info.errorClass) {
    case "authentication":
      return new AuthenticationError(text, base);
    case "permission":
      return new PermissionError(text, base);
    case "notFound":
      return new NotFoundError(text, base);
    case "rateLimit":
      return new RateLimitError(`${text} Requests are paused for ${Math.ceil(ctx.tooFastBackoffMs / 1000)} s.`, {
        ...base,
        retryAfterMs: ctx.tooFastBackoffMs,
        resetAt: new Date(ctx.receivedAt + ctx.tooFastBackoffMs),
      });
    default:
      // An offline system stays offline for minutes: suggest when to try again, and (being over
      // the retry policy's maxRetryAfterMs) keep the transport from retrying it at once.
      return new ApiError(text, {
        ...base,
        retryable: info.transient,
        vendorMessage: msg,
        ...(code === 6042 ? { retryAfterMs: OFFLINE_RETRY_AFTER_MS } : {}),
      });
  }
}

/** 6009 (live) and 6006 (portal): compare our clock with the server's `Date` to say which it is. */
function clockError(
  code: number,
  summary: string,
  ctx: EnvelopeErrorContext,
  base: { vendor: string; code: number; status: number; operation: string; requestId?: string },
): AlphaEssClockSkewError {
  const dateHeader = ctx.headers?.get("date");
  const serverMs = dateHeader ? Date.parse(dateHeader) : NaN;
  const localTime = new Date(ctx.receivedAt);
  if (!Number.isFinite(serverMs)) {
    return new AlphaEssClockSkewError(
      `${summary} This machine's clock reads ${localTime.toISOString()}; the server sent no Date header to compare with. ` +
        `Check the clock against an NTP source${code === 6009 ? ", and the AppID's IP allow-list" : ""}.`,
      { ...base, clockSkewMs: null, serverTime: null, localTime },
    );
  }
  const skewMs = ctx.receivedAt - serverMs;
  const skewS = Math.round(skewMs / 1000);
  const serverTime = new Date(serverMs);
  // The Date header has one-second resolution and the answer took a moment to arrive: allow a few seconds.
  const outside = Math.abs(skewMs) > (SIGNATURE_WINDOW_S - 5) * 1000;
  const how = skewS === 0 ? "matches" : `is ${Math.abs(skewS)} s ${skewS > 0 ? "ahead of" : "behind"}`;
  const within = `This machine's clock (${localTime.toISOString()}) ${how} the server's, within the ${SIGNATURE_WINDOW_S}-second window, so the clock is not the problem: `;
  const verdict = outside
    ? `This machine's clock (${localTime.toISOString()}) ${how} the server's (${serverTime.toISOString()}), beyond the ${SIGNATURE_WINDOW_S}-second window: set the machine's clock right (enable NTP).`
    : code === 6009
      ? // 6009 also covers the allow-list ("Whitelist verification failed").
        `${within}the AppID's IP allow-list ("Enable IP whitelist" at open.alphaess.com) probably refused this machine's address.`
      : // 6006 is only about the timestamp: one within the window was refused anyway.
        `${within}the request may have been delayed on its way, or the server's own clock was off. Try again; report it with the request id if it persists.`;
  return new AlphaEssClockSkewError(`${summary} ${verdict}`, { ...base, clockSkewMs: skewMs, serverTime, localTime });
}

/** Maps transport-level HTTP errors (no envelope): 405 wrong verb, 404 unknown path, 502 maintenance. */
export function httpError(response: TransportResponse, request: PreparedRequest): OpenPowerError | undefined {
  const operation = request.operation ?? new URL(response.url).pathname;
  const base = { vendor: VENDOR, status: response.status, operation, requestId: response.requestId };
  const said = vendorMessageOf(response.data);
  const path = new URL(response.url).pathname;
  switch (response.status) {
    case 405:
      return new ApiError(
        `AlphaESS refused ${request.method} ${path} (HTTP 405 Method Not Allowed): the endpoint exists but takes the other HTTP method. This is a client bug; please report it.`,
        {
          ...base,
          retryable: false,
          vendorMessage: said,
        },
      );
    case 404:
      return new NotFoundError(
        `AlphaESS has no endpoint ${path} (HTTP 404). Check baseUrl (normally https://openapi.alphaess.com/api).`,
        base,
      );
    case 502:
    case 503:
    case 504:
      return new ApiError(
        `AlphaESS is unavailable (HTTP ${response.status}${said ? `: "${said}"` : ""}); it is often under maintenance when this happens. Try again later.`,
        {
          ...base,
          retryable: true,
          vendorMessage: said,
        },
      );
    default:
      return undefined;
  }
}

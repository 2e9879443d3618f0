import { ConnectionError, TimeoutError, type OpenPowerError } from "../errors/index.js";

/**
 * System error codes after which the request provably never reached the server: nothing was
 * connected, so even a write may be tried again.
 */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
]);

/** The first `code` found along an error's cause chain (undici nests the socket error). */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}

export interface FetchFailureContext {
  vendor: string;
  operation: string | undefined;
  origin: string;
  timeoutMs: number;
  timedOut: boolean;
}

/** Turns whatever `fetch` (or reading the body) threw into a ConnectionError or TimeoutError. */
export function mapFetchFailure(error: unknown, ctx: FetchFailureContext): OpenPowerError {
  if (ctx.timedOut) {
    return new TimeoutError(
      `${ctx.vendor} did not answer within ${ctx.timeoutMs} ms (${ctx.origin}). The service may be slow or unreachable; ` +
        `try again, or raise timeoutMs.`,
      { vendor: ctx.vendor, operation: ctx.operation, timeoutMs: ctx.timeoutMs, cause: error },
    );
  }
  const code = systemErrorCode(error);
  // undici refuses blocked ports ("bad port") before connecting, without a code.
  const sent = !((code !== undefined && NEVER_SENT.has(code)) || causeMessage(error) === "bad port");
  const what = code ? ` (${code})` : "";
  const next = sent ? "The connection broke after the request may have been sent." : "The request was not sent.";
  return new ConnectionError(
    `Could not reach ${ctx.vendor} at ${ctx.origin}${what}. ${next} Check the network connection and the base URL.`,
    { vendor: ctx.vendor, operation: ctx.operation, sent, systemCode: code, cause: error },
  );
}

import { redact, redactValue } from "./redact.js";

/** Structured logger. Any object with these four methods works (pino, console wrappers, ...). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Discards everything; the default, so a library never writes to the console uninvited. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** One JSON line per entry on stderr, at or above `level`. */
export function createStderrLogger(level: LogLevel = "info"): Logger {
  const min = LEVELS[level];
  const write = (lvl: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields })}\n`);
  };
  return redactingLogger({ debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") });
}

/** Wraps a logger so that no secret reaches it, whatever the caller passes in. */
export function redactingLogger(inner: Logger): Logger {
  const wrap =
    (fn: Logger["debug"]) =>
    (message: string, fields?: Record<string, unknown>): void =>
      fn.call(inner, redact(message), fields === undefined ? undefined : (redactValue(fields) as Record<string, unknown>));
  return { debug: wrap(inner.debug), info: wrap(inner.info), warn: wrap(inner.warn), error: wrap(inner.error) };
}

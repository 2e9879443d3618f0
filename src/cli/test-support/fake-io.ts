import { PassThrough } from "node:stream";
import type { Io } from "../io.js";

/** An Io whose output is captured, for running commands in-process. */
export function fakeIo(options: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string; columns?: number } = {}) {
  let out = "";
  let err = "";
  const handlers = new Set<() => void>();
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  const io: Io = {
    stdout: { write: (s: string) => ((out += s), true), isTTY: options.tty === true, columns: options.columns ?? 120 },
    stderr: { write: (s: string) => ((err += s), true), isTTY: options.tty === true },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    /** Simulates Ctrl-C. */
    interrupt: () => [...handlers].forEach((h) => h()),
    handlers: () => handlers.size,
  };
}

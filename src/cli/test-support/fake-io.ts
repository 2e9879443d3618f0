import { PassThrough, Writable } from "node:stream";
import type { Io } from "../io.js";

/** An Io whose output is captured, for running commands in-process. */
export function fakeIo(
  options: { tty?: boolean; stdoutTty?: boolean; env?: Record<string, string | undefined>; cwd?: string; columns?: number } = {},
) {
  let out = "";
  let err = "";
  const handlers = new Set<() => void>();
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  const io: Io = {
    stdout: { write: (s: string) => ((out += s), true), isTTY: options.stdoutTty ?? options.tty === true, columns: options.columns ?? 120 },
    // A real stream: prompts (on stderr) need one. Like process.stderr, it is never ended (a
    // prompt pipes into it and ends the pipe when done).
    stderr: Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          err += chunk.toString();
          callback();
        },
      }),
      { isTTY: options.tty === true, columns: options.columns ?? 120, end: () => undefined },
    ),
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
    /** Types a line on stdin (an answer to a prompt). */
    type: (text: string) => stdin.write(text),
    /** Simulates Ctrl-C. */
    interrupt: () => [...handlers].forEach((h) => h()),
    handlers: () => handlers.size,
  };
}

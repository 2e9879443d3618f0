import type { OutputConfiguration } from "commander";

/**
 * The process streams and environment a command runs against. Commands never touch `process`
 * directly, so that tests and `openpower demo` can run them in-process with captured output.
 */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Registers a handler for Ctrl-C; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** Commander's help and error text written to our streams, so that tests and in-process runs see it. */
export function commanderOutput(io: Io): OutputConfiguration {
  return {
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    outputError: (s, write) => write(s),
  };
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}

/**
 * `openpower … | head -1`: when the reader closes the pipe, the rest of the output has nowhere to
 * go and the work is done as far as anyone can see, so the program ends quietly (exit 0) instead of
 * dying on an unhandled EPIPE with a stack trace. Other stream errors are left alone.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

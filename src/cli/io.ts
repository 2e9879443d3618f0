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

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify as stringifyToml } from "smol-toml";

export const BIN = fileURLToPath(new URL("../../../dist/cli/bin.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `openpower` binary (dist/cli/bin.js, built by the test global setup) as a
 * subprocess. Asynchronous on purpose: the simulators it talks to run in the test process.
 * The environment is only what the test gives (plus PATH), so nothing from the developer's
 * shell or home directory leaks in.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", TZ: "Australia/Sydney", ...options.env },
        timeout: options.timeoutMs ?? 20_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as { code?: unknown }).code !== "number") {
          reject(new Error(`openpower ${args.join(" ")} did not finish: ${error.message}\nstderr: ${stderr}`));
          return;
        }
        resolve({ code: error ? ((error as { code: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A running `openpower` subprocess, for commands that run until interrupted (watch, sim). */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout matches. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** The exit code (or the signal's name when killed by one). */
  exited: Promise<number | string>;
}

export function spawnCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", TZ: "Australia/Sydney", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(out)) w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForOutput: (pattern) =>
      pattern.test(out)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            exited.then((code) =>
              Promise.reject(new Error(`openpower ${args.join(" ")} exited (${code}) before printing ${pattern}\nstderr: ${err}`)),
            ),
          ]),
    exited,
  };
}

/** A temporary home for one test file: config file, data dir, cwd; removed by `cleanup`. */
export interface TempHome {
  dir: string;
  configFile: string;
  dataDir: string;
  env: Record<string, string>;
  writeConfig(sections: Record<string, Record<string, unknown>>): void;
  cleanup(): void;
}

export function tempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), "openpower-cli-test-"));
  const configFile = join(dir, "config.toml");
  const dataDir = join(dir, "data");
  return {
    dir,
    configFile,
    dataDir,
    env: {
      OPENPOWER_CONFIG: configFile,
      OPENPOWER_DATA_DIR: dataDir,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, "xdg-config"),
      XDG_DATA_HOME: join(dir, "xdg-data"),
    },
    writeConfig(sections) {
      writeFileSync(configFile, stringifyToml(sections), { mode: 0o600 });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// eslint-disable-next-line no-control-regex
export const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/;

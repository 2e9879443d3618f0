import { execFile } from "node:child_process";
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
export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
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
    env: { OPENPOWER_CONFIG: configFile, OPENPOWER_DATA_DIR: dataDir, HOME: dir, XDG_CONFIG_HOME: join(dir, "xdg-config"), XDG_DATA_HOME: join(dir, "xdg-data") },
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

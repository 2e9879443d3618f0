import envPaths from "env-paths";
import { isAbsolute, join, resolve } from "node:path";

/**
 * Where openpower keeps its files. `--config` beats `OPENPOWER_CONFIG` beats the platform config
 * directory; `OPENPOWER_DATA_DIR` beats the platform data directory (the audit log lives there).
 * Tests set both, so they never touch the real home directory.
 */
export interface CliPaths {
  configFile: string;
  /** Where the config path came from: "--config", "OPENPOWER_CONFIG" or "default". */
  configSource: "--config" | "OPENPOWER_CONFIG" | "default";
  dataDir: string;
  auditLog: string;
}

export function resolvePaths(env: Record<string, string | undefined>, cwd: string, flag?: string): CliPaths {
  const platform = envPaths("openpower", { suffix: "" });
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  let configFile: string;
  let configSource: CliPaths["configSource"];
  if (flag) {
    configFile = abs(flag);
    configSource = "--config";
  } else if (env.OPENPOWER_CONFIG) {
    configFile = abs(env.OPENPOWER_CONFIG);
    configSource = "OPENPOWER_CONFIG";
  } else {
    configFile = join(platform.config, "config.toml");
    configSource = "default";
  }
  const dataDir = env.OPENPOWER_DATA_DIR ? abs(env.OPENPOWER_DATA_DIR) : platform.data;
  return { configFile, configSource, dataDir, auditLog: join(dataDir, "audit.jsonl") };
}

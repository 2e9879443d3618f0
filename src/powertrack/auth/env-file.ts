import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Reads a `.env` file with Node's own parser (`util.parseEnv`). Returns null when the file does
 * not exist; other read errors propagate. The variables are returned, never put into `process.env`.
 */
export function readEnvFile(path: string): Record<string, string> | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = parseEnv(text);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === "string") out[key] = value;
  return out;
}

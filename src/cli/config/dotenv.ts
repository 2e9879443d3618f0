import { ConfigurationError } from "../../core/errors/index.js";
import { readEnvFile } from "../../core/env-file.js";

export { parseDotenv } from "../../core/env-file.js";

/** Reads a `.env` file (the project's one reader); a missing file is an empty one unless it was asked for explicitly. */
export function readDotenv(path: string, required: boolean): Record<string, string> {
  let values: Record<string, string> | null;
  try {
    values = readEnvFile(path);
  } catch (error) {
    throw new ConfigurationError(`Cannot read the .env file ${path}: ${(error as Error).message}. Check the --dotenv path.`, {
      setting: "--dotenv",
      cause: error,
    });
  }
  if (values !== null) return values;
  if (!required) return {};
  throw new ConfigurationError(`Cannot read the .env file ${path}: it does not exist. Check the --dotenv path.`, { setting: "--dotenv" });
}

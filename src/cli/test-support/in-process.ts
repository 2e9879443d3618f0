import { main } from "../program.js";
import { fakeIo } from "./fake-io.js";

/** Runs `openpower <args>` in this process with captured output (fast; for help and usage checks). */
export async function runInProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const f = fakeIo({ env: { TZ: "Australia/Sydney", ...env } });
  const code = await main(args, f.io);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
}

import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 1: `openpower … | head -1` must end quietly when the reader goes away.

let home: TempHome;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());

/** Runs the binary with stdout a pipe whose reading end is closed at once (as `head` does when done). */
function runIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", TZ: "Australia/Sydney", ...home.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("a closed output pipe", () => {
  it.each([[["--help"]], [["alphaess", "--help"]], [["powertrack", "--help"]], [["config", "path"]]])(
    "openpower %j | head ends quietly with exit 0",
    async (args) => {
      const { code, stderr } = await runIntoClosedPipe(args);
      expect(stderr).not.toMatch(/EPIPE|Error|at /);
      expect(code).toBe(0);
    },
  );
});

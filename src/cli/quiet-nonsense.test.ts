import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { ExitCode, exitCodeFor } from "./errors.js";
import { confirmWrite } from "./prompt.js";
import { fakeIo } from "./test-support/fake-io.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 8: cases that used to succeed quietly or say too little.

let home: TempHome;
let alpha: AlphaEssSimulator;
beforeAll(async () => {
  home = tempHome();
  alpha = await startAlphaEssSimulator({ seed: 8, limits: "none" });
});
afterAll(async () => {
  await alpha.close();
  home.cleanup();
});

describe("quiet nonsense", () => {
  it("history of days that have not happened yet is refused, not an empty table", async () => {
    home.writeConfig({
      alphaess: { appId: alpha.credentials.appId, appSecret: alpha.credentials.appSecret, baseUrl: alpha.url, minIntervalMs: 0 },
    });
    const r = await runInProcess(["history", alpha.systems[0]!, "--from", "2999-01-01"], home.env);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/--from 2999-01-01 is in the future/);
    expect(r.stdout).toBe("");
  });

  it("a malformed TOML file is reported with its line and column", async () => {
    writeFileSync(home.configFile, '[amber]\ntoken = "psk_x"\nsite = = 3\n', { mode: 0o600 });
    const r = await runInProcess(["config", "show"], home.env);
    expect(r.code).toBe(ExitCode.error);
    expect(r.stderr).toMatch(/line 3, column \d+/);
  });

  it("config init --no-input --vendors amber without any amber value is a usage error and writes nothing", async () => {
    const h = tempHome();
    try {
      const r = await runInProcess(["config", "init", "--no-input", "--vendors", "amber"], h.env);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(/--amber-token/);
      expect(() => readFileSyncOrThrow(h.configFile)).toThrow();
    } finally {
      h.cleanup();
    }
  });

  it("Ctrl-C at a confirmation exits 130 (the shell's convention), a plain no stays 1", async () => {
    const f = fakeIo({ tty: true });
    const asked = confirmWrite(f.io, "Write?", false).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    f.type("\u0003");
    const interrupted = await asked;
    expect(exitCodeFor(interrupted)).toBe(130);
    const g = fakeIo({ tty: true });
    const declined = confirmWrite(g.io, "Write?", false).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    g.type("n\n");
    expect(exitCodeFor(await declined)).toBe(ExitCode.error);
  });
});

function readFileSyncOrThrow(path: string): string {
  return readFileSync(path, "utf8");
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_HELP } from "../amber/errors.js";
import { AuthenticationError } from "../core/errors/index.js";
import { describeError } from "./errors.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";
import { startTestSims, type TestSims } from "./test-support/sims.js";

// Issue 12 item 7: the CLI speaks in its own commands and flags, not the libraries' options and methods.

const LIBRARY_WORDS = /\{ ?token ?\}|listSystems\(\)|listSites\(\)|discharge\.timeControl|\(syncClock\)|forSite\(|\{ serialNumber \}/;

let home: TempHome;
let sims: TestSims;
beforeAll(async () => {
  home = tempHome();
  sims = await startTestSims();
  home.writeConfig(sims.config());
});
afterAll(async () => {
  await sims.close();
  home.cleanup();
});

describe("CLI errors in CLI words", () => {
  it("a refused Amber token says how to set it with openpower, not { token }", () => {
    const text = describeError(new AuthenticationError(`Amber refused the token (HTTP 403). ${TOKEN_HELP}`, { vendor: "amber" }), {
      hint: true,
    });
    expect(text).not.toMatch(LIBRARY_WORDS);
    expect(text).toMatch(/openpower config init --amber-token/);
  });

  it("AlphaESS 6038 (no such serial) names the CLI command that lists the systems", async () => {
    const r = await runInProcess(["alphaess", "get-system-summary", "--serial", "NOPE12345"], home.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(LIBRARY_WORDS);
    expect(r.stderr).toMatch(/openpower alphaess list-systems/);
  });

  it('a GoodWe plan with discharge windows says to write "discharge anytime", and the clock note names goodwe sync-clock', async () => {
    const device = "goodwe:9010KETU00000000";
    const windows = await runInProcess(["battery", "plan", "discharge 17:00-21:00 down to 20%", "--device", device], home.env);
    expect(windows.code).toBe(2);
    expect(windows.stderr).not.toMatch(LIBRARY_WORDS);
    expect(windows.stderr).toMatch(/discharge anytime/);
    const plan = await runInProcess(["battery", "plan", "charge 01:00-05:00 to 90%; discharge anytime", "--device", device], home.env);
    expect(plan.stdout + plan.stderr).not.toMatch(LIBRARY_WORDS);
    expect(plan.stdout + plan.stderr).toMatch(/openpower goodwe sync-clock/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { main } from "./program.js";
import { fakeIo } from "./test-support/fake-io.js";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// Issue 12 item 5: long work shows progress with an estimate; ranges are capped alike, with a
// message that says how to get the rest.

let home: TempHome;
let alpha: AlphaEssSimulator;
let amber: AmberSimulator;
beforeAll(async () => {
  home = tempHome();
  [alpha, amber] = await Promise.all([startAlphaEssSimulator({ seed: 4, limits: "none" }), startAmberSimulator({ seed: 4 })]);
  home.writeConfig({
    alphaess: { appId: alpha.credentials.appId, appSecret: alpha.credentials.appSecret, baseUrl: alpha.url, minIntervalMs: 0 },
    amber: { token: amber.token, baseUrl: amber.url, site: amber.activeSiteId },
  });
});
afterAll(async () => {
  await Promise.all([alpha.close(), amber.close()]);
  home.cleanup();
});

describe("ranges are capped alike", () => {
  it("amber prices from long ago is refused before anything is sent, saying how to fetch it in parts", async () => {
    const before = amber.http.requests.length;
    const r = await runInProcess(["amber", "prices", "--start", "2020-05-01", "--end", "2022-05-01"], home.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /At most 366 days per command \(asked for 731\): fetch it in parts, --start 2020-05-01 --end 2021-05-01, then --start 2021-05-02 --end 2022-05-01/,
    );
    expect(amber.http.requests.length).toBe(before);
  });

  it("history says the same in its own flags", async () => {
    const r = await runInProcess(["history", alpha.systems[0]!, "--from", "2024-01-01", "--to", "2025-06-01"], home.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /At most 366 days per command \(asked for 518\): fetch it in parts, --from 2024-01-01 --to 2024-12-31, then --from 2025-01-01 --to 2025-06-01/,
    );
  });
});

describe("long work shows progress", () => {
  it("a multi-request Amber range says how many requests up front and draws a bar with an estimate", async () => {
    const f = fakeIo({ tty: true, env: { TZ: "Australia/Sydney", ...home.env } });
    const code = await main(["amber", "prices", "--start", "2024-05-01", "--end", "2024-07-15"], f.io);
    expect(f.stderr()).toMatch(/prices 2024-05-01 to 2024-07-15: 11 requests/);
    expect(f.stderr()).toMatch(/eta /);
    expect(code).toBe(0);
  });
});

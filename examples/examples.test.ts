import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const examples = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"));

// Every example must run to completion against the simulators, as a user would run it.
// Vendor credentials are removed from the environment so that the simulators are used.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(ALPHAESS_|AMBER_|GOODWE_|SEMS_|POWERTRACK_|COOKIE$|AE_S$|AE_V$|BASE_URL$|OPENPOWER_)/.test(k),
  ),
);

describe.concurrent("examples", () => {
  it.each(examples)(
    "%s runs against the simulators and exits 0",
    async (file) => {
      const { stdout } = await run(process.execPath, ["--import", "tsx", join("examples", file)], {
        cwd: root,
        env: { ...env, NO_COLOR: "1" },
        timeout: 60_000,
      });
      expect(stdout.trim().length).toBeGreaterThan(0);
    },
    90_000,
  );
});

describe("npm run example", () => {
  it("lists every example without a name, and an unknown name is exit code 2", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join("examples", "run.ts")], { cwd: root, env });
    for (const file of examples) expect(stdout).toContain(`  ${file.slice(0, -3)}\n`);
    const error = await run(process.execPath, ["--import", "tsx", join("examples", "run.ts"), "no-such-example"], { cwd: root, env }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 2, stderr: expect.stringMatching(/No example named "no-such-example"/) });
  }, 60_000);
});

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runInProcess } from "./test-support/in-process.js";
import { tempHome } from "./test-support/run-cli.js";

// Issue 12 item 2: after the README's own set-up (`npm ci`), the CLI commands it shows work as written.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
const readme = readFileSync(`${ROOT}README.md`, "utf8");

describe("the README's CLI quick start", () => {
  it("npm ci builds the binary the package names (the prepare script), so npx openpower exists after set-up", () => {
    // npm runs `prepare` after `npm ci` / `npm install` in a clone.
    expect(pkg.scripts.prepare).toMatch(/\bnpm run build\b/);
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    const outDir = (JSON.parse(readFileSync(`${ROOT}tsconfig.build.json`, "utf8")) as { compilerOptions: { outDir: string } })
      .compilerOptions.outDir;
    expect(pkg.bin.openpower).toBe(`${outDir}/cli/bin.js`);
    // The set-up the README shows is the one that runs it.
    expect(readme).toMatch(/npm ci/);
  });

  it("the binary npx openpower runs answers --help", async () => {
    // What `npx openpower` runs in a clone: the package's own bin, built by `prepare`. (npx itself
    // answered 127 in some fresh clones of this machine with the binary in place, so the test runs
    // the bin the way npm links it, with node.)
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [`${ROOT}${pkg.bin.openpower}`, "--help"], { cwd: ROOT, timeout: 60_000 }, (error, stdout) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: openpower/);
  });

  it("every `npx openpower` command in the README is a real command line (its --help parses)", async () => {
    const commands = [...readme.matchAll(/^npx openpower (.+?)(?:\s+#.*)?$/gm)].map((m) => m[1]!.trim());
    expect(commands.length).toBeGreaterThan(3);
    const home = tempHome();
    try {
      for (const command of commands) {
        const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
        const r = await runInProcess([...args, "--help"], home.env);
        expect(r.code, command).toBe(0);
        expect(r.stderr, command).toBe("");
      }
    } finally {
      home.cleanup();
    }
  });
});

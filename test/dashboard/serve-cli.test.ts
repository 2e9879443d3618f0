import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./harness.js";

/**
 * `openpower serve --demo` (what `npm start` runs), from the built binary: it prints the dashboard's
 * URL, and that page and its data answer within seconds.
 */
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

describe("openpower serve --demo", () => {
  it("prints the dashboard's URL, and opening it gives the page with live data within seconds", async () => {
    const started = Date.now();
    child = spawn(process.execPath, [join(root, "dist/cli/bin.js"), "serve", "--demo", "--port", "0"], {
      cwd: root,
      env: { ...process.env, OPENPOWER_DATA_DIR: mkdtempSync(join(tmpdir(), "op-serve-")), OPENPOWER_SERVICE_TOKEN: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no dashboard line in 30 s; stdout: ${stdout} stderr: ${stderr.slice(-2000)}`)),
        30_000,
      );
      child!.stdout!.on("data", (d: Buffer) => {
        stdout += d.toString();
        const m = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child!.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr.slice(-2000)}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    expect((await fetch(`${url}assets/app.js`)).status).toBe(200);
    // Live data: a system with a reading, then a newer one.
    const flow = async () => {
      for (;;) {
        const { systems } = (await (await fetch(`${url}api/v1/systems`)).json()) as { systems: { id: string; lastSeen: string | null }[] };
        const seen = systems.find((s) => s.lastSeen !== null);
        if (seen) return Date.parse(seen.lastSeen!);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const first = await flow();
    expect(Date.now() - started).toBeLessThan(30_000);
    await expect.poll(flow, { timeout: 10_000 }).toBeGreaterThan(first);
    expect(stderr).not.toContain("dashboard not built");
  }, 60_000);
});

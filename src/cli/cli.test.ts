import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { loadPlugins } from "./vendors/registry.js";
import { runInProcess } from "./test-support/in-process.js";
import { ANSI_RE, runCli, tempHome, type TempHome } from "./test-support/run-cli.js";

// The built binary as users run it: help, usage errors, exit codes, and the config commands.

let home: TempHome;
let alpha: AlphaEssSimulator;
let amber: AmberSimulator;

beforeAll(async () => {
  home = tempHome();
  [alpha, amber] = await Promise.all([startAlphaEssSimulator({ seed: 3 }), startAmberSimulator({ seed: 3 })]);
});
afterAll(async () => {
  await Promise.all([alpha.close(), amber.close()]);
  home.cleanup();
});

const COMMANDS = [
  [],
  ["config"],
  ["config", "init"],
  ["config", "check"],
  ["config", "show"],
  ["config", "path"],
  ["status"],
  ["watch"],
  ["prices"],
  ["history"],
  ["battery"],
  ["battery", "show"],
  ["battery", "plan"],
  ["battery", "apply"],
  ["ev"],
  ["ev", "list"],
  ["ev", "status"],
  ["ev", "start"],
  ["ev", "stop"],
  ["ev", "limit"],
  ["alphaess"],
  ["amber"],
  ["goodwe"],
  ["powertrack"],
  ["sim"],
  ["demo"],
];

describe("openpower --help", () => {
  it("the built binary prints help and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["--help"], { env: home.env });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: openpower \[options\] \[command\]/);
    expect(stdout).toContain("Exit codes: 0 ok, 1 error, 2 usage (nothing was done), 3 partial failure.");
  });

  it.each(COMMANDS.map((c) => [c.join(" ") || "(top level)", c] as const))("%s has help with examples and exits 0", async (_name, command) => {
    const { code, stdout, stderr } = await runInProcess([...command, "--help"], home.env);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: openpower/);
    expect(stdout).toMatch(/Examples:\n {2}\$ openpower/);
  });

  it("every vendor command has help with an example", async () => {
    for (const plugin of await loadPlugins()) {
      const names = plugin.commands().map((c) => c.name);
      const results = await Promise.all(names.map((name) => runInProcess([plugin.name, name, "--help"], home.env)));
      results.forEach((r, i) => {
        expect(r.code, `${plugin.name} ${names[i]}`).toBe(0);
        expect(r.stdout, `${plugin.name} ${names[i]}`).toMatch(/Examples:\n {2}\$ openpower/);
      });
    }
  });

  it("config --help documents every environment variable the vendors read", async () => {
    const { stdout } = await runInProcess(["config", "--help"], home.env);
    const documented = stdout.replace(/\s+/g, " ");
    for (const plugin of await loadPlugins()) {
      for (const setting of plugin.settings) {
        const env = setting.env?.[0];
        if (!env) continue;
        const short = env.replace(/^OPENPOWER_POWERTRACK_/, "");
        expect(documented.includes(env) || documented.includes(`_${short}`), `${env} in config --help`).toBe(true);
      }
    }
  });

  it("--version prints the version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect((await runInProcess(["--version"])).stdout.trim()).toBe(pkg.version);
  });
});

describe("usage errors", () => {
  it("an unknown option or command is exit code 2 with a hint", async () => {
    const unknownOption = await runCli(["status", "--nope"], { env: home.env });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/unknown option '--nope'/);
    expect(unknownOption.stderr).toMatch(/--help/);
    const unknownCommand = await runInProcess(["stauts"], home.env);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/unknown command 'stauts'/);
  });

  it("a bad value is exit code 2 with one line saying what to write", async () => {
    for (const args of [
      ["prices", "--next", "12"],
      ["prices", "--next", "3d"],
      ["battery", "plan", "charge", "01:10-05:00", "to", "90%"],
      ["history", "X", "--from", "May 1st"],
      ["status", "--json", "--csv"],
      ["watch", "--count", "0"],
      ["status", "--vendor", "tesla"],
    ]) {
      const r = await runInProcess(args, home.env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(/^error: /);
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });

  it("with nothing configured, status says how to start (exit 1), and --debug adds the stack", async () => {
    const empty = tempHome();
    try {
      const r = await runInProcess(["status"], empty.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: Nothing to talk to: there is no config file .* Run "openpower config init"/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      const debug = await runInProcess(["status", "--debug"], empty.env);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/ConfigurationError: Nothing to talk to[\s\S]*\n\s+at /);
    } finally {
      empty.cleanup();
    }
  });

  it("a config file named by --config must exist", async () => {
    const r = await runInProcess(["--config", `${home.dir}/missing.toml`, "status"], home.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.toml does not exist/);
  });
});

describe("config init, show, check", () => {
  it("init --no-input writes a 0600 file from flags, refuses to replace a value without --force, and show masks secrets", async () => {
    const h = tempHome();
    try {
      const secret = "app-secret-for-init-test-0123456789";
      const init = await runCli(["config", "init", "--no-input", "--alphaess-app-id", "alpha-init-test-id", "--alphaess-app-secret", secret, "--alphaess-serial", "AL1,AL2", "--amber-site", "01GM47PZ7VYRDP071ED43M47TX"], { env: h.env });
      expect(init.stderr).toBe("");
      expect(init.code).toBe(0);
      expect(init.stdout).toContain(`Wrote ${h.configFile} (mode 0600)`);
      expect(init.stdout).not.toContain(secret);
      if (process.platform !== "win32") expect(statSync(h.configFile).mode & 0o777).toBe(0o600);
      const toml = readFileSync(h.configFile, "utf8");
      expect(toml).toMatch(/\[alphaess\][\s\S]*serial = \[ "AL1", "AL2" \]/);

      const again = await runInProcess(["config", "init", "--no-input", "--alphaess-app-secret", "another-secret-0000000000"], h.env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/alphaess.appSecret is already set .* pass --force/);
      expect(readFileSync(h.configFile, "utf8")).toBe(toml);
      const forced = await runInProcess(["config", "init", "--no-input", "--force", "--alphaess-app-secret", "another-secret-0000000000"], h.env);
      expect(forced.code).toBe(0);
      expect(readFileSync(h.configFile, "utf8")).toContain("another-secret-0000000000");

      const show = await runCli(["config", "show"], { env: { ...h.env, OPENPOWER_AMBER_TOKEN: "psk_env_token_for_show_0001" } });
      expect(show.code).toBe(0);
      expect(show.stdout).not.toContain("another-secret-0000000000");
      expect(show.stdout).not.toContain("psk_env_token_for_show_0001");
      expect(show.stdout).toContain("********0001");
      expect(show.stdout).toMatch(/amber\.token .*env OPENPOWER_AMBER_TOKEN/);
      const json = JSON.parse((await runInProcess(["config", "show", "--json"], { ...h.env, OPENPOWER_AMBER_TOKEN: "psk_env_token_for_show_0001" })).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ file: h.configFile, fileExists: true, sections: { alphaess: { appSecret: "********0000", serial: ["AL1", "AL2"] }, amber: { token: "********0001" } } });
      expect(JSON.stringify(json)).not.toContain("psk_env_token_for_show_0001");
    } finally {
      h.cleanup();
    }
  });

  it("init with no flags and no terminal is a usage error and writes nothing", async () => {
    const h = tempHome();
    try {
      const r = await runInProcess(["config", "init"], h.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Nothing to configure/);
      expect(() => statSync(h.configFile)).toThrow();
    } finally {
      h.cleanup();
    }
  });

  it("check says which credential works and which does not, without showing the secrets", async () => {
    const wrongSecret = "0123456789abcdef0123456789abcdef";
    home.writeConfig({
      alphaess: { appId: alpha.credentials.appId, appSecret: wrongSecret, baseUrl: alpha.url, minIntervalMs: 0 },
      amber: { token: amber.token, baseUrl: amber.url },
    });
    const r = await runCli(["config", "check", "--json"], { env: home.env });
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout) as { ok: boolean; results: { vendor: string; ok: boolean; detail: string; credentials: string }[] };
    expect(json.ok).toBe(false);
    const byVendor = Object.fromEntries(json.results.map((x) => [x.vendor, x]));
    expect(byVendor.amber).toMatchObject({ ok: true, detail: expect.stringMatching(/token accepted; 3 sites/) });
    expect(byVendor.alphaess!.ok).toBe(false);
    expect(byVendor.alphaess!.detail).toMatch(/AppSecret|signature|6010|6009|credential/i);
    expect(r.stdout + r.stderr).not.toContain(wrongSecret);
    expect(r.stdout + r.stderr).not.toContain(amber.token);
    expect(r.stderr).toMatch(/^error: 1 of 2 credentials failed/);

    const table = await runCli(["config", "check", "--vendor", "alphaess"], { env: { ...home.env, NO_COLOR: "1" } });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/alphaess .*FAILED/);
    expect(table.stdout).not.toContain(wrongSecret);
    expect(table.stdout).not.toMatch(ANSI_RE);

    const env = await runInProcess(["config", "check", "--vendor", "alphaess"], { ...home.env, OPENPOWER_ALPHAESS_APP_SECRET: alpha.credentials.appSecret });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/credentials accepted; 2 systems/);
    expect(env.stdout).toContain("(env OPENPOWER_ALPHAESS_APP_SECRET)");
    expect(env.stdout).not.toContain(alpha.credentials.appSecret);
  });

  it("a missing credential names the variable to set", async () => {
    home.writeConfig({ alphaess: { appId: alpha.credentials.appId, baseUrl: alpha.url } });
    const r = await runInProcess(["config", "check"], home.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/alphaess.appSecret is not set: set OPENPOWER_ALPHAESS_APP_SECRET/);
  });

  it("path prints the config file and data directory", async () => {
    const r = await runInProcess(["config", "path", "--json"], home.env);
    expect(JSON.parse(r.stdout)).toMatchObject({ configFile: home.configFile, configSource: "OPENPOWER_CONFIG", dataDir: home.dataDir, auditLog: `${home.dataDir}/audit.jsonl` });
  });
});

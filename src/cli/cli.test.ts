import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlphaEssSimulator, type AlphaEssSimulator } from "../sim/alphaess/index.js";
import { startAmberSimulator, type AmberSimulator } from "../sim/amber/index.js";
import { kebab } from "./config/vendor-settings.js";
import { loadPlugins } from "./vendors/registry.js";
import { runInProcess } from "./test-support/in-process.js";
import { ANSI_RE, runCli, tempHome, type TempHome } from "./test-support/run-cli.js";

// The built binary as users run it: help, usage errors, exit codes, and the config commands.

let home: TempHome;
let alpha: AlphaEssSimulator;
let amber: AmberSimulator;

beforeAll(async () => {
  home = tempHome();
  [alpha, amber] = await Promise.all([startAlphaEssSimulator({ seed: 3, limits: "none" }), startAmberSimulator({ seed: 3 })]);
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
    expect(stdout).toContain("Exit codes: 0 ok, 1 error, 2 usage (nothing was done), 3 partial failure, 130 interrupted (Ctrl-C).");
  });

  it.each(COMMANDS.map((c) => [c.join(" ") || "(top level)", c] as const))(
    "%s has help with examples and exits 0",
    async (_name, command) => {
      const { code, stdout, stderr } = await runInProcess([...command, "--help"], home.env);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: openpower/);
      expect(stdout).toMatch(/Examples:\n {2}\$ openpower/);
    },
  );

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

describe("settings and flags", () => {
  it("config init has exactly one --<vendor>-<setting> flag per setting", async () => {
    const { stdout, code } = await runInProcess(["config", "init", "--help"], home.env);
    expect(code).toBe(0);
    const flags = new Set([...stdout.matchAll(/--(alphaess|amber|goodwe|powertrack)-[a-z-]+/g)].map((m) => m[0]));
    const expected = new Set<string>();
    for (const plugin of await loadPlugins()) for (const s of plugin.settings) expected.add(`--${plugin.name}-${kebab(s.key)}`);
    expect([...flags].sort()).toEqual([...expected].sort());
  });

  it("every setting can be written by config init; a flag for no setting is a usage error", async () => {
    const h = tempHome();
    try {
      const unknown = await runInProcess(["config", "init", "--no-input", "--goodwe-sems-base-url", "http://x"], h.env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown option '--goodwe-sems-base-url'/);
      const args = ["config", "init", "--no-input"];
      const expected: Record<string, Record<string, unknown>> = {};
      for (const plugin of await loadPlugins()) {
        for (const s of plugin.settings) {
          // Settings with a format of their own (checked when entered) get a value of that format.
          const formatted: Record<string, string> = {
            "alphaess.timeZone": "Australia/Sydney",
            "goodwe.timeZone": "Australia/Perth",
            "amber.token": "psk_0123456789abcdef",
            "powertrack.sites": "S1,S2",
          };
          const value = formatted[`${plugin.name}.${s.key}`]
            ? formatted[`${plugin.name}.${s.key}`]!
            : s.choices
              ? s.choices[0]!
              : s.type === "number"
                ? "7"
                : s.type === "list"
                  ? "A1,A2"
                  : `v-${plugin.name}-${s.key}-0123456789`;
          args.push(`--${plugin.name}-${kebab(s.key)}`, value);
          (expected[plugin.name] ??= {})[s.key] = s.type === "number" ? 7 : s.type === "list" ? value.split(",") : value;
        }
      }
      const r = await runInProcess(args, h.env);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const show = JSON.parse((await runInProcess(["config", "show", "--json"], h.env)).stdout) as {
        sections: Record<string, Record<string, unknown>>;
        sources: Record<string, string>;
      };
      for (const [vendor, values] of Object.entries(expected)) {
        for (const [key, value] of Object.entries(values)) {
          expect(show.sources[`${vendor}.${key}`], `${vendor}.${key}`).toBe("config file");
          const plugin = (await loadPlugins()).find((p) => p.name === vendor)!;
          if (!plugin.settings.find((x) => x.key === key)!.secret) expect(show.sections[vendor]![key], `${vendor}.${key}`).toEqual(value);
        }
      }
      const bad = await runInProcess(["config", "init", "--no-input", "--force", "--goodwe-port", "eighty"], h.env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--goodwe-port must be a number/);
    } finally {
      h.cleanup();
    }
  });

  it("config init keeps sections and keys it does not know, and says that comments are not kept", async () => {
    const h = tempHome();
    try {
      writeFileSync(
        h.configFile,
        '# my notes\n[amber]\ntoken = "psk_kept_token_000000001"\ntokn = "typo kept"\n\n[future]\nanswer = 42\n',
        { mode: 0o600 },
      );
      const r = await runInProcess(["config", "init", "--no-input", "--amber-site", "01SITE"], h.env);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/warning: the comments in .* were not kept/);
      const toml = readFileSync(h.configFile, "utf8");
      expect(toml).toMatch(/\[future\]\nanswer = 42/);
      expect(toml).toMatch(/tokn = "typo kept"/);
      expect(toml).toMatch(/site = "01SITE"/);
      expect(toml).toMatch(/token = "psk_kept_token_000000001"/);
    } finally {
      h.cleanup();
    }
  });

  it("a wrong --set is a usage error (exit 2)", async () => {
    for (const set of ["amber", "amber.nope=1", "nope.key=1", "goodwe.port=abc", "goodwe.protocol=http"]) {
      const r = await runInProcess(["--set", set, "config", "show"], home.env);
      expect(r.code, set).toBe(2);
      expect(r.stderr, set).toMatch(/^error: --set /);
    }
  });

  it("--set beats the environment, which beats .env, which beats the config file (end to end)", async () => {
    const h = tempHome();
    try {
      h.writeConfig({ amber: { token: "psk_file_token_0000000001", site: "FILESITE" } });
      writeFileSync(join(h.dir, ".env"), "OPENPOWER_AMBER_SITE=DOTENVSITE\n");
      writeFileSync(join(h.dir, "other.env"), "OPENPOWER_AMBER_SITE=OTHERSITE\n");
      const site = async (args: string[], env: Record<string, string> = {}) => {
        const r = await runCli([...args, "config", "show", "--json"], { env: { ...h.env, ...env }, cwd: h.dir });
        expect(r.code, r.stderr).toBe(0);
        const json = JSON.parse(r.stdout) as { sections: { amber: { site: string } }; sources: Record<string, string> };
        return `${json.sections.amber.site} (${json.sources["amber.site"]})`;
      };
      const results = await Promise.all([
        site([]),
        site(["--dotenv", "other.env"]),
        site([], { OPENPOWER_AMBER_SITE: "ENVSITE" }),
        site(["--set", "amber.site=FLAGSITE"], { OPENPOWER_AMBER_SITE: "ENVSITE" }),
      ]);
      expect(results).toEqual([
        "DOTENVSITE (.env OPENPOWER_AMBER_SITE)",
        "OTHERSITE (.env OPENPOWER_AMBER_SITE)",
        "ENVSITE (env OPENPOWER_AMBER_SITE)",
        "FLAGSITE (--set)",
      ]);
      // The old name still works for a file that exists.
      expect(await site(["--env-file", "other.env"])).toBe("OTHERSITE (.env OPENPOWER_AMBER_SITE)");
      // A missing file is openpower's own error (Node 20 exits 9 on a missing --env-file).
      const missing = await runCli(["--dotenv", "missing.env", "config", "show"], { env: h.env, cwd: h.dir });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^error: Cannot read the \.env file .*missing\.env.*Check the --dotenv path\.\n$/);
      writeFileSync(join(h.dir, ".env"), "");
      expect(await site([])).toBe("FILESITE (config file)");
    } finally {
      h.cleanup();
    }
  });
});

describe("config init, show, check", () => {
  it("init --no-input writes a 0600 file from flags, refuses to replace a value without --force, and show masks secrets", async () => {
    const h = tempHome();
    try {
      const secret = "app-secret-for-init-test-0123456789";
      const init = await runCli(
        [
          "config",
          "init",
          "--no-input",
          "--alphaess-app-id",
          "alpha-init-test-id",
          "--alphaess-app-secret",
          secret,
          "--alphaess-serial",
          "AL1,AL2",
          "--amber-site",
          "01GM47PZ7VYRDP071ED43M47TX",
        ],
        { env: h.env },
      );
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
      const forced = await runInProcess(
        ["config", "init", "--no-input", "--force", "--alphaess-app-secret", "another-secret-0000000000"],
        h.env,
      );
      expect(forced.code).toBe(0);
      expect(readFileSync(h.configFile, "utf8")).toContain("another-secret-0000000000");

      const show = await runCli(["config", "show"], { env: { ...h.env, OPENPOWER_AMBER_TOKEN: "psk_env_token_for_show_0001" } });
      expect(show.code).toBe(0);
      expect(show.stdout).not.toContain("another-secret-0000000000");
      expect(show.stdout).not.toContain("psk_env_token_for_show_0001");
      expect(show.stdout).toContain("********0001");
      expect(show.stdout).toMatch(/amber\.token .*env OPENPOWER_AMBER_TOKEN/);
      const json = JSON.parse(
        (await runInProcess(["config", "show", "--json"], { ...h.env, OPENPOWER_AMBER_TOKEN: "psk_env_token_for_show_0001" })).stdout,
      ) as Record<string, unknown>;
      expect(json).toMatchObject({
        file: h.configFile,
        fileExists: true,
        sections: { alphaess: { appSecret: "********0000", serial: ["AL1", "AL2"] }, amber: { token: "********0001" } },
      });
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

    const env = await runInProcess(["config", "check", "--vendor", "alphaess"], {
      ...home.env,
      OPENPOWER_ALPHAESS_APP_SECRET: alpha.credentials.appSecret,
    });
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
    expect(JSON.parse(r.stdout)).toMatchObject({
      configFile: home.configFile,
      configSource: "OPENPOWER_CONFIG",
      dataDir: home.dataDir,
      auditLog: `${home.dataDir}/audit.jsonl`,
    });
  });
});

import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../core/errors/index.js";
import { DEFAULT_BASE_URL } from "../../powertrack/auth/auth-manager.js";
import { UsageError } from "../errors.js";
import { POWERTRACK_DEFAULT_BASE_URL, VENDOR_SETTINGS } from "./vendor-settings.js";
import { redact } from "../../core/redact.js";
import { parseDotenv } from "./dotenv.js";
import { loadConfig, type ConfigInputs } from "./load.js";
import { maskSecret } from "./mask.js";
import { resolvePaths } from "./paths.js";
import type { SectionSpec } from "./settings.js";
import { writeConfigFile } from "./write.js";

const SECTIONS: SectionSpec[] = [
  {
    name: "amber",
    title: "Amber",
    settings: [
      { key: "token", env: ["OPENPOWER_AMBER_TOKEN"], secret: true, description: "token" },
      { key: "site", env: ["OPENPOWER_AMBER_SITE"], description: "site" },
    ],
  },
  {
    name: "goodwe",
    title: "GoodWe",
    settings: [
      { key: "port", env: ["OPENPOWER_GOODWE_PORT"], type: "number", description: "port" },
      { key: "protocol", env: ["OPENPOWER_GOODWE_PROTOCOL"], choices: ["udp", "tcp"], description: "protocol" },
    ],
  },
  {
    name: "alphaess",
    title: "AlphaESS",
    settings: [{ key: "serial", env: ["OPENPOWER_ALPHAESS_SERIAL"], type: "list", description: "serials" }],
  },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openpower-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function inputs(over: Partial<ConfigInputs> = {}): ConfigInputs {
  return { file: join(dir, "config.toml"), fileRequired: false, env: {}, cwd: dir, overrides: [], sections: SECTIONS, ...over };
}

describe("loadConfig", () => {
  it("merges with the precedence flags > environment > .env > file, and says where each value came from", () => {
    writeFileSync(join(dir, "config.toml"), '[amber]\ntoken = "psk_from_the_file_0001"\nsite = "FILESITE"\n[goodwe]\nport = 8899\n', {
      mode: 0o600,
    });
    writeFileSync(
      join(dir, ".env"),
      "OPENPOWER_AMBER_TOKEN=psk_from_dotenv_00002\nOPENPOWER_AMBER_SITE=DOTENVSITE\nOPENPOWER_GOODWE_PORT=502\n",
    );
    const config = loadConfig(
      inputs({ env: { OPENPOWER_AMBER_TOKEN: "psk_from_environ_0003", OPENPOWER_GOODWE_PORT: "" }, overrides: ["amber.site=FLAGSITE"] }),
    );
    expect(config.sections.amber).toEqual({ token: "psk_from_environ_0003", site: "FLAGSITE" });
    expect(config.sources["amber.token"]).toBe("env OPENPOWER_AMBER_TOKEN");
    expect(config.sources["amber.site"]).toBe("--set");
    // An empty environment variable does not override: the .env value wins over the file.
    expect(config.sections.goodwe).toEqual({ port: 502 });
    expect(config.sources["goodwe.port"]).toBe(".env OPENPOWER_GOODWE_PORT");
  });

  it("uses the file alone when nothing overrides it, and a missing default file is an empty config", () => {
    expect(loadConfig(inputs()).fileExists).toBe(false);
    writeFileSync(join(dir, "config.toml"), '[amber]\ntoken = "psk_only_in_the_file_4"\n', { mode: 0o600 });
    const config = loadConfig(inputs());
    expect(config.sections.amber).toEqual({ token: "psk_only_in_the_file_4" });
    expect(config.sources["amber.token"]).toBe("config file");
  });

  it("registers secrets for redaction as soon as they are read", () => {
    loadConfig(inputs({ env: { OPENPOWER_AMBER_TOKEN: "psk_registered_secret_77" } }));
    expect(redact("token psk_registered_secret_77 leaked")).toBe("token [REDACTED] leaked");
  });

  it("reads .env from --env-file, and a named .env file that does not exist is an error", () => {
    writeFileSync(join(dir, "other.env"), "OPENPOWER_AMBER_SITE=FROMOTHER\n");
    expect(loadConfig(inputs({ envFile: "other.env" })).sections.amber).toEqual({ site: "FROMOTHER" });
    expect(() => loadConfig(inputs({ envFile: "missing.env" }))).toThrow(ConfigurationError);
  });

  it("types values: numbers, lists, choices", () => {
    const config = loadConfig(
      inputs({ env: { OPENPOWER_GOODWE_PORT: "502", OPENPOWER_GOODWE_PROTOCOL: "tcp", OPENPOWER_ALPHAESS_SERIAL: "AL1, AL2,," } }),
    );
    expect(config.sections.goodwe).toEqual({ port: 502, protocol: "tcp" });
    expect(config.sections.alphaess).toEqual({ serial: ["AL1", "AL2"] });
    expect(() => loadConfig(inputs({ env: { OPENPOWER_GOODWE_PORT: "eighty" } }))).toThrow(/OPENPOWER_GOODWE_PORT must be a number/);
    expect(() => loadConfig(inputs({ env: { OPENPOWER_GOODWE_PROTOCOL: "http" } }))).toThrow(/one of udp, tcp/);
    writeFileSync(join(dir, "config.toml"), '[goodwe]\nport = "x"\n');
    expect(() => loadConfig(inputs())).toThrow(/goodwe.port must be a number/);
  });

  it("says which line of a broken file is wrong, and requires a file named explicitly", () => {
    writeFileSync(join(dir, "config.toml"), "[amber\ntoken = 1\n");
    expect(() => loadConfig(inputs())).toThrow(/not valid TOML/);
    expect(() => loadConfig(inputs({ file: join(dir, "nope.toml"), fileRequired: true }))).toThrow(
      /does not exist. Create it with "openpower config init/,
    );
  });

  it("warns about unknown sections and keys (typos) and about a config with secrets readable by others", () => {
    writeFileSync(join(dir, "config.toml"), '[amber]\ntokn = "x"\ntoken = "psk_world_readable_0005"\n[ambre]\nsite = "x"\n', {
      mode: 0o644,
    });
    const config = loadConfig(inputs());
    expect(config.warnings.join("\n")).toMatch(/Unknown setting amber.tokn/);
    expect(config.warnings.join("\n")).toMatch(/Unknown section \[ambre\]/);
    if (process.platform !== "win32") expect(config.warnings.join("\n")).toMatch(/readable by others \(mode 644\): run "chmod 600/);
  });

  it("rejects --set for unknown settings, malformed pairs and wrong values as usage errors", () => {
    expect(() => loadConfig(inputs({ overrides: ["amber.tokn=x"] }))).toThrow(/no such setting \(known keys of \[amber\]: token, site\)/);
    expect(() => loadConfig(inputs({ overrides: ["amber"] }))).toThrow(/--set expects section.key=value/);
    for (const override of ["amber.tokn=x", "amber", "goodwe.port=abc", "goodwe.protocol=http"]) {
      expect(() => loadConfig(inputs({ overrides: [override] })), override).toThrow(UsageError);
    }
    // The same value from the environment is a configuration error (exit 1), not a usage error.
    expect(() => loadConfig(inputs({ env: { OPENPOWER_GOODWE_PORT: "abc" } }))).toThrow(ConfigurationError);
    expect(() => loadConfig(inputs({ env: { OPENPOWER_GOODWE_PORT: "abc" } }))).not.toThrow(UsageError);
  });

  it("a setting's envGuard refuses environment values; the refusal is reported per section, and only when nothing above set the value", () => {
    const sections: SectionSpec[] = [{ name: "powertrack", title: "PowerTrack", settings: VENDOR_SETTINGS.powertrack }];
    writeFileSync(join(dir, "config.toml"), '[powertrack]\nbaseUrl = "http://127.0.0.1:4000"\n', { mode: 0o600 });
    const refused = loadConfig(inputs({ sections, env: { BASE_URL: "https://evil.example" } }));
    expect(refused.sections.powertrack).toEqual({ baseUrl: "http://127.0.0.1:4000" });
    expect(refused.sources["powertrack.baseUrl"]).toBe("config file");
    expect(refused.ignored.powertrack).toEqual([expect.stringMatching(/^BASE_URL=https:\/\/evil\.example is ignored/)]);
    expect(refused.warnings).toEqual([]);
    const taken = loadConfig(inputs({ sections, env: { BASE_URL: "https://apps.alsoenergy.com/" } }));
    expect(taken.sources["powertrack.baseUrl"]).toBe("env BASE_URL");
    expect(taken.ignored).toEqual({});
    const overridden = loadConfig(
      inputs({ sections, env: { BASE_URL: "https://evil.example", OPENPOWER_POWERTRACK_BASE_URL: "http://127.0.0.1:5000" } }),
    );
    expect(overridden.sections.powertrack).toEqual({ baseUrl: "http://127.0.0.1:5000" });
    expect(overridden.ignored).toEqual({});
    expect(POWERTRACK_DEFAULT_BASE_URL).toBe(DEFAULT_BASE_URL);
  });
});

describe("writeConfigFile", () => {
  it("writes TOML with mode 0600, atomically, leaving no temporary file, and round-trips", () => {
    const file = join(dir, "sub", "config.toml");
    writeConfigFile(file, { amber: { token: "psk_written_secret_0006", site: undefined }, goodwe: { port: 502 }, empty: {} });
    if (process.platform !== "win32") {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "sub")).mode & 0o077).toBe(0);
    }
    expect(readdirSync(join(dir, "sub"))).toEqual(["config.toml"]);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("[empty]");
    const config = loadConfig(inputs({ file }));
    expect(config.sections).toEqual({ amber: { token: "psk_written_secret_0006" }, goodwe: { port: 502 } });
    // Overwriting keeps the mode even when the old file was looser.
    writeFileSync(file, "# loose\n", { mode: 0o644 });
    writeConfigFile(file, { goodwe: { port: 8899 } });
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("parseDotenv", () => {
  it("reads export, comments, quotes and escapes", () => {
    const text = [
      "# comment",
      "export A=1",
      "B = two words # trailing comment",
      "C='single # not a comment'",
      'D="line\\nbreak \\"quoted\\""',
      'E="multi',
      'line"',
      "F=",
      "not a line",
      "G=a=b",
    ].join("\n");
    expect(parseDotenv(text)).toEqual({
      A: "1",
      B: "two words",
      C: "single # not a comment",
      D: 'line\nbreak "quoted"',
      E: "multi\nline",
      F: "",
      G: "a=b",
    });
  });

  it("round-trips any value written double-quoted with escapes", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((s) => !s.includes("\r")),
        (value) => {
          const quoted = `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
          expect(parseDotenv(`KEY=${quoted}\n`).KEY).toBe(value);
        },
      ),
    );
  });
});

describe("maskSecret", () => {
  it("never shows a secret whole; long ones keep their last 4 characters", () => {
    expect(maskSecret("psk_1234567890abcdef")).toBe("********cdef");
    expect(maskSecret("short")).toBe("********");
    expect(maskSecret(undefined)).toBe("(not set)");
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 80 }), (secret) => {
        const shown = maskSecret(secret);
        expect(shown.includes(secret)).toBe(false);
        expect(shown.replace(/^\*+/, "").length).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe("resolvePaths", () => {
  it("takes --config over OPENPOWER_CONFIG over the platform directory, and OPENPOWER_DATA_DIR for data", () => {
    const env = { OPENPOWER_CONFIG: "env.toml", OPENPOWER_DATA_DIR: "data" };
    expect(resolvePaths(env, "/work", "flag.toml")).toMatchObject({
      configFile: "/work/flag.toml",
      configSource: "--config",
      dataDir: "/work/data",
      auditLog: "/work/data/audit.jsonl",
    });
    expect(resolvePaths(env, "/work")).toMatchObject({ configFile: "/work/env.toml", configSource: "OPENPOWER_CONFIG" });
    const platform = resolvePaths({}, "/work");
    expect(platform.configSource).toBe("default");
    expect(platform.configFile).toMatch(/openpower.*config\.toml$/);
  });
});

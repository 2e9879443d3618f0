import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError } from "../../core/errors/index.js";
import { redact } from "../../core/redact.js";
import { AuthManager, DEFAULT_AE_V, DEFAULT_BASE_URL } from "./auth-manager.js";
import { nodeFetchSnippet } from "../test-support/snippets.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
let dir: string;
beforeEach(() => {
  mkdirSync(join(repo, "tmp"), { recursive: true });
  dir = mkdtempSync(join(repo, "tmp", "powertrack-auth-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
/** Only what a test gives: no real environment, and files resolved in the temp dir. */
const auth = (options: ConstructorParameters<typeof AuthManager>[0] = {}) => new AuthManager({ env: {}, cwd: dir, ...options });

describe("AuthManager sources", () => {
  it("uses explicit options, with ae_v c75711 and the apps.alsoenergy.com base URL by default", () => {
    const a = auth({ cookie: "AESession=opt-cookie-1", aeS: "*opt-aes-1" });
    expect(a.headers()).toMatchObject({ cookie: "AESession=opt-cookie-1", ae_s: "*opt-aes-1", ae_v: "c75711" });
    expect(DEFAULT_AE_V).toBe("c75711");
    expect(a.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(a.sources()).toEqual({
      cookie: { kind: "option", name: "cookie" },
      aeS: { kind: "option", name: "aeS" },
      aeV: { kind: "default", name: "c75711" },
      baseUrl: { kind: "default", name: "https://apps.alsoenergy.com" },
    });
  });

  it("reads COOKIE, AE_S, AE_V and BASE_URL from the environment (the SDK ignored BASE_URL)", () => {
    const a = auth({
      env: { COOKIE: "AESession=env-cookie", AE_S: "*env-aes-value", AE_V: "9bacbb", BASE_URL: "https://eu.example.com/" },
    });
    expect(a.headers()).toMatchObject({ cookie: "AESession=env-cookie", ae_s: "*env-aes-value", ae_v: "9bacbb" });
    expect(a.baseUrl).toBe("https://eu.example.com");
    expect(a.sources().baseUrl).toEqual({ kind: "env", name: "BASE_URL" });
  });

  it("reads a fetch snippet named by option or by POWERTRACK_FETCH_FILE, base URL included", () => {
    const file = write(
      "fetch.js",
      nodeFetchSnippet({
        cookie: "AESession=snippet-cookie",
        aeS: "*snippet-aes",
        aeV: "c75711",
        url: "https://snippet.example/api/view/site/S1",
      }),
    );
    for (const a of [auth({ fetchFile: file }), auth({ env: { POWERTRACK_FETCH_FILE: "fetch.js" } })]) {
      expect(a.headers()).toMatchObject({ cookie: "AESession=snippet-cookie", ae_s: "*snippet-aes", ae_v: "c75711" });
      expect(a.baseUrl).toBe("https://snippet.example");
      expect(a.sources().cookie).toEqual({ kind: "fetchFile", name: file });
    }
  });

  it("reads a cookie file: cookie.txt in the working directory, or a named one", () => {
    write("cookie.txt", "  AESession=file-cookie  \n");
    write("other.txt", "AESession=other-cookie");
    expect(auth({ aeS: "*aes-value" }).headers().cookie).toBe("AESession=file-cookie");
    expect(auth({ aeS: "*aes-value", cookieFile: "other.txt" }).headers().cookie).toBe("AESession=other-cookie");
    expect(auth({ aeS: "*aes-value", env: { POWERTRACK_COOKIE_FILE: "other.txt" } }).headers().cookie).toBe("AESession=other-cookie");
    expect(() => auth({ aeS: "*aes-value", cookieFile: false })).toThrow(AuthenticationError);
  });

  it("reads a .env file last", () => {
    write(".env", 'COOKIE="AESession=dotenv-cookie"\nAE_S=*dotenv-aes\nBASE_URL=https://dotenv.example\n');
    const a = auth();
    expect(a.headers()).toMatchObject({ cookie: "AESession=dotenv-cookie", ae_s: "*dotenv-aes", ae_v: "c75711" });
    expect(a.baseUrl).toBe("https://dotenv.example");
    expect(() => auth({ envFile: false })).toThrow(AuthenticationError);
  });
});

describe("AuthManager precedence: explicit > env > fetch snippet > cookie file > .env, per piece", () => {
  const everywhere = () => {
    write(".env", "COOKIE=AESession=from-dotenv\nAE_S=*from-dotenv\nAE_V=dotenv\nBASE_URL=https://dotenv.example\n");
    write("cookie.txt", "AESession=from-cookie-file");
    return write(
      "fetch.js",
      nodeFetchSnippet({ cookie: "AESession=from-snippet", aeS: "*from-snippet", aeV: "snippet", url: "https://snippet.example/api/x" }),
    );
  };
  const env = { COOKIE: "AESession=from-env", AE_S: "*from-env", AE_V: "envver", BASE_URL: "https://env.example" };

  it("explicit beats everything", () => {
    const fetchFile = everywhere();
    const a = auth({
      cookie: "AESession=explicit",
      aeS: "*explicit",
      aeV: "explicit",
      baseUrl: "https://explicit.example",
      env,
      fetchFile,
    });
    expect(a.headers()).toMatchObject({ cookie: "AESession=explicit", ae_s: "*explicit", ae_v: "explicit" });
    expect(a.baseUrl).toBe("https://explicit.example");
  });

  it("the environment beats a fetch snippet (the SDK's bundled snippet silently overrode env vars)", () => {
    const fetchFile = everywhere();
    const a = auth({ env, fetchFile });
    expect(a.headers()).toMatchObject({ cookie: "AESession=from-env", ae_s: "*from-env", ae_v: "envver" });
    expect(a.baseUrl).toBe("https://env.example");
  });

  it("a fetch snippet beats the cookie file and .env", () => {
    const fetchFile = everywhere();
    const a = auth({ fetchFile });
    expect(a.headers()).toMatchObject({ cookie: "AESession=from-snippet", ae_s: "*from-snippet", ae_v: "snippet" });
    expect(a.baseUrl).toBe("https://snippet.example");
  });

  it("the cookie file beats .env, and each piece is resolved on its own", () => {
    everywhere();
    const a = auth({ env: { AE_V: "envver" } });
    expect(a.headers()).toMatchObject({ cookie: "AESession=from-cookie-file", ae_s: "*from-dotenv", ae_v: "envver" });
    expect(a.sources()).toMatchObject({
      cookie: { kind: "cookieFile" },
      aeS: { kind: "envFile" },
      aeV: { kind: "env" },
      baseUrl: { kind: "envFile" },
    });
  });

  it("never picks up a stray mostRecentFetch.js on its own", () => {
    write("mostRecentFetch.js", nodeFetchSnippet({ cookie: "AESession=stray", aeS: "*stray" }));
    mkdirSync(join(dir, "auth"));
    write("auth/mostRecentFetch.js", nodeFetchSnippet({ cookie: "AESession=stray2", aeS: "*stray2" }));
    expect(() => auth()).toThrow(AuthenticationError);
    expect(auth({ env }).headers().cookie).toBe("AESession=from-env");
  });
});

describe("AuthManager.fromEnv and fromFetchFile", () => {
  it("fromEnv reads the given environment (and the files it names), not process.env", () => {
    const file = write(
      "fetch.js",
      nodeFetchSnippet({ cookie: "AESession=env-named-snippet", aeS: "*env-named-aes", url: "https://snippet.example/api/x" }),
    );
    const a = AuthManager.fromEnv({ COOKIE: "AESession=from-env-only", POWERTRACK_FETCH_FILE: file }, { cwd: dir });
    expect(a.headers()).toMatchObject({ cookie: "AESession=from-env-only", ae_s: "*env-named-aes" });
    expect(a.sources()).toMatchObject({
      cookie: { kind: "env", name: "COOKIE" },
      aeS: { kind: "fetchFile", name: file },
      baseUrl: { kind: "fetchFile" },
    });
    expect(() => AuthManager.fromEnv({}, { cwd: dir })).toThrow(AuthenticationError);
  });

  it("fromFetchFile reads a snippet; explicit options and the environment still win per piece", () => {
    const file = write("fetch.js", nodeFetchSnippet({ cookie: "AESession=snippet-only", aeS: "*snippet-only", aeV: "9bacbb" }));
    expect(AuthManager.fromFetchFile(file, { env: {}, cwd: dir }).headers()).toMatchObject({
      cookie: "AESession=snippet-only",
      ae_s: "*snippet-only",
      ae_v: "9bacbb",
    });
    const mixed = AuthManager.fromFetchFile(file, { env: { AE_S: "*env-wins" }, cookie: "AESession=option-wins", cwd: dir });
    expect(mixed.headers()).toMatchObject({ cookie: "AESession=option-wins", ae_s: "*env-wins", ae_v: "9bacbb" });
    expect(() => AuthManager.fromFetchFile(join(dir, "nope.js"), { env: {}, cwd: dir })).toThrow(ConfigurationError);
  });
});

describe("AuthManager failures and secrecy", () => {
  it("names the missing piece, never a value", () => {
    const error = (() => {
      try {
        auth({ cookie: "AESession=present-secret-cookie" });
      } catch (e) {
        return e as AuthenticationError;
      }
    })();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error!.message).toMatch(/no ae_s found/);
    expect(error!.message).toMatch(/Copy as fetch/);
    expect(error!.message).not.toContain("present-secret-cookie");
    expect(() => auth({ aeS: "*only-aes" })).toThrow(/no cookie found/);
    expect(() => auth()).toThrow(/no cookie and ae_s found/);
  });

  it("refuses a base URL that is not http(s)", () => {
    expect(() => auth({ cookie: "AESession=c-value", aeS: "*aes-value", baseUrl: "apps.alsoenergy.com" })).toThrow(ConfigurationError);
    expect(() => auth({ cookie: "AESession=c-value", aeS: "*aes-value", env: { BASE_URL: "ftp://x" } })).toThrow(/BASE_URL/);
  });

  it("reports an unreadable fetch file as a configuration problem", () => {
    expect(() => auth({ fetchFile: "missing.js" })).toThrow(ConfigurationError);
  });

  it("keeps credentials out of inspect, JSON and messages", () => {
    const a = auth({ cookie: ".AspNet.Cookies=chunks-2; AESession=TOPSECRETSESSION42", aeS: "*TopSecretAeS+value==" });
    const shown = `${inspect(a)} ${JSON.stringify(a)}`;
    expect(shown).not.toContain("TOPSECRETSESSION42");
    expect(shown).not.toContain("TopSecretAeS");
    expect(redact("cookie was AESession=TOPSECRETSESSION42 and *TopSecretAeS+value==")).not.toMatch(/TOPSECRET|TopSecret/);
  });

  it("registers a cookie for redaction as soon as it is read, even when construction then fails", () => {
    expect(() => auth({ cookie: "AESession=READ-BUT-INCOMPLETE-77" })).toThrow(AuthenticationError);
    expect(redact("the cookie AESession=READ-BUT-INCOMPLETE-77 leaked")).not.toContain("READ-BUT-INCOMPLETE-77");
  });

  it("refresh() picks up a fresh fetch and says whether anything changed", () => {
    const file = write("fetch.js", nodeFetchSnippet({ cookie: "AESession=first-cookie", aeS: "*first-aes" }));
    const a = auth({ fetchFile: file });
    expect(a.refresh()).toBe(false);
    write("fetch.js", nodeFetchSnippet({ cookie: "AESession=second-cookie", aeS: "*second-aes" }));
    expect(a.refresh()).toBe(true);
    expect(a.headers()).toMatchObject({ cookie: "AESession=second-cookie", ae_s: "*second-aes" });
  });
});

describe("no credentials ship with the package", () => {
  function* walk(path: string): Generator<string> {
    for (const name of readdirSync(path)) {
      if (["node_modules", ".git", "tmp", "dist", "coverage"].includes(name)) continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) yield* walk(full);
      else yield full;
    }
  }

  it("has no mostRecentFetch.js and no captured fetch with a real-looking ae_s or session cookie", () => {
    const offenders: string[] = [];
    for (const file of walk(repo)) {
      const rel = relative(repo, file);
      if (/mostrecentfetch/i.test(rel)) offenders.push(rel);
      if (!/\.(js|ts|json|md|txt)$/.test(file) || file.endsWith(".test.ts")) continue;
      const text = readFileSync(file, "utf8");
      if (/["']ae_s["']\s*:\s*["']\*[A-Za-z0-9+/]{24,}={0,2}["']/.test(text) || /AESessionC1=[A-Za-z0-9%_-]{40,}/.test(text))
        offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});

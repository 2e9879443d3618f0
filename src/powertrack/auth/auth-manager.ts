import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { inspect } from "node:util";
import { AuthenticationError, ConfigurationError } from "../../core/errors/index.js";
import { registerSecret } from "../../core/redact.js";
import { readEnvFile } from "./env-file.js";
import { parseFetchSnippet, type FetchSnippet } from "./fetch-snippet.js";

export const DEFAULT_BASE_URL = "https://apps.alsoenergy.com";
/** The client version seen in every captured request (the Python SDK's `086665` was never observed). */
export const DEFAULT_AE_V = "c75711";

/**
 * Where credentials come from. Each piece (cookie, ae_s, ae_v, base URL) is resolved on its own,
 * first source wins, in this order:
 *
 * 1. explicit options (`cookie`, `aeS`, `aeV`, `baseUrl`);
 * 2. environment: `COOKIE`, `AE_S`, `AE_V`, `BASE_URL`;
 * 3. a browser "Copy as fetch (Node.js)" snippet file: `fetchFile`, else `POWERTRACK_FETCH_FILE`
 *    (cookie, ae_s, ae_v and the base URL; the last match of each wins);
 * 4. a cookie file (the whole file is the cookie): `cookieFile`, else `POWERTRACK_COOKIE_FILE`,
 *    else `cookie.txt` in `cwd`;
 * 5. a `.env` file (`envFile`, default `.env` in `cwd`): `COOKIE`, `AE_S`, `AE_V`, `BASE_URL`.
 *
 * Then `ae_v` defaults to `c75711` and the base URL to `https://apps.alsoenergy.com`.
 * No fetch snippet is ever looked for implicitly, and none ships with this package.
 */
export interface AuthOptions {
  cookie?: string;
  aeS?: string;
  aeV?: string;
  baseUrl?: string;
  /** Path of a "Copy as fetch (Node.js)" (or "Copy as cURL") snippet. */
  fetchFile?: string;
  /** Path of a file holding the cookie string; `false` to skip cookie files. */
  cookieFile?: string | false;
  /** Path of a `.env` file; `false` to skip it. */
  envFile?: string | false;
  /** Environment to read instead of `process.env` (tests, embedding); `false` to read none. */
  env?: Record<string, string | undefined> | false;
  /** How to name the explicit options in the "missing" message, e.g. "the openpower configuration". Default "options". */
  optionsLabel?: string;
  /** Directory that relative paths and the default files are resolved against. Default `process.cwd()`. */
  cwd?: string;
}

export type CredentialPiece = "cookie" | "aeS" | "aeV" | "baseUrl";

/** Which source supplied a piece: a kind and a name (option, variable or file path), never the value. */
export interface CredentialSource {
  kind: "option" | "env" | "fetchFile" | "cookieFile" | "envFile" | "default";
  name: string;
}

const ENV_NAMES: Record<CredentialPiece, string> = { cookie: "COOKIE", aeS: "AE_S", aeV: "AE_V", baseUrl: "BASE_URL" };
const PIECE_LABEL: Record<CredentialPiece, string> = { cookie: "cookie", aeS: "ae_s", aeV: "ae_v", baseUrl: "base URL" };

interface Resolved {
  values: Record<CredentialPiece, string | undefined>;
  sources: Partial<Record<CredentialPiece, CredentialSource>>;
  /** What was looked at, for the "missing" message. */
  looked: string[];
}

/**
 * PowerTrack web-app credentials: the browser's cookie string, the `ae_s` session token and the
 * `ae_v` client version, plus the base URL. Resolved once on construction (`refresh()` re-reads the
 * files and environment); a missing cookie or `ae_s` is an `AuthenticationError` naming the piece.
 * Values are registered for redaction and never appear in `inspect`, `toJSON` or messages.
 */
export class AuthManager {
  readonly #options: AuthOptions;
  #values!: Record<CredentialPiece, string>;
  #sources!: Record<CredentialPiece, CredentialSource>;

  constructor(options: AuthOptions = {}) {
    this.#options = { ...options };
    this.#apply(resolveCredentials(this.#options));
  }

  /** Credentials from the environment (and the default cookie and `.env` files) only. */
  static fromEnv(env: Record<string, string | undefined> = process.env, options: Omit<AuthOptions, "env"> = {}): AuthManager {
    return new AuthManager({ ...options, env });
  }

  /** Credentials from a fetch snippet file (explicit options and the environment still take precedence). */
  static fromFetchFile(path: string, options: Omit<AuthOptions, "fetchFile"> = {}): AuthManager {
    return new AuthManager({ ...options, fetchFile: path });
  }

  /** The base URL without a trailing slash, e.g. "https://apps.alsoenergy.com". */
  get baseUrl(): string {
    return this.#values.baseUrl;
  }

  /** The `ae_v` client version sent (not a secret). */
  get aeV(): string {
    return this.#values.aeV;
  }

  /** Where each piece came from (names and paths only, never values). */
  sources(): Record<CredentialPiece, CredentialSource> {
    return { ...this.#sources };
  }

  /**
   * The headers every PowerTrack request carries: `ae_s`, `ae_v`, `cookie`, `Accept`, plus the
   * `Referer` of the web-app page being emulated when given.
   */
  headers(referer?: string): Record<string, string> {
    const out: Record<string, string> = {
      accept: "application/json",
      ae_s: this.#values.aeS,
      ae_v: this.#values.aeV,
      cookie: this.#values.cookie,
    };
    if (referer) out.referer = referer;
    return out;
  }

  /**
   * Re-reads the environment and files (after the user pasted a fresh fetch). Returns whether any
   * piece changed; throws like the constructor when a piece is now missing.
   */
  refresh(): boolean {
    const before = JSON.stringify(this.#values);
    this.#apply(resolveCredentials(this.#options));
    return JSON.stringify(this.#values) !== before;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#values.baseUrl, aeV: this.#values.aeV, sources: this.sources() };
  }

  [inspect.custom](): string {
    return `AuthManager ${inspect(this.toJSON(), { depth: 3 })}`;
  }

  #apply(resolved: Resolved): void {
    const missing = (["cookie", "aeS"] as const).filter((piece) => !resolved.values[piece]);
    if (missing.length > 0) {
      const names = missing.map((p) => PIECE_LABEL[p]).join(" and ");
      throw new AuthenticationError(
        `PowerTrack credentials are incomplete: no ${names} found (looked at ${resolved.looked.join(", ")}). ` +
          `Copy a fresh fetch from the browser (DevTools → Network → right-click an /api/ request → Copy as fetch (Node.js)), ` +
          `save it to a file and set POWERTRACK_FETCH_FILE to its path, or set ${missing.map((p) => ENV_NAMES[p]).join(" and ")}.`,
        { vendor: "powertrack", operation: "auth" },
      );
    }
    const baseUrl = normaliseBaseUrl(resolved.values.baseUrl ?? DEFAULT_BASE_URL, resolved.sources.baseUrl);
    this.#values = { cookie: resolved.values.cookie!, aeS: resolved.values.aeS!, aeV: resolved.values.aeV ?? DEFAULT_AE_V, baseUrl };
    this.#sources = {
      cookie: resolved.sources.cookie!,
      aeS: resolved.sources.aeS!,
      aeV: resolved.sources.aeV ?? { kind: "default", name: DEFAULT_AE_V },
      baseUrl: resolved.sources.baseUrl ?? { kind: "default", name: DEFAULT_BASE_URL },
    };
  }
}

function normaliseBaseUrl(value: string, source: CredentialSource | undefined): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    url = new URL("invalid:");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.host) {
    throw new ConfigurationError(
      `The PowerTrack base URL ${JSON.stringify(value)}${source ? ` (from ${source.kind} ${source.name})` : ""} is not an http(s) URL. Use e.g. "https://apps.alsoenergy.com".`,
      { vendor: "powertrack", setting: "baseUrl" },
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Resolves every piece from every source, first source wins per piece. The cookie and ae_s are
 * registered for redaction here, as soon as they are read (internal: use `AuthManager`).
 */
function resolveCredentials(options: AuthOptions): Resolved {
  const env = options.env === false ? {} : (options.env ?? process.env);
  const cwd = options.cwd ?? process.cwd();
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const values: Record<CredentialPiece, string | undefined> = { cookie: undefined, aeS: undefined, aeV: undefined, baseUrl: undefined };
  const sources: Partial<Record<CredentialPiece, CredentialSource>> = {};
  const looked: string[] = [];
  const offer = (piece: CredentialPiece, value: string | undefined, source: CredentialSource) => {
    const text = value?.trim();
    if (values[piece] !== undefined || !text) return;
    values[piece] = text;
    sources[piece] = source;
  };

  looked.push(options.optionsLabel ?? "options");
  offer("cookie", options.cookie, { kind: "option", name: "cookie" });
  offer("aeS", options.aeS, { kind: "option", name: "aeS" });
  offer("aeV", options.aeV, { kind: "option", name: "aeV" });
  offer("baseUrl", options.baseUrl, { kind: "option", name: "baseUrl" });

  if (options.env !== false) looked.push("environment COOKIE/AE_S/AE_V/BASE_URL");
  for (const piece of Object.keys(ENV_NAMES) as CredentialPiece[])
    offer(piece, env[ENV_NAMES[piece]], { kind: "env", name: ENV_NAMES[piece] });

  const fetchFile = options.fetchFile ?? env.POWERTRACK_FETCH_FILE;
  if (fetchFile) {
    const file = path(fetchFile);
    looked.push(`fetch snippet ${file}`);
    const snippet = readFetchFile(file);
    const source: CredentialSource = { kind: "fetchFile", name: file };
    offer("cookie", snippet.cookie, source);
    offer("aeS", snippet.aeS, source);
    offer("aeV", snippet.aeV, source);
    offer("baseUrl", snippet.baseUrl, source);
  } else {
    looked.push(options.env === false ? "fetch snippet (none configured)" : "fetch snippet (none configured: POWERTRACK_FETCH_FILE)");
  }

  if (options.cookieFile !== false) {
    const file = path(options.cookieFile ?? env.POWERTRACK_COOKIE_FILE ?? "cookie.txt");
    looked.push(`cookie file ${file}`);
    offer("cookie", readOptionalFile(file), { kind: "cookieFile", name: file });
  }

  if (options.envFile !== false) {
    const file = path(options.envFile ?? ".env");
    looked.push(`${file}`);
    const vars = readEnvFile(file);
    if (vars)
      for (const piece of Object.keys(ENV_NAMES) as CredentialPiece[])
        offer(piece, vars[ENV_NAMES[piece]], { kind: "envFile", name: `${file}:${ENV_NAMES[piece]}` });
  }
  if (values.cookie) registerSecret(values.cookie);
  if (values.aeS) registerSecret(values.aeS);
  return { values, sources, looked };
}

function readFetchFile(file: string): FetchSnippet {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the PowerTrack fetch snippet ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}). Check POWERTRACK_FETCH_FILE / fetchFile.`,
      {
        vendor: "powertrack",
        setting: "fetchFile",
      },
    );
  }
  return parseFetchSnippet(text);
}

function readOptionalFile(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigurationError(`Cannot read the PowerTrack cookie file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}).`, {
      vendor: "powertrack",
      setting: "cookieFile",
    });
  }
}

import type { Vendor } from "../../model/types.js";
import type { SettingSpec } from "./settings.js";

/**
 * Every vendor's settings: the TOML keys, their environment variables and whether they are
 * secret. Plain data with no vendor code, so that `program.ts` can declare one
 * `config init --<vendor>-<key>` flag per setting without slowing `openpower --help`; each
 * vendor plugin takes its `settings` from here, so flags and settings cannot drift apart.
 */

/** The PowerTrack web app (`DEFAULT_BASE_URL` of the PowerTrack auth module; a test keeps them equal). */
export const POWERTRACK_DEFAULT_BASE_URL = "https://apps.alsoenergy.com";

/**
 * A bare `BASE_URL` (shell or `.env`) is too generic a name to trust with where the PowerTrack
 * cookie is sent: it is taken only when it names the real web app, and otherwise ignored with a
 * warning. A simulator's or proxy's URL comes from the config file, `--set powertrack.baseUrl=...`
 * or OPENPOWER_POWERTRACK_BASE_URL.
 */
function powertrackBaseUrlGuard(name: string, value: string): string | undefined {
  if (name !== "BASE_URL") return undefined;
  let origin: string | undefined;
  try {
    origin = new URL(value.trim()).origin;
  } catch {
    origin = undefined;
  }
  if (origin === POWERTRACK_DEFAULT_BASE_URL) return undefined;
  return `BASE_URL=${value.trim()} is ignored: a PowerTrack base URL other than ${POWERTRACK_DEFAULT_BASE_URL} is taken only from the config file, --set powertrack.baseUrl=... or OPENPOWER_POWERTRACK_BASE_URL (so an unrelated BASE_URL cannot send the PowerTrack cookie elsewhere).`;
}

/** An IANA zone this machine knows ("Australia/Sydney"); "Mars/Olympus" is not one. */
export function checkTimeZone(value: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return undefined;
  } catch {
    return "is not an IANA time zone (e.g. Australia/Sydney, Europe/Berlin, UTC)";
  }
}

/** AlphaESS serial numbers are letters and digits (AL2002321010043, AE1234...). */
function checkAlphaEssSerial(value: string): string | undefined {
  return /^[A-Za-z0-9]{2,40}$/.test(value) ? undefined : "is not an AlphaESS serial number (letters and digits, e.g. AL2002321010043)";
}

/** Amber tokens are issued as "psk_" and a key (app.amber.com.au/developers). */
function checkAmberToken(value: string): string | undefined {
  return /^psk_\S+$/.test(value.trim())
    ? undefined
    : 'is not an Amber API token: they start with "psk_" (https://app.amber.com.au/developers)';
}

/** PowerTrack site keys: "S" and digits. */
function checkSiteKey(value: string): string | undefined {
  return /^S?\d+$/.test(value) ? undefined : "is not a PowerTrack site key (S and digits, e.g. S12345)";
}

export const VENDOR_SETTINGS: Readonly<Record<Vendor, readonly SettingSpec[]>> = {
  alphaess: [
    {
      key: "appId",
      env: ["OPENPOWER_ALPHAESS_APP_ID"],
      secret: true,
      init: true,
      description: "developer AppID from open.alphaess.com (Developer Information)",
      example: "alpha73cf07876a2d789e",
    },
    { key: "appSecret", env: ["OPENPOWER_ALPHAESS_APP_SECRET"], secret: true, init: true, description: "developer AppSecret" },
    {
      key: "serial",
      env: ["OPENPOWER_ALPHAESS_SERIAL"],
      type: "list",
      init: true,
      description: "system serial number(s), comma-separated (empty: every system bound to the AppID)",
      check: checkAlphaEssSerial,
    },
    {
      key: "timeZone",
      env: ["OPENPOWER_ALPHAESS_TIMEZONE"],
      init: true,
      description: "the systems' IANA time zone, e.g. Australia/Sydney (empty: this machine's)",
      check: checkTimeZone,
    },
    {
      key: "baseUrl",
      env: ["OPENPOWER_ALPHAESS_BASE_URL"],
      description: "API base URL (default https://openapi.alphaess.com/api; a simulator's URL)",
    },
    {
      key: "minIntervalMs",
      env: ["OPENPOWER_ALPHAESS_MIN_INTERVAL_MS"],
      type: "number",
      description: "minimum ms between two requests to one endpoint (default 1250)",
    },
    {
      key: "writeCooldownMs",
      env: ["OPENPOWER_ALPHAESS_WRITE_COOLDOWN_MS"],
      type: "number",
      description: "minimum ms between two setting writes to one system (default 30000)",
    },
  ],
  amber: [
    {
      key: "token",
      env: ["OPENPOWER_AMBER_TOKEN"],
      secret: true,
      init: true,
      description: "API token (psk_...) from https://app.amber.com.au/developers",
      check: checkAmberToken,
    },
    { key: "site", env: ["OPENPOWER_AMBER_SITE"], init: true, description: "site id (empty: the account's active site)" },
    {
      key: "baseUrl",
      env: ["OPENPOWER_AMBER_BASE_URL"],
      description: "API base URL (default https://api.amber.com.au/v1; a simulator's URL)",
    },
  ],
  goodwe: [
    {
      key: "host",
      env: ["OPENPOWER_GOODWE_HOST"],
      init: true,
      description: "inverter (WiFi/LAN dongle) address on the local network; empty for SEMS only",
    },
    { key: "port", env: ["OPENPOWER_GOODWE_PORT"], type: "number", init: true, description: "port (default 8899 for udp, 502 for tcp)" },
    {
      key: "protocol",
      env: ["OPENPOWER_GOODWE_PROTOCOL"],
      choices: ["udp", "tcp"],
      init: true,
      description: "udp (most dongles) or tcp (Modbus/TCP, LAN Kit 2.0)",
    },
    { key: "family", env: ["OPENPOWER_GOODWE_FAMILY"], choices: ["ET", "DT", "ES"], description: "inverter family (default: detect)" },
    {
      key: "timeZone",
      env: ["OPENPOWER_GOODWE_TIMEZONE"],
      init: true,
      description: "the inverter's IANA time zone (empty: this machine's)",
      check: checkTimeZone,
    },
    { key: "timeoutMs", env: ["OPENPOWER_GOODWE_TIMEOUT_MS"], type: "number", description: "per-attempt timeout, ms (default 1000)" },
    {
      key: "semsEmail",
      env: ["OPENPOWER_SEMS_EMAIL"],
      init: true,
      description: "SEMS Portal account e-mail (cloud monitoring; empty for local only)",
    },
    { key: "semsPassword", env: ["OPENPOWER_SEMS_PASSWORD"], secret: true, init: true, description: "SEMS Portal password" },
    {
      key: "semsLoginUrl",
      env: ["OPENPOWER_SEMS_LOGIN_URL"],
      description: "SEMS CrossLogin URL (default https://www.semsportal.com/api/v2/Common/CrossLogin; a simulator's)",
    },
    { key: "semsStation", env: ["OPENPOWER_SEMS_STATION"], description: "SEMS power station id (default: the account's first)" },
  ],
  powertrack: [
    {
      key: "cookie",
      env: ["OPENPOWER_POWERTRACK_COOKIE", "COOKIE"],
      secret: true,
      init: true,
      description: "the browser's cookie string for apps.alsoenergy.com (or use fetchFile)",
    },
    { key: "aeS", env: ["OPENPOWER_POWERTRACK_AE_S", "AE_S"], secret: true, init: true, description: "the ae_s session token header" },
    { key: "aeV", env: ["OPENPOWER_POWERTRACK_AE_V", "AE_V"], description: "the ae_v client version header (default c75711)" },
    {
      key: "baseUrl",
      env: ["OPENPOWER_POWERTRACK_BASE_URL", "BASE_URL"],
      envGuard: powertrackBaseUrlGuard,
      description: `web app URL (default ${POWERTRACK_DEFAULT_BASE_URL}; a simulator's URL)`,
    },
    {
      key: "fetchFile",
      env: ["OPENPOWER_POWERTRACK_FETCH_FILE", "POWERTRACK_FETCH_FILE"],
      init: true,
      description: 'a browser "Copy as fetch (Node.js)" snippet file holding the credentials',
    },
    {
      key: "sites",
      env: ["OPENPOWER_POWERTRACK_SITES"],
      type: "list",
      init: true,
      description: "site keys shown by status, watch and history, comma-separated (e.g. S12345)",
      check: checkSiteKey,
    },
    { key: "customer", env: ["OPENPOWER_POWERTRACK_CUSTOMER"], description: "default customer key for portfolio commands (e.g. C1234)" },
    {
      key: "backupDir",
      env: ["OPENPOWER_POWERTRACK_BACKUP_DIR"],
      description: "where bulk-update saves originals before writing (default: <data dir>/powertrack-backups)",
    },
  ],
};

/** camelCase → kebab-case: "semsLoginUrl" → "sems-login-url", "aeS" → "ae-s". */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The `config init` flag of a setting: `--alphaess-app-id`. */
export function initFlag(vendor: string, key: string): string {
  return `--${vendor}-${kebab(key)}`;
}

/** The option key commander gives that flag: `--alphaess-app-id` → `alphaessAppId`. */
export function initOptionKey(vendor: string, key: string): string {
  return `${vendor}${key[0]!.toUpperCase()}${key.slice(1)}`;
}

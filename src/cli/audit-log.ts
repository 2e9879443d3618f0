import { appendFileSync, chmodSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { dirname } from "node:path";
import { ConfigurationError } from "../core/errors/index.js";
import { redact, redactValue } from "../core/redact.js";

/** One line of the audit log: who changed what on which device, and whether it took. */
export interface AuditEntry {
  /** ISO time the entry was written, by this machine's clock (one clock for the whole log). */
  time: string;
  user: string;
  host: string;
  /** The command line, secrets removed. */
  command: string;
  vendor: string;
  device: string;
  /** What was asked for: the intent text or the method and arguments. */
  request: unknown;
  dryRun: boolean;
  /** The vendor-level state before, per write target. */
  before: unknown;
  /** The state asked for, per write target. */
  after: unknown;
  /** What reading back showed, per write target (null: not verified). */
  readBack: unknown;
  /** Per write: whether it was sent and whether the device took it. */
  taken: { target: string; sent: boolean | null; taken: boolean | null; error?: string }[];
  ok: boolean;
}

/**
 * Appends one JSON line to the audit log (`audit.jsonl` in the data directory), creating the
 * directory (0700) and file (0600) on first use. Appending a single line with one `write` keeps
 * concurrent writers from interleaving within a line.
 */
export function appendAudit(
  path: string,
  entry: Omit<AuditEntry, "user" | "host"> & Partial<Pick<AuditEntry, "user" | "host">>,
  options: { warn?: (message: string) => void } = {},
): AuditEntry {
  const full: AuditEntry = { ...entry, user: entry.user ?? currentUser(), host: entry.host ?? hostname() };
  const line = `${redact(JSON.stringify(redactValue(full)))}\n`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  tightenMode(path, options.warn);
  appendFileSync(path, line, { mode: 0o600 });
  return full;
}

/** Every entry of an audit log; a missing file is an empty log. Unreadable lines are skipped. */
export function readAudit(path: string): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: AuditEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as AuditEntry);
    } catch {
      // A torn line (crash mid-write) must not hide the rest of the log.
    }
  }
  return out;
}

/**
 * The log says which devices were changed, when and by whom: other users of the machine have no
 * business reading it. A log that already exists with a looser mode (created by hand, copied, an
 * old umask) is tightened to 0600 with a warning; when that is impossible (not our file), nothing
 * is appended and the error says why.
 */
function tightenMode(path: string, warn: ((message: string) => void) | undefined): void {
  if (process.platform === "win32") return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  const was = mode.toString(8).padStart(4, "0");
  try {
    chmodSync(path, 0o600);
  } catch (error) {
    throw new ConfigurationError(
      `The audit log ${path} is readable by other users (mode ${was}) and openpower cannot change that (${(error as Error).message}): nothing was written. Run "chmod 600 ${path}" or set OPENPOWER_DATA_DIR to a directory of your own.`,
      { setting: "OPENPOWER_DATA_DIR", cause: error },
    );
  }
  warn?.(`The audit log ${path} was readable by other users (mode ${was}); openpower set it to 0600.`);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}

/**
 * The latest write to one device and endpoint that may have reached it (`sent` true or unknown),
 * from the audit log. Targets match with or without an HTTP method ("POST updateChargeConfigInfo"
 * and "updateChargeConfigInfo" are the same endpoint).
 */
export function lastAuditedWrite(
  entries: readonly AuditEntry[],
  query: { vendor: string; device: string; endpoint: string },
): { at: Date; command: string } | undefined {
  const endpoint = bareTarget(query.endpoint);
  let last: { at: Date; command: string } | undefined;
  for (const e of entries) {
    if (e.dryRun || e.vendor !== query.vendor || e.device !== query.device || !Array.isArray(e.taken)) continue;
    if (!e.taken.some((t) => t.sent !== false && bareTarget(t.target) === endpoint)) continue;
    const at = new Date(e.time);
    if (!Number.isNaN(at.getTime()) && (!last || at > last.at)) last = { at, command: e.command };
  }
  return last;
}

function bareTarget(target: string): string {
  return String(target).replace(/^[A-Z]+\s+/, "");
}

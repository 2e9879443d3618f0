import { AuthenticationError, OpenPowerError, ValidationError } from "../core/errors/index.js";
import { redact } from "../core/redact.js";
import { cliWords } from "./cli-words.js";

/** The exit codes of `openpower`: documented in docs/cli.md and relied on by scripts. */
export const ExitCode = {
  ok: 0,
  /** Something failed: credentials, network, vendor error. */
  error: 1,
  /** The command line was wrong (unknown option, bad intent, bad date): nothing was done. */
  usage: 2,
  /** Part of the work succeeded and part failed (one system of several, a write that did not take). */
  partial: 3,
  /** Interrupted with Ctrl-C (128 + SIGINT, the shell's convention). */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line. Nothing was sent anywhere. Exit code 2. */
export class UsageError extends ValidationError {
  static {
    this.prototype.name = "UsageError";
  }
}

/**
 * Some of the work failed and some succeeded; the output already said which. Exit code 3.
 * The message is a one-line summary.
 */
export class PartialFailure extends OpenPowerError {
  static {
    this.prototype.name = "PartialFailure";
  }
}

/** The user declined a confirmation. Nothing was done. Exit code 1 with a plain message. */
export class Cancelled extends OpenPowerError {
  static {
    this.prototype.name = "Cancelled";
  }
}

/** Ctrl-C at a question. Nothing was done. Exit code 130. */
export class Interrupted extends Cancelled {
  static {
    this.prototype.name = "Interrupted";
  }
}

interface CommanderLike {
  code: string;
  exitCode: number;
}

function isCommanderError(error: unknown): error is Error & CommanderLike {
  return (
    error instanceof Error &&
    typeof (error as Partial<CommanderLike>).code === "string" &&
    (error as Partial<CommanderLike>).code!.startsWith("commander.")
  );
}

/** The exit code for an error that reached the top level. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (isCommanderError(error)) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof PartialFailure) return ExitCode.partial;
  if (error instanceof Interrupted) return ExitCode.interrupted;
  if (error instanceof ValidationError) return ExitCode.usage;
  return ExitCode.error;
}

/**
 * One line saying what went wrong and what to do next. OpenPowerError messages already carry the
 * fix; for anything else (a bug, a Node error) we say how to get the details. Secrets are removed.
 */
export function describeError(error: unknown, options: { debug?: boolean; vendor?: string; hint?: boolean } = {}): string {
  if (options.debug && error instanceof Error && error.stack) {
    const extra = error instanceof OpenPowerError ? `\n${JSON.stringify(error.toJSON())}` : "";
    return redact(`${error.stack}${extra}${causeChain(error)}`);
  }
  if (error instanceof OpenPowerError) {
    // Name the vendor unless the message already does (outside URLs: "app.amber.com.au" does not count).
    const vendor = error.vendor ?? options.vendor;
    const where = vendor && !names(error.message, vendor) ? `${vendor}: ` : "";
    const id = error.requestId ? ` (request id ${error.requestId})` : "";
    // The clients' messages speak to library users ("pass it as { token }"); say where the CLI's come from.
    const hint = options.hint && error instanceof AuthenticationError ? ` ${credentialsHint(vendor)}` : "";
    return oneLine(`error: ${where}${error.message}${id}${hint}`);
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const hint =
      typeof code === "string" && fsHints[code]
        ? ` ${fsHints[code]}`
        : " Run again with --debug for the details, and report it if it looks like a bug.";
    const where = options.vendor && !names(error.message, options.vendor) ? `${options.vendor}: ` : "";
    // End the sentence unless the message already does (only at the end: ".." elsewhere is content).
    const message = /[.!?]\s*$/.test(error.message) ? error.message.trimEnd() : `${error.message}.`;
    return oneLine(`error: ${where}${message}${hint}`);
  }
  return oneLine(`error: ${options.vendor ? `${options.vendor}: ` : ""}${String(error)}`);
}

/**
 * What went wrong, for a table cell, a row of a report or a warning: `describeError` without its
 * "error: " prefix. With `vendor`, the vendor is named once (unless the message already names it).
 */
export function describeCause(error: unknown, options: { vendor?: string } = {}): string {
  return describeError(error, { vendor: options.vendor }).replace(/^error: /, "");
}

function credentialsHint(vendor: string | undefined): string {
  const section = vendor?.split("-")[0];
  const which = section ? `the ${section} credentials` : "each credential";
  return `"openpower config show" says where ${which} come from; "openpower config check" tests them.`;
}

/** Whether a message names the vendor (outside URLs: "app.amber.com.au" does not count). */
function names(message: string, vendor: string): boolean {
  return new RegExp(`\\b${vendor}\\b`, "i").test(message.replace(/https?:\/\/\S+/g, ""));
}

const fsHints: Record<string, string> = {
  ENOENT: "Check the path.",
  EACCES: "Check the file permissions.",
  EPERM: "Check the file permissions.",
  EADDRINUSE: "Choose another port.",
  ECONNREFUSED: "Is the service running and the address right?",
};

function causeChain(error: Error): string {
  let out = "";
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    out += `\ncaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return out;
}

function oneLine(text: string): string {
  return redact(cliWords(text.replace(/\s*\n\s*/g, " ").trim()));
}

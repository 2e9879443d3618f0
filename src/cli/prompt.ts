import { Cancelled, Interrupted, UsageError } from "./errors.js";
import type { Io } from "./io.js";

/**
 * Whether we may ask the user something: stdin and stderr are terminals. Prompts are written to
 * stderr, so stdout may be a pipe (`battery apply ... --json | jq` can still confirm) and a
 * prompt never mixes into the data.
 */
export function canPrompt(io: Io): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true;
}

function context(io: Io) {
  return { input: io.stdin, output: io.stderr as unknown as NodeJS.WritableStream, clearPromptOnDone: false };
}

/** Ctrl-C inside a prompt is a cancellation, not a crash. */
async function guard<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    // Ctrl-C (the prompt's ExitPromptError) exits 130 like any interrupted program; an aborted prompt is a plain cancellation.
    if (error instanceof Error && error.name === "ExitPromptError") throw new Interrupted("Interrupted. Nothing was changed.");
    if (error instanceof Error && error.name === "AbortPromptError") throw new Cancelled("Cancelled. Nothing was changed.");
    throw error;
  }
}

/**
 * Asks before a write. Without a terminal there is nobody to ask: the command refuses (exit 2)
 * and says to pass --yes, rather than writing unconfirmed.
 */
export async function confirmWrite(io: Io, message: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  assertCanConfirm(io);
  const { confirm } = await import("@inquirer/prompts");
  const ok = await guard(confirm({ message, default: false }, context(io)));
  if (!ok) throw new Cancelled("Not confirmed. Nothing was written.");
}

/**
 * Refuses (exit 2) when a confirmation would be needed and there is nobody to ask; call it before
 * doing any work that only serves the question (a dry run to show what would change).
 */
export function assertCanConfirm(io: Io, yes?: boolean): void {
  if (yes || canPrompt(io)) return;
  throw new UsageError(
    "Not on a terminal, so openpower cannot ask for confirmation: nothing was written. Re-run with --yes to confirm, or --dry-run to preview.",
    { field: "--yes" },
  );
}

export async function askText(
  io: Io,
  message: string,
  options: { default?: string; secret?: boolean; validate?: (v: string) => true | string },
): Promise<string> {
  const { input, password } = await import("@inquirer/prompts");
  if (options.secret) {
    return guard(password({ message, mask: "*", validate: options.validate }, context(io)));
  }
  return guard(input({ message, default: options.default, validate: options.validate }, context(io)));
}

export async function askChoices(
  io: Io,
  message: string,
  choices: readonly { value: string; name: string; checked?: boolean }[],
): Promise<string[]> {
  const { checkbox } = await import("@inquirer/prompts");
  return guard(checkbox({ message, choices: choices.map((c) => ({ ...c })) }, context(io)));
}

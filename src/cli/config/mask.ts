/**
 * How a secret is shown to people: never whole. Long values keep their last 4 characters so the
 * owner can tell two tokens apart; short ones show nothing.
 */
export function maskSecret(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "(not set)";
  if (value.length < 16) return "********";
  return `********${value.slice(-4)}`;
}

import { createHash } from "node:crypto";

/**
 * SEMS+ (2026) login and request signing, for callers who need them; openpower's SEMS client
 * speaks the legacy portal. Both are reverse-engineered (TimSoethout's integration) and may change.
 */

/** SEMS+ login password: base64(md5hex(password)). */
export function semsPlusPassword(password: string): string {
  return Buffer.from(createHash("md5").update(password, "utf8").digest("hex"), "utf8").toString("base64");
}

/** SEMS+ `X-Signature`: base64(sha256hex("<epochMs>@<uid>@<token>") + "@" + "<epochMs>"). */
export function semsPlusSignature(epochMs: number, uid: string, token: string): string {
  const digest = createHash("sha256").update(`${epochMs}@${uid}@${token}`, "utf8").digest("hex");
  return Buffer.from(`${digest}@${epochMs}`, "utf8").toString("base64");
}

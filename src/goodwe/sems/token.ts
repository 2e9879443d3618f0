/**
 * The legacy SEMS `Token` header: before login `{"version","client","language"}`; after login the
 * six fields of the login's `data` object. The server rejects a header without `version` (100000).
 */

export interface TokenIdentity {
  version: string;
  client: string;
  language: string;
}

export interface SemsSession {
  uid: string;
  /** Milliseconds, as the server sent it. */
  timestamp: number | string;
  token: string;
  client: string;
  version: string;
  language: string;
  /** The regional API base to use for every later call, with a trailing slash. */
  api: string;
  /** When the login completed, on the client's clock (ms). */
  obtainedAt: number;
}

export function preLoginTokenHeader(identity: TokenIdentity): string {
  return JSON.stringify({ version: identity.version, client: identity.client, language: identity.language });
}

export function sessionTokenHeader(session: SemsSession): string {
  return JSON.stringify({
    version: session.version,
    client: session.client,
    language: session.language,
    timestamp: session.timestamp,
    uid: session.uid,
    token: session.token,
  });
}

/** `https://eu.semsportal.com/api` → `https://eu.semsportal.com/api/` (paths are appended to it). */
export function normaliseApiBase(api: string): string {
  return api.endsWith("/") ? api : `${api}/`;
}

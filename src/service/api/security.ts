import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpProblem, problemResponse } from "./problem.js";

export interface SecurityOptions {
  /** The API token; without one, every write is refused. */
  token?: string;
  /** Reads need the token too (the service listens beyond the loopback address). */
  tokenForReads: boolean;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Every write (any method but GET/HEAD) needs `Authorization: Bearer <token>` and must come from the
 * service's own origin: a browser page elsewhere can neither forge nor replay one. Reads need the
 * token only when the service listens beyond 127.0.0.1.
 */
export function security(options: SecurityOptions): MiddlewareHandler {
  return async (c, next) => {
    const write = c.req.method !== "GET" && c.req.method !== "HEAD";
    if (write) {
      const origin = c.req.header("origin");
      const host = c.req.header("host");
      const fetchSite = c.req.header("sec-fetch-site");
      if (
        (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) ||
        (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none")
      )
        return problemResponse(
          c,
          new HttpProblem(
            403,
            "cross-origin",
            "Cross-origin writes are refused",
            `Origin ${origin ?? fetchSite ?? "?"} may not write to this service.`,
          ),
        );
    }
    if (write || options.tokenForReads) {
      if (!options.token)
        return problemResponse(
          c,
          new HttpProblem(
            401,
            "token-required",
            "A token is required",
            "This service has no API token configured, so it accepts no writes. Set [service] token (or OPENPOWER_SERVICE_TOKEN).",
          ),
        );
      const header = c.req.header("authorization") ?? "";
      const given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
      if (!given || !sameToken(given, options.token)) {
        const res = problemResponse(
          c,
          new HttpProblem(401, "token-required", "A valid token is required", "Send Authorization: Bearer <token>."),
        );
        res.headers.set("www-authenticate", 'Bearer realm="openpower"');
        return res;
      }
    }
    await next();
  };
}

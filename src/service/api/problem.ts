import type { Context } from "hono";
import type { ZodError } from "zod";

/** An RFC 9457 problem document. `type` names the kind of problem; `errors` name the fields at fault. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: { field: string; message: string }[],
  ) {
    super(detail ?? title);
    this.name = "HttpProblem";
  }
}

export function problemResponse(c: Context, p: HttpProblem): Response {
  const body: ProblemBody = {
    type: `urn:openpower:problem:${p.slug}`,
    title: p.title,
    status: p.status,
    instance: new URL(c.req.url).pathname,
  };
  if (p.detail) body.detail = p.detail;
  if (p.errors) body.errors = p.errors;
  return new Response(JSON.stringify(body), { status: p.status, headers: { "content-type": "application/problem+json" } });
}

/** A 400 naming every field zod refused ("query.from: ..."). */
export function invalid(where: "query" | "body" | "path", error: ZodError): HttpProblem {
  const errors = error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join("."), message: i.message }));
  return new HttpProblem(
    400,
    "invalid-request",
    "The request is not valid",
    errors.map((e) => `${e.field}: ${e.message}`).join("; "),
    errors,
  );
}

import { z } from "zod";
import { VERSION } from "../../core/version.js";
import { Problem } from "./schemas.js";

export interface RouteSpec {
  method: "get" | "post";
  /** OpenAPI style: `/systems/{id}/flow`. */
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodObject;
  response: z.ZodType;
  /** Media type of the success response (default JSON). */
  mediaType?: string;
  /** Needs the bearer token whatever the address (every write). */
  write?: boolean;
}

const json = (schema: z.ZodType, io: "input" | "output") => z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" });

/** The OpenAPI 3.1 document of `routes`, built from the zod schemas that validate them. */
export function openApiDocument(routes: readonly RouteSpec[], base: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const name of r.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: "path", required: true, schema: { type: "string" } });
    }
    if (r.query) {
      const schema = json(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: s });
      }
    }
    const responses: Record<string, unknown> = {
      "200": { description: "OK", content: { [r.mediaType ?? "application/json"]: { schema: json(r.response, "output") } } },
      "400": { description: "Invalid request", content: problem },
      default: { description: "Problem", content: problem },
    };
    if (r.path.includes("{id}")) responses["404"] = { description: "No such system", content: problem };
    if (r.write) responses["401"] = { description: "Missing or wrong token", content: problem };
    (paths[`${base}${r.path}`] ??= {})[r.method] = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: json(r.body, "input") } } } } : {}),
      responses,
      ...(r.write ? { security: [{ bearer: [] }] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "openpower service API",
      version: VERSION,
      description: "Power flow, history, energy, prices and battery control of every configured system.",
    },
    paths,
    components: {
      schemas: { Problem: json(Problem, "output") },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "The service's API token" } },
    },
  };
}

import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Registry } from "prom-client";
import type { z } from "zod";
import { OpenPowerError } from "../../core/errors/index.js";
import { redactValue } from "../../core/redact.js";
import { isBatteryController } from "../../model/capabilities.js";
import type { Collector } from "../collector/collector.js";
import type { Storage } from "../storage/types.js";
import { batteryRoutes } from "./battery.js";
import { PriceBands } from "./price-band.js";
import { openApiDocument, type RouteSpec } from "./openapi.js";
import { HttpProblem, invalid, problemResponse } from "./problem.js";
import * as S from "./schemas.js";
import { security, type SecurityOptions } from "./security.js";

export const API_BASE = "/api/v1";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface ApiOptions {
  storage: Storage;
  collector: Collector;
  metrics: Registry;
  security: SecurityOptions;
  /** Writes in flight, so that shutdown can wait for them. */
  inFlight?: Set<Promise<unknown>>;
  /** `automation.mode`, reported beside the decisions. */
  automationMode?: "off" | "advise" | "control";
  /** Mounted at `/` before the token check (static files that hold no data): the browser dashboard. */
  dashboard?: Hono;
}

export interface Handlers {
  query<T extends z.ZodObject>(c: Context, schema: T): z.output<T>;
  body<T extends z.ZodObject>(c: Context, schema: T): Promise<z.output<T>>;
  system(c: Context): string;
}

const h: Handlers = {
  query(c, schema) {
    const parsed = schema.safeParse(c.req.query());
    if (!parsed.success) throw invalid("query", parsed.error);
    return parsed.data;
  },
  async body(c, schema) {
    if (!(c.req.header("content-type") ?? "").includes("application/json"))
      throw new HttpProblem(415, "unsupported-media-type", "Send JSON", "The body must be application/json.");
    const raw: unknown = await c.req.json().catch(() => {
      throw new HttpProblem(400, "invalid-request", "The body is not valid JSON", undefined, [
        { field: "body", message: "not valid JSON" },
      ]);
    });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw invalid("body", parsed.error);
    return parsed.data;
  },
  system(c) {
    return decodeURIComponent(c.req.param("id") ?? "");
  },
};

/** Maps a thrown error to a problem; a vendor's message is kept only for our own typed errors (they carry no secret). */
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof OpenPowerError) {
    const name = error.name;
    const status =
      name === "ValidationError" || name === "UsageError"
        ? 400
        : name === "NotFoundError"
          ? 404
          : name === "RateLimitError"
            ? 429
            : name === "TimeoutError"
              ? 504
              : 502;
    const field = (error as { field?: unknown }).field;
    return new HttpProblem(
      status,
      name.replace(/Error$/, "").replace(/[A-Z]/g, (m, i: number) => (i ? "-" : "") + m.toLowerCase()),
      status === 400 ? "The request was refused; nothing was sent" : "The vendor call failed",
      error.message,
      typeof field === "string" ? [{ field: `body.${field}`, message: error.message }] : undefined,
    );
  }
  return new HttpProblem(500, "internal", "Internal error", "The service failed; see its log.");
}

/**
 * The service's HTTP app: the API under /api/v1 and /metrics. A composable Hono app: a dashboard
 * (or anything else) can be mounted beside it with `app.route("/", dashboard)`.
 */
export function createApiApp(options: ApiOptions): { app: Hono; routes: RouteSpec[]; openapi: Record<string, unknown> } {
  const { storage, collector } = options;
  const app = new Hono();
  const api = new Hono();
  const routes: RouteSpec[] = [];
  const bands = new PriceBands(collector);
  const knownSystem = async (id: string) => {
    if (!(await storage.listSystems()).some((s) => s.id === id))
      throw new HttpProblem(404, "not-found", "No such system", `No system ${id}; GET ${API_BASE}/systems lists them.`);
  };

  const route = (spec: RouteSpec, handler: (c: Context) => Response | Promise<Response>) => {
    routes.push(spec);
    api[spec.method](spec.path.replace(/\{(\w+)\}/g, ":$1"), handler);
  };

  app.onError((error, c) => problemResponse(c, toProblem(error)));
  app.notFound((c) =>
    problemResponse(c, new HttpProblem(404, "not-found", "Not found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
  );
  if (options.dashboard) app.route("/", options.dashboard);
  app.use("*", security(options.security));

  route({ method: "get", path: "/health", summary: "Collector state per source: last success, lag, backfill", response: S.Health }, (c) => {
    const now = collector.now();
    const sources = [...collector.states.values()].map((s) => ({
      source: s.source,
      vendor: s.vendor,
      kind: s.kind,
      state: s.state,
      cadenceSeconds: s.cadenceMs / 1000,
      lastSuccess: iso(s.lastSuccess),
      lastErrorClass: s.lastErrorClass,
      consecutiveFailures: s.consecutiveFailures,
      lagSeconds: s.lastObservedAt === null ? null : Math.max(0, (now - s.lastObservedAt) / 1000),
      backfill: s.backfill,
    }));
    const status = sources.every((s) => s.state !== "failing") ? "ok" : "degraded";
    return c.json({ status, now: new Date(now).toISOString(), schemaVersion: storage.schemaVersion, sources });
  });

  route(
    {
      method: "get",
      path: "/systems",
      summary: "Every system: id vendor:device, name, capabilities, time zone, retired (gone from its vendor's list)",
      response: S.SystemList,
    },
    async (c) =>
      c.json({
        systems: (await storage.listSystems()).map((s) => ({
          ...s,
          cadenceSeconds: s.cadenceMs === null ? null : s.cadenceMs / 1000,
          lastSeen: iso(s.lastSeen),
          retiredAt: iso(s.retiredAt ?? null),
          cadenceMs: undefined,
        })),
      }),
  );

  route({ method: "get", path: "/systems/{id}/flow", summary: "The latest power flow, with its age", response: S.Flow }, async (c) => {
    const id = h.system(c);
    await knownSystem(id);
    const row = await storage.latestSample(id);
    if (!row) throw new HttpProblem(404, "no-reading", "No reading yet", `${id} has not answered yet.`);
    const { t, system, ...flow } = row;
    return c.json({ system, observedAt: new Date(t).toISOString(), ageSeconds: Math.max(0, (collector.now() - t) / 1000), ...flow });
  });

  route(
    {
      method: "get",
      path: "/systems/{id}/history",
      summary: "Samples in [from, to); step averages into buckets",
      query: S.HistoryQuery,
      response: S.History,
    },
    async (c) => {
      const id = h.system(c);
      const q = h.query(c, S.HistoryQuery);
      await knownSystem(id);
      const to = q.to ?? collector.now();
      if (!(to > q.from))
        throw new HttpProblem(400, "invalid-request", "The request is not valid", "query.to must be after query.from", [
          { field: "query.to", message: "must be after from" },
        ]);
      const { count, json } = await storage.samplesJson(id, q.from, to, S.STEPS[q.step] || undefined);
      const head = JSON.stringify({
        system: id,
        from: new Date(q.from).toISOString(),
        to: new Date(to).toISOString(),
        step: q.step,
        count,
      });
      return c.body(`${head.slice(0, -1)},"samples":${json}}`, 200, { "content-type": "application/json" });
    },
  );

  route(
    {
      method: "get",
      path: "/systems/{id}/energy",
      summary: "Daily energy totals of local calendar days",
      query: S.EnergyQuery,
      response: S.Energy,
    },
    async (c) => {
      const id = h.system(c);
      const q = h.query(c, S.EnergyQuery);
      await knownSystem(id);
      const days = (await storage.energy(id, q.from, q.to ?? q.from)).map(({ system: _s, readAt, ...d }) => ({
        ...d,
        readAt: new Date(readAt).toISOString(),
      }));
      return c.json({ system: id, days });
    },
  );

  route(
    {
      method: "get",
      path: "/prices",
      summary: "Price intervals; vintages=all gives every forecast as issued",
      query: S.PricesQuery,
      response: S.Prices,
    },
    async (c) => {
      const q = h.query(c, S.PricesQuery);
      const from = q.from ?? collector.now() - 3_600_000;
      const rows = await storage.prices({
        from,
        to: q.to ?? from + 86_400_000,
        source: q.source,
        channel: q.channel,
        vintages: q.vintages,
      });
      return c.json({
        vintages: q.vintages,
        prices: rows.map((r) => ({
          ...r,
          start: new Date(r.start).toISOString(),
          end: new Date(r.end).toISOString(),
          issuedAt: new Date(r.issuedAt).toISOString(),
          advanced: bands.of(r, q.vintages === "latest"),
        })),
      });
    },
  );

  route(
    {
      method: "get",
      path: "/events",
      summary: "Server-Sent Events: every new reading (event: sample) and price vintage (event: prices)",
      response: S.Flow.or(S.Prices),
      mediaType: "text/event-stream",
    },
    (c) =>
      streamSSE(c, async (stream) => {
        let id = 0;
        const send = (event: string, data: unknown) =>
          void stream.writeSSE({ event, data: JSON.stringify(data), id: String(++id) }).catch(() => undefined);
        const onSample = ({ system, row }: { system: string; row: { t: number } }) =>
          send("sample", { ...row, system, observedAt: new Date(row.t).toISOString() });
        const onPrices = ({ source, rows }: { source: string; rows: unknown[] }) =>
          send("prices", { source, count: rows.length, prices: rows });
        collector.on("sample", onSample);
        collector.on("prices", onPrices);
        const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
        await stream.writeSSE({ event: "hello", data: JSON.stringify({ now: new Date(collector.now()).toISOString() }) });
        await closed;
        collector.off("sample", onSample);
        collector.off("prices", onPrices);
      }),
  );

  batteryRoutes({ route, storage, collector, knownSystem, handlers: h, inFlight: options.inFlight ?? new Set(), isBatteryController });

  route(
    {
      method: "get",
      path: "/audit",
      summary: "Battery plans and writes with their read-back, newest first",
      query: S.AuditQuery,
      response: S.AuditList,
    },
    async (c) => {
      const q = h.query(c, S.AuditQuery);
      return c.json({ entries: (await storage.audit(undefined, q.limit)).map((e) => ({ ...e, at: new Date(e.at).toISOString() })) });
    },
  );

  route(
    {
      method: "get",
      path: "/automation",
      summary: "The battery automation's latest decision per system, with its explanation",
      response: S.AutomationList,
    },
    async (c) =>
      c.json({
        mode: options.automationMode ?? "off",
        decisions: (await storage.latestDecisions()).map(({ id: _id, ...d }) => {
          const detail = (d.detail ?? {}) as { explanation?: string[] };
          return { ...d, at: new Date(d.at).toISOString(), explanation: detail.explanation ?? [], detail };
        }),
      }),
  );
  const openapi = openApiDocument(routes, API_BASE);
  api.get("/openapi.json", (c) => c.json(openapi));
  app.route(API_BASE, api);
  app.get("/metrics", async (c) => c.body(await options.metrics.metrics(), 200, { "content-type": options.metrics.contentType }));
  return { app, routes, openapi: redactValue(openapi) as Record<string, unknown> };
}

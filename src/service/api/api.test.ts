import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoSources, type DemoSources } from "../../cli/commands/serve-demo.js";
import { startService, type RunningService } from "../service.js";
import { SqliteStorage } from "../storage/sqlite.js";
import * as S from "./schemas.js";

const TOKEN = "test-token-0123456789";
let demo: DemoSources;
let service: RunningService;
let storage: SqliteStorage;
let secrets: string[];
const alpha = () => `alphaess:${(demo.handles.find((h) => h.vendor === "alphaess")!.section.serial as string | undefined) ?? ""}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const get = (path: string, init?: RequestInit) => fetch(`${service.url}${path}`, init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${service.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  demo = await startDemoSources({ speed: 60, seed: 3 });
  secrets = demo.handles.flatMap((h) =>
    Object.entries(h.section)
      .filter(([k, v]) => /secret|token|password|cookie|aeS|aeV/i.test(k) && typeof v === "string" && v.length >= 6)
      .map(([, v]) => v as string),
  );
  storage = new SqliteStorage(":memory:");
  service = await startService({
    storage,
    sessions: demo.sessions,
    clock: demo.clock,
    port: 0,
    token: TOKEN,
    processMetrics: false,
  });
  await until("an AlphaESS reading", async () => {
    const systems = (await (await get("/api/v1/systems")).json()) as { systems: { id: string }[] };
    const id = systems.systems.find((s) => s.id.startsWith("alphaess:"))?.id;
    return id && (await get(`/api/v1/systems/${id}/flow`)).ok ? id : undefined;
  });
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await demo?.close();
});

describe("the service API over a real socket", () => {
  it("answers every GET endpoint with a body matching its schema in the OpenAPI document", async () => {
    const doc = (await (await get("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const systems = ((await (await get("/api/v1/systems")).json()) as { systems: { id: string }[] }).systems;
    const id = systems.find((s) => s.id.startsWith("alphaess:"))!.id;
    const now = Date.now();
    const queries: Record<string, string> = {
      "/systems/{id}/history": `?from=${now - 86_400_000}&step=5m`,
      "/systems/{id}/energy": `?from=2020-01-01&to=2099-01-01`,
      "/prices": `?vintages=all`,
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!("get" in ops) || path.endsWith("/events")) continue;
      const rel = path.replace("/api/v1", "");
      const res = await get(`${path.replace("{id}", encodeURIComponent(id))}${queries[rel] ?? ""}`);
      expect(res.status, path).toBe(200);
      const body: unknown = await res.json();
      const schema = {
        "/health": S.Health,
        "/systems": S.SystemList,
        "/systems/{id}/flow": S.Flow,
        "/systems/{id}/history": S.History,
        "/systems/{id}/energy": S.Energy,
        "/prices": S.Prices,
        "/systems/{id}/battery": S.Battery,
        "/audit": S.AuditList,
        "/automation": S.AutomationList,
      }[rel];
      expect(schema, `a schema for ${rel}`).toBeDefined();
      expect(schema!.safeParse(body).success, rel).toBe(true);
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/health", "/api/v1/systems/{id}/history", "/api/v1/events", "/api/v1/systems/{id}/battery/apply"]),
    );
    const history = (await (await get(`/api/v1/systems/${id}/history?from=${now - 86_400_000}`)).json()) as { count: number };
    expect(history.count).toBeGreaterThan(0);
  });

  it("answers bad query parameters with a problem document naming the field", async () => {
    const res = await get(`/api/v1/systems/${encodeURIComponent(alpha())}/history?from=yesterday&step=7m`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const p = (await res.json()) as { status: number; errors: { field: string }[] };
    expect(p.errors.map((e) => e.field).sort()).toEqual(["query.from", "query.step"]);
    const prices = await get("/api/v1/prices?vintages=some");
    expect(((await prices.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("query.vintages");
    const missing = await get("/api/v1/systems/alphaess:NOPE/flow");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses writes without the token and from another origin, and sends nothing for a bad intent", async () => {
    const systems = ((await (await get("/api/v1/systems")).json()) as { systems: { id: string }[] }).systems;
    const path = `/api/v1/systems/${encodeURIComponent(systems.find((s) => s.id.startsWith("alphaess:"))!.id)}/battery`;
    const intent = { intent: "charge 01:00-05:00 to 90%" };
    expect((await post(`${path}/apply`, intent)).status).toBe(401);
    expect((await post(`${path}/apply`, intent, { authorization: "Bearer wrong" })).status).toBe(401);
    const cross = await post(`${path}/apply`, intent, { authorization: `Bearer ${TOKEN}`, origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const bad = await post(`${path}/plan`, { intent: "charge whenever" }, { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("body.intent");
    const extra = await post(`${path}/apply`, { ...intent, force: true }, { authorization: `Bearer ${TOKEN}` });
    expect(extra.status).toBe(400);
    const audit = (await (await get("/api/v1/audit")).json()) as { entries: unknown[] };
    expect(audit.entries).toEqual([]);
  });

  it("plans and applies with read-back, and audits both", async () => {
    const id = ((await (await get("/api/v1/systems")).json()) as { systems: { id: string }[] }).systems.find((s) =>
      s.id.startsWith("alphaess:"),
    )!.id;
    const path = `/api/v1/systems/${encodeURIComponent(id)}/battery`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const plan = await post(`${path}/plan`, { intent: "charge 01:00-05:00 to 90%" }, auth);
    expect(plan.status).toBe(200);
    expect(S.PlanResponse.safeParse(await plan.json()).success).toBe(true);
    const apply = await post(`${path}/apply`, { intent: "charge 01:00-05:00 to 90%" }, { ...auth, origin: service.url });
    expect(apply.status).toBe(200);
    const body = (await apply.json()) as { ok: boolean; result: { results: { taken: boolean | null; readBack?: unknown }[] } };
    expect(body.ok).toBe(true);
    expect(body.result.results.every((r) => r.taken === true && r.readBack !== undefined)).toBe(true);
    const audit = (await (await get("/api/v1/audit")).json()) as { entries: { action: string; ok: boolean | null }[] };
    expect(audit.entries.map((e) => [e.action, e.ok])).toEqual([
      ["apply", true],
      ["plan", null],
    ]);
    const schedule = (await (await get(path)).json()) as { schedule: { charge: { windows: { start: string; end: string }[] } } };
    expect(schedule.schedule.charge.windows[0]).toMatchObject({ start: "01:00", end: "05:00" });
  });

  it("streams new readings as Server-Sent Events", async () => {
    const abort = new AbortController();
    const res = await get("/api/v1/events", { signal: abort.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: sample")) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    expect(text).toMatch(/event: sample\ndata: \{.*"system":"[a-z]+:/);
  });

  it("exposes Prometheus metrics and never a vendor secret", async () => {
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toMatch(/openpower_power_watts\{vendor="alphaess",system="alphaess:[^"]+",flow="pv"\} /);
    expect(metrics).toMatch(/openpower_collector_runs_total\{vendor="amber",kind="poll",outcome="ok"\} \d+/);
    expect(secrets.length).toBeGreaterThan(3);
    const bodies = [metrics];
    for (const p of ["/api/v1/health", "/api/v1/systems", "/api/v1/audit", "/api/v1/openapi.json", "/api/v1/prices"])
      bodies.push(await (await get(p)).text());
    for (const body of bodies) for (const s of secrets) expect(body).not.toContain(s);
  });

  it("lists a retired system with when it retired, and still answers its history and energy", async () => {
    const id = "alphaess:ZZRETIRED";
    const t = service.collector.now() - 3_600_000;
    await storage.upsertSystems([
      { id, vendor: "alphaess", device: "ZZRETIRED", name: null, timeZone: null, capabilities: [], cadenceMs: 60_000, lastSeen: null },
    ]);
    await storage.insertSamples([{ system: id, t, pvW: 100, loadW: 200, gridW: 100, batteryW: 0, soc: 0.5, evW: null }]);
    await storage.retireSystems([id], t + 60_000);
    const listed = ((await (await get("/api/v1/systems")).json()) as { systems: { id: string; retiredAt: string | null }[] }).systems;
    expect(listed.find((s) => s.id === id)?.retiredAt).toBe(new Date(t + 60_000).toISOString());
    expect(listed.filter((s) => s.id !== id).every((s) => s.retiredAt === null)).toBe(true);
    const history = (await (await get(`/api/v1/systems/${id}/history?from=${t - 1}`)).json()) as { count: number };
    expect(history.count).toBe(1);
    expect((await get(`/api/v1/systems/${id}/energy?from=2020-01-01&to=2099-01-01`)).status).toBe(200);
    expect((await get(`/api/v1/systems/${id}/flow`)).status).toBe(200);
  });
});

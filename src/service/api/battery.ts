import type { Context } from "hono";
import { parseBatteryIntent, applyIntent } from "../../model/battery-intent.js";
import { redactValue } from "../../core/redact.js";
import type { isBatteryController as Guard } from "../../model/capabilities.js";
import type { Collector } from "../collector/collector.js";
import type { Storage } from "../storage/types.js";
import { applyBatteryPlan, auditBatteryPlan, planBatteryChange } from "../battery-write.js";
import type { Handlers } from "./app.js";
import type { RouteSpec } from "./openapi.js";
import { HttpProblem } from "./problem.js";
import * as S from "./schemas.js";

interface Deps {
  route(spec: RouteSpec, handler: (c: Context) => Response | Promise<Response>): void;
  storage: Storage;
  collector: Collector;
  knownSystem(id: string): Promise<void>;
  handlers: Handlers;
  inFlight: Set<Promise<unknown>>;
  isBatteryController: typeof Guard;
}

/** The battery endpoints: the schedule, a plan for an intent (never writes), and its apply with read-back; both audited. */
export function batteryRoutes(d: Deps): void {
  const controller = async (id: string) => {
    await d.knownSystem(id);
    const system = d.collector.systems.get(id);
    if (!system)
      throw new HttpProblem(503, "not-connected", "The system is not connected", `${id} is known but its vendor is not connected now.`);
    if (!d.isBatteryController(system))
      throw new HttpProblem(409, "no-battery-control", "No battery schedule", `${id} has no battery schedule this service can control.`);
    return system;
  };
  const intentOf = (text: string) => {
    try {
      return parseBatteryIntent(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : "not an intent";
      throw new HttpProblem(400, "invalid-request", "The intent is not valid; nothing was sent", message, [
        { field: "body.intent", message },
      ]);
    }
  };
  const plan = async (id: string, text: string) => {
    const system = await controller(id);
    const intent = intentOf(text);
    return { system, ...(await planBatteryChange(system, (current) => applyIntent(current, intent))) };
  };
  const writeDeps = { storage: d.storage, now: () => d.collector.now(), inFlight: d.inFlight };

  d.route(
    { method: "get", path: "/systems/{id}/battery", summary: "The current battery schedule and the backend's limits", response: S.Battery },
    async (c) => {
      const id = d.handlers.system(c);
      const system = await controller(id);
      return c.json({ system: id, limits: system.batteryControl ?? null, schedule: await system.getBatterySchedule() });
    },
  );

  d.route(
    {
      method: "post",
      path: "/systems/{id}/battery/plan",
      summary: "Plan the writes for an intent (reads, never writes); audited",
      body: S.PlanBody,
      response: S.PlanResponse,
      write: true,
    },
    async (c) => {
      const id = d.handlers.system(c);
      const body = await d.handlers.body(c, S.PlanBody);
      const p = await plan(id, body.intent);
      const auditId = await auditBatteryPlan(writeDeps, id, body, p.plan);
      const safePlan = redactValue(p.plan);
      return c.json({ system: id, auditId, intent: body.intent, desired: p.desired, plan: safePlan });
    },
  );

  d.route(
    {
      method: "post",
      path: "/systems/{id}/battery/apply",
      summary: "Plan, write, read back; the result and read-back are audited (never retried)",
      body: S.ApplyBody,
      response: S.ApplyResponse,
      write: true,
    },
    async (c) => {
      const id = d.handlers.system(c);
      const body = await d.handlers.body(c, S.ApplyBody);
      const p = await plan(id, body.intent);
      // Audited (also when it throws) and tracked so that shutdown waits for a write that has started.
      const { auditId, result, safe } = await applyBatteryPlan(writeDeps, { id, system: p.system }, body, p.plan, {
        dryRun: body.dryRun,
        verify: body.verify,
      });
      return c.json({ system: id, auditId, ok: result.ok, dryRun: result.dryRun, ...safe });
    },
  );
}

import { z } from "zod";

/**
 * The API's schemas: the same zod objects validate requests (and, in tests, responses) and
 * generate the OpenAPI document, so the two cannot drift apart.
 */

const instant = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/, "epoch milliseconds")])
  .describe("An instant: ISO 8601 with offset (2026-01-01T00:00:00+10:00) or epoch milliseconds")
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a local calendar date YYYY-MM-DD");

export const STEPS = { raw: 0, "5m": 300_000, "15m": 900_000, "30m": 1_800_000, "1h": 3_600_000, "1d": 86_400_000 } as const;

export const SystemId = z
  .string()
  .regex(/^[a-z]+:.+$/, "vendor:device")
  .describe("System id, `vendor:device`");

export const HistoryQuery = z.object({
  from: instant,
  to: instant.optional().describe("Exclusive end (default: now)"),
  step: z
    .enum(Object.keys(STEPS) as [keyof typeof STEPS, ...(keyof typeof STEPS)[]])
    .default("raw")
    .describe("Average into buckets of this size"),
});
export const EnergyQuery = z.object({ from: calendarDate, to: calendarDate.optional().describe("Inclusive (default: from)") });
export const PricesQuery = z.object({
  from: instant.optional().describe("Default: now minus 1 hour"),
  to: instant.optional().describe("Default: from plus 24 hours"),
  channel: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  vintages: z.enum(["latest", "all"]).default("latest").describe("`all`: every forecast vintage as issued"),
});
export const AuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const PlanBody = z
  .object({ intent: z.string().min(1).max(500).describe('What you want, as the CLI takes it: "charge 01:00-05:00 to 90%"') })
  .strict();
export const ApplyBody = PlanBody.extend({
  dryRun: z.boolean().default(false),
  verify: z.boolean().default(true).describe("Read back after writing (default true)"),
}).strict();

const nullableNumber = z.number().nullable();

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const SourceHealth = z.object({
  source: z.string(),
  vendor: z.string(),
  kind: z.string(),
  state: z.enum(["starting", "ok", "failing", "stopped"]),
  cadenceSeconds: z.number(),
  lastSuccess: z.string().nullable(),
  lastErrorClass: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  lagSeconds: z.number().nullable(),
  backfill: z.object({ running: z.boolean(), done: z.number().int(), total: z.number().int(), added: z.number().int() }),
});
export const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  now: z.string(),
  schemaVersion: z.number().int(),
  sources: z.array(SourceHealth),
});

export const SystemInfo = z.object({
  id: z.string(),
  vendor: z.string(),
  device: z.string(),
  name: z.string().nullable(),
  timeZone: z.string().nullable(),
  capabilities: z.array(z.string()),
  cadenceSeconds: z.number().nullable(),
  lastSeen: z.string().nullable(),
  /** When it left its vendor's list (no longer polled; its history, flow, energy still answer); null while in service. */
  retiredAt: z.string().nullable().describe("When the system left its vendor's list (ISO time): no longer polled, history kept"),
});
export const SystemList = z.object({ systems: z.array(SystemInfo) });

export const Flow = z.object({
  system: z.string(),
  observedAt: z.string(),
  ageSeconds: z.number(),
  pvW: nullableNumber,
  loadW: nullableNumber,
  gridW: nullableNumber,
  batteryW: nullableNumber,
  soc: nullableNumber,
  evW: nullableNumber,
});

const column = z.array(nullableNumber);
export const History = z.object({
  system: z.string(),
  from: z.string(),
  to: z.string(),
  step: z.string(),
  count: z.number().int(),
  samples: z
    .object({ t: z.array(z.number()), pvW: column, loadW: column, gridW: column, batteryW: column, soc: column, evW: column })
    .describe("Columns of equal length; `t` is epoch milliseconds (bucket start when stepped)"),
});

export const EnergyDay = z.object({
  date: z.string(),
  pvKwh: nullableNumber,
  loadKwh: nullableNumber,
  importKwh: nullableNumber,
  exportKwh: nullableNumber,
  chargeKwh: nullableNumber,
  dischargeKwh: nullableNumber,
  readAt: z.string(),
});
export const Energy = z.object({ system: z.string(), days: z.array(EnergyDay) });

export const Price = z.object({
  source: z.string(),
  channel: z.string(),
  start: z.string(),
  end: z.string(),
  issuedAt: z.string(),
  kind: z.string(),
  estimate: z.boolean(),
  perKwhCents: z.number(),
  spotPerKwhCents: z.number(),
  renewablesPct: z.number(),
  descriptor: z.string(),
  spike: z.string(),
  advanced: z
    .object({ lowCents: z.number(), predictedCents: z.number(), highCents: z.number() })
    .nullable()
    .describe(
      "The retailer's forecast band (Amber advancedPrice) of the latest forecast; null for actuals, older vintages, or when not sent",
    ),
});
export const Prices = z.object({ vintages: z.enum(["latest", "all"]), prices: z.array(Price) });

const Json = z.unknown();
export const Battery = z.object({ system: z.string(), limits: Json, schedule: Json });
export const PlanResponse = z.object({ system: z.string(), auditId: z.number().int(), intent: z.string(), desired: Json, plan: Json });
export const ApplyResponse = z.object({
  system: z.string(),
  auditId: z.number().int(),
  ok: z.boolean(),
  dryRun: z.boolean(),
  plan: Json,
  result: Json.describe("The model's ApplyResult: per write sent, taken, readBack, mismatches"),
});
export const AuditList = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      system: z.string(),
      action: z.string(),
      ok: z.boolean().nullable(),
      request: Json,
      plan: Json,
      result: Json,
    }),
  ),
});

export const AutomationList = z.object({
  mode: z.enum(["off", "advise", "control"]).describe("automation.mode of the service"),
  decisions: z.array(
    z.object({
      at: z.string(),
      system: z.string(),
      mode: z.string(),
      action: z.string().describe("off, skip (refused: stale data, cool-down, budget), hold (nothing to change), advise, write"),
      reason: z.string(),
      explanation: z.array(z.string()),
      detail: Json.describe("Schedule, plan and baseline costs (cents), the writes planned and their results with read-back"),
    }),
  ),
});

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import { redactingLogger, type Logger } from "../../core/logger.js";
import type { CommandContext } from "../context.js";
import { describeCause, ExitCode, UsageError } from "../errors.js";
import type { VendorSession } from "../vendors/types.js";
import { checkMqttUrl, mqttOptionsFrom } from "../config/mqtt-settings.js";
import { brokerForLog, type MqttOptions } from "../../service/mqtt/options.js";
import type { PvForecastSettings } from "../../service/automation-forecast.js";
import { automationConfig } from "../config/automation-settings.js";

export interface ServeOptions {
  port?: number;
  host?: string;
  demo?: boolean;
  speed?: number;
  seed?: number;
  db?: string;
  storageUrl?: string;
  /** One of N workers sharing the fleet through storage.url (PostgreSQL): docs/fleet.md. */
  worker?: boolean;
  retentionDays?: number;
  logFormat?: string;
  automation?: string;
  reserveSoc?: number;
  dailyWriteBudget?: number;
  /** A broker URL: publish to it for Home Assistant (overrides `[mqtt] url`). */
  mqtt?: string;
}

const AUTOMATION_MODES = ["off", "advise", "control"] as const;
/** The GoodWe simulator's battery (its local protocol reports no capacity; AlphaESS reports its own). */
const DEMO_GOODWE_CAPACITY_KWH = 10;

/** `automation.mode` from --automation, else OPENPOWER_AUTOMATION_MODE, else advise; with its limits checked. */
function automationSettings(ctx: CommandContext, opts: ServeOptions) {
  const mode = opts.automation ?? ctx.io.env.OPENPOWER_AUTOMATION_MODE ?? "advise";
  if (!(AUTOMATION_MODES as readonly string[]).includes(mode))
    throw new UsageError(`automation.mode is off, advise or control, got ${JSON.stringify(mode)}.`, { field: "--automation" });
  const reserveSoc = opts.reserveSoc ?? 0.2;
  if (!Number.isFinite(reserveSoc) || reserveSoc < 0 || reserveSoc > 1)
    throw new UsageError(`--reserve-soc is a fraction 0..1, got ${String(opts.reserveSoc)}.`, { field: "--reserve-soc" });
  return { mode: mode as (typeof AUTOMATION_MODES)[number], reserveSoc, dailyWriteBudget: opts.dailyWriteBudget ?? 6 };
}

/** `[mqtt]` from the config (env OPENPOWER_MQTT_*), `--mqtt` winning for the URL; undefined without a URL. */
async function mqttSettings(ctx: CommandContext, opts: ServeOptions): Promise<MqttOptions | undefined> {
  if (opts.mqtt !== undefined) {
    const problem = checkMqttUrl(opts.mqtt);
    if (problem) throw new UsageError(`--mqtt ${problem}.`, { field: "--mqtt" });
  }
  // The demo reads no config unless asked to publish: its simulators need none.
  if (opts.demo && opts.mqtt === undefined) return undefined;
  return mqttOptionsFrom((await ctx.config()).sections.mqtt, opts.mqtt);
}

/** Log lines for people on stderr, or one JSON object a line with --log-format json; secrets redacted either way. */
function serviceLogger(ctx: CommandContext, format: string): Logger {
  const write =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const time = new Date().toISOString();
      if (format === "json") ctx.io.stderr.write(`${JSON.stringify({ time, level, message, ...fields })}\n`);
      else {
        const extra =
          fields && Object.keys(fields).length > 0
            ? ` ${Object.entries(fields)
                .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
                .join(" ")}`
            : "";
        ctx.io.stderr.write(`${time} ${level.padEnd(5)} ${message}${extra}\n`);
      }
    };
  const logger = { debug: ctx.debug ? write("debug") : () => undefined, info: write("info"), warn: write("warn"), error: write("error") };
  return redactingLogger(logger);
}

/**
 * `openpower serve`: the always-on service. Collects every configured system (or, with --demo, the
 * in-process simulators on an accelerated clock) into SQLite and serves the HTTP API until
 * SIGINT/SIGTERM, then stops polling, lets writes in flight finish, closes the database, exits 0.
 */
export async function serveCommand(ctx: CommandContext, opts: ServeOptions): Promise<number> {
  const format = opts.logFormat ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--log-format is text or json, got ${JSON.stringify(format)}.`, { field: "--log-format" });
  const logger = serviceLogger(ctx, format);
  const automation = automationSettings(ctx, opts);
  const { openStorage, describeStorageLocation, isPostgresUrl, groupCommitFromEnv } = await import("../../service/storage/open.js");
  const { startService } = await import("../../service/service.js");
  let sessions: VendorSession[];
  let clock: Clock = systemClock;
  let closeSources = async (): Promise<void> => undefined;
  let token = ctx.io.env.OPENPOWER_SERVICE_TOKEN;
  let dbFile = opts.db ?? join(ctx.paths.dataDir, "openpower.db");
  const configured = automationConfig((await ctx.config()).sections.automation);
  let pv: PvForecastSettings | undefined;
  if (configured.pv && !opts.demo) {
    const { OpenMeteo } = await import("../../automation/forecast/open-meteo.js");
    const { baseUrl, ...array } = configured.pv;
    pv = { client: new OpenMeteo({ baseUrl, logger }), array };
    logger.info("automation: Open-Meteo PV forecast", { latitude: array.latitude, longitude: array.longitude, kWp: array.kWp });
  }
  if (opts.demo) {
    const { startDemoSources } = await import("./serve-demo.js");
    const demo = await startDemoSources({ speed: opts.speed ?? 60, seed: opts.seed ?? 1, logger });
    for (const f of demo.failures) logger.warn("simulator did not start", { vendor: f.vendor, cause: describeCause(f.error) });
    sessions = demo.sessions;
    clock = demo.clock;
    pv = demo.pv;
    closeSources = () => demo.close();
    // The demo keeps its own database and, unless one is set, makes up a token so that writes can be tried.
    if (!opts.db) dbFile = join(ctx.paths.dataDir, "openpower-demo.db");
    token ??= randomBytes(18).toString("base64url");
  } else if (opts.worker) {
    sessions = []; // the worker connects its own, with fleet-wide budgets (serve-worker.ts)
  } else {
    const connected = await ctx.sessions();
    for (const f of connected.failures) logger.warn("vendor not connected", { vendor: f.vendor, cause: describeCause(f.error) });
    sessions = connected.sessions;
  }
  const mqtt = await mqttSettings(ctx, opts);
  let storage;
  try {
    // storage.url (--storage-url, OPENPOWER_STORAGE_URL): postgres:// picks PostgreSQL; otherwise the SQLite file.
    const storageConfig = {
      url: opts.storageUrl ?? ctx.io.env.OPENPOWER_STORAGE_URL,
      file: dbFile,
      groupCommit: groupCommitFromEnv(ctx.io.env.OPENPOWER_STORAGE_GROUP_COMMIT),
    };
    if (opts.worker && (opts.demo || !isPostgresUrl(storageConfig.url)))
      throw new UsageError("--worker needs storage.url = postgres://... (--storage-url or OPENPOWER_STORAGE_URL), and no --demo.", {
        field: "--worker",
      });
    storage = await openStorage(storageConfig);
    logger.info("database open", { storage: describeStorageLocation(storageConfig), schemaVersion: storage.schemaVersion });
    const start = opts.worker
      ? (o: Parameters<typeof startService>[0]) => import("./serve-worker.js").then((w) => w.startWorkerService(ctx, storageConfig.url!, o))
      : startService;
    const service = await start({
      storage,
      sessions,
      clock,
      host: opts.host ?? "127.0.0.1",
      port: opts.port ?? 8787,
      token,
      logger,
      retentionDays: opts.retentionDays,
      automation: {
        ...automation,
        pv,
        ...(configured.capacityKwh !== undefined
          ? { capacityKwh: configured.capacityKwh, capacitySource: "[automation] capacityKwh" }
          : opts.demo
            ? { capacityKwh: DEMO_GOODWE_CAPACITY_KWH, capacitySource: "demo: the GoodWe simulator's battery" }
            : {}),
      },
      mqtt,
    });
    // Listening for SIGTERM before saying we are up: whoever reads the URL may stop us at once.
    const interrupted = new Promise<void>((resolve) => {
      const remove = ctx.io.onInterrupt(() => {
        remove();
        resolve();
      });
    });
    ctx.out.print(`dashboard: ${service.url}/`);
    ctx.out.print(
      `openpower service on ${service.url}/api/v1/health  (metrics: ${service.url}/metrics, API: ${service.url}/api/v1/openapi.json)`,
    );
    if (mqtt) ctx.out.print(`Home Assistant over MQTT: ${brokerForLog(mqtt.url)} (docs/home-assistant.md)`);
    if (opts.demo) ctx.out.print(`demo token for writes (Authorization: Bearer ...): ${token ?? ""}`);
    await interrupted;
    await service.stop();
    return ExitCode.ok;
  } catch (error) {
    await storage?.close();
    throw error;
  } finally {
    await closeSources();
  }
}

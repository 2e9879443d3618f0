import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Clock } from "../core/clock.js";
import { silentLogger, type Logger } from "../core/logger.js";
import type { VendorSession } from "../cli/vendors/types.js";
import { createApiApp } from "./api/app.js";
import { createMetrics } from "./api/metrics.js";
import { dashboardApp, type DashboardOptions } from "./dashboard/static.js";
import { Collector, type CollectorOptions } from "./collector/collector.js";
import type { Storage } from "./storage/types.js";
import { startAutomation, type RunningAutomation, type ServiceAutomationOptions } from "./automation.js";
import { MqttBridge, type MqttOptions } from "./mqtt/index.js";

export interface ServiceOptions extends Omit<CollectorOptions, "storage" | "sessions" | "clock"> {
  storage: Storage;
  sessions: readonly VendorSession[];
  clock: Clock;
  host?: string;
  port?: number;
  token?: string;
  logger?: Logger;
  /** Registers Node's process metrics too (default true; off for many services in one test process). */
  processMetrics?: boolean;
  /** `automation.mode` and its limits. Absent: off (`openpower serve` always passes one, advise by default). */
  /** The browser dashboard at `/` (default: dist/dashboard); false serves none. */
  dashboard?: false | DashboardOptions;
  automation?: Omit<ServiceAutomationOptions, "storage" | "collector" | "sessions" | "clock" | "logger">;
  /** `[mqtt]`: publish to an MQTT broker with Home Assistant discovery (docs/home-assistant.md). Absent: no bridge. */
  mqtt?: MqttOptions;
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

export interface RunningService {
  url: string;
  collector: Collector;
  automation: RunningAutomation;
  /** The MQTT bridge, when `mqtt` was given. */
  mqtt: MqttBridge | undefined;
  app: ReturnType<typeof createApiApp>["app"];
  openapi: Record<string, unknown>;
  /** Stops polling, waits for writes in flight, closes the server and the database. */
  stop(): Promise<void>;
}

/** Starts the collector and the HTTP server. Refuses to listen beyond the loopback address without a token. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? silentLogger;
  if (!isLoopback(host) && !options.token)
    throw new Error(
      `Listening on ${host} needs an API token: set [service] token or OPENPOWER_SERVICE_TOKEN (127.0.0.1 needs none for reads).`,
    );
  const collector = new Collector({ ...options, logger: log });
  const metrics = createMetrics(collector, { processMetrics: options.processMetrics });
  const inFlight = new Set<Promise<unknown>>();
  const { app, openapi } = createApiApp({
    storage: options.storage,
    collector,
    metrics,
    inFlight,
    security: { token: options.token, tokenForReads: !isLoopback(host) },
    automationMode: options.automation?.mode ?? "off",
    dashboard: options.dashboard === false ? undefined : dashboardApp({ logger: log, ...options.dashboard }),
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8787 }, () => resolve(s));
    s.once("error", reject);
  });
  // Longer than the usual proxies' idle timeout, so that a reused connection is never closed under a request.
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  // Before the collector starts, so that its first readings are published too.
  const mqtt = options.mqtt ? new MqttBridge(options.mqtt, { collector, storage: options.storage, inFlight, logger: log }) : undefined;
  mqtt?.start();
  await collector.start();
  const automation = await startAutomation({
    mode: "off",
    ...options.automation,
    storage: options.storage,
    collector,
    sessions: options.sessions,
    clock: options.clock,
    logger: log,
  });
  log.info("service listening", { url });
  let stopping: Promise<void> | undefined;
  return {
    url,
    collector,
    automation,
    mqtt,
    app,
    openapi,
    stop() {
      return (stopping ??= (async () => {
        log.info("stopping: polling ends, writes in flight finish, the database closes");
        await mqtt?.stop();
        await automation.stop();
        await collector.stop();
        await Promise.allSettled([...inFlight]);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await options.storage.close();
        log.info("stopped");
      })());
    },
  };
}

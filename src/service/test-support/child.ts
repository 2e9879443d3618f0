/**
 * The service in a process of its own, for the kill -9 test: it connects to simulators the parent runs,
 * on a clock that follows the parent's accelerated one (virtual = V0 + (Date.now() - R0) * SPEED).
 */
import { realSleep, type Clock } from "../../core/clock.js";
import { loadPlugin } from "../../cli/vendors/registry.js";
import type { Vendor } from "../../model/types.js";
import { startService } from "../service.js";
import { openStorage } from "../storage/open.js";

const env = process.env;
const v0 = Number(env.CHILD_V0);
const r0 = Number(env.CHILD_R0);
const speed = Number(env.CHILD_SPEED);
const clock: Clock = { now: () => Math.floor(v0 + (Date.now() - r0) * speed), sleep: (ms, signal) => realSleep(ms / speed, signal) };
const sections = JSON.parse(env.CHILD_SECTIONS ?? "{}") as Record<Vendor, Record<string, unknown>>;
const sessions = await Promise.all(
  Object.entries(sections).map(async ([vendor, section]) =>
    (await loadPlugin(vendor as Vendor)).connect(section as never, { cwd: process.cwd(), clock }),
  ),
);
const service = await startService({
  // CHILD_STORAGE_URL (PostgreSQL) when set, else the SQLite file CHILD_DB.
  storage: await openStorage({ url: env.CHILD_STORAGE_URL, file: env.CHILD_DB }),
  sessions,
  clock,
  port: 0,
  processMetrics: false,
  cadenceMs: { alphaess: 60_000 },
});
process.stdout.write(`listening ${service.url}\n`);
process.on("SIGTERM", () => void service.stop().then(() => process.exit(0)));

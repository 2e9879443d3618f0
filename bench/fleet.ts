/**
 * `npm run bench -- fleet`: a simulated fleet (an AlphaESS developer account and a PowerTrack portfolio) polled by
 * worker processes (`openpower serve --worker`'s code) against one PostgreSQL, on an accelerated clock:
 *   1. N workers on PostgreSQL: poll lag, readings written per second, CPU per 1,000 systems;
 *   2. the same with one worker killed (SIGKILL) halfway: readings lost (5-minute buckets without a sample);
 *   3. one plain service on SQLite, same fleet, for comparison.
 * Poll lag: how late each poll started against when it was due (the system's previous poll + its cadence, as stored);
 * a system overdue at the end of a phase counts with its lag so far. The target is p99 < one interval.
 * Each vendor's interval is the one the collector stored: AlphaESS FLEET_BENCH_ALPHA_INTERVAL_S, a PowerTrack portfolio
 * the login's budget (2 s a site: 1,000 sites every 2,000 s).
 * Environment (defaults give a run of about six minutes):
 *   FLEET_BENCH_SYSTEMS=2000    systems in all, half AlphaESS, half PowerTrack sites (the issue's size: 10000)
 *   FLEET_BENCH_WORKERS=4       worker processes
 *   FLEET_BENCH_SPEED=10        simulated seconds per real second
 *   FLEET_BENCH_PHASE_S=60      real seconds measured per phase
 *   FLEET_BENCH_WARMUP_S        real seconds before the first phase (default: the longer of a phase and 3 AlphaESS intervals)
 *   FLEET_BENCH_ALPHA_INTERVAL_S=300   AlphaESS poll interval, simulated s (its history step)
 * Energy totals are read every 6 simulated hours (not 15 minutes): the bench measures the power polls.
 *   FLEET_BENCH_ALPHA_SPACING_MS=25    the developer account's spacing per AppID, simulated ms (a live AppID: 10 000, which
 *                               allows 30 systems at 5 minutes; 5 000 systems at 5 minutes need 60 ms or less)
 *   OPENPOWER_BENCH_PG_URL      an existing server instead of the embedded one
 *   FLEET_BENCH_CPU_PROF=dir    write each worker's CPU profile (node --cpu-prof) into dir
 * The numbers are for people (nothing asserted); a machine shared with other work makes them noisy.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { startAlphaEssSimulator } from "../src/sim/alphaess/index.js";
import { VirtualClock } from "../src/sim/kernel.js";
import { startPowerTrackSimulator } from "../src/sim/powertrack/index.js";
import { startTestPostgres } from "../test/support/postgres-server.js";
import { spawnFleetWorker } from "../src/service/fleet/test-support/spawn-worker.js";

const env = process.env;
const N = Number(env.FLEET_BENCH_SYSTEMS ?? 2_000);
const WORKERS = Number(env.FLEET_BENCH_WORKERS ?? 4);
const SPEED = Number(env.FLEET_BENCH_SPEED ?? 10);
const PHASE_S = Number(env.FLEET_BENCH_PHASE_S ?? 60);
const ALPHA_INTERVAL = Number(env.FLEET_BENCH_ALPHA_INTERVAL_S ?? 300) * 1000;
// Until the fleet has settled: the workers have split it, and each system had its first poll (with its energy totals).
const WARMUP_S = Number(env.FLEET_BENCH_WARMUP_S ?? Math.max(PHASE_S, (3 * ALPHA_INTERVAL) / SPEED / 1000));
const ALPHA_SPACING = Number(env.FLEET_BENCH_ALPHA_SPACING_MS ?? 25);
const FIVE_MIN = 300_000;
const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds a process has used (user + system; with `reaped`, also its children that ended), from /proc. */
function cpuSeconds(pid: number, reaped = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return 0;
  }
}

/** Resident memory of a process, MB, from /proc (0 once it is gone). */
function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes started below this one (the embedded server's child); none for an external server. */
function postgresPids(): number[] {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      name.set(Number(entry), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const below = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...name].filter(([pid, n]) => n === "postgres" && below(pid)).map(([pid]) => pid);
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN);

/**
 * Poll lag per vendor over [t0, t1]: for every poll that started in it, how late it started against when it was due (the
 * system's previous successful poll + its cadence, as the collector stored it); a system due by t1 and not polled yet counts
 * with its lag so far, and a system not polled at all since well before t0 counts as Infinity (never polled).
 */
function lags(
  runs: { source: string; t: number }[],
  cadences: Map<string, number>,
  t0: number,
  t1: number,
): Map<string, { lags: number[]; cadence: number; never: number }> {
  const bySource = new Map<string, number[]>();
  for (const r of runs) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r.t]);
  const out = new Map<string, { lags: number[]; cadence: number; never: number }>();
  for (const [source, cadence] of cadences) {
    const vendor = source.split(":")[0]!;
    const entry = out.get(vendor) ?? { lags: [], cadence, never: 0 };
    out.set(vendor, entry);
    entry.cadence = Math.max(entry.cadence, cadence);
    const starts = (bySource.get(source) ?? []).sort((a, b) => a - b);
    if (starts.length === 0) {
      entry.never++;
      entry.lags.push(Infinity);
      continue;
    }
    for (let i = 1; i < starts.length; i++) if (starts[i]! >= t0) entry.lags.push(Math.max(0, starts[i]! - starts[i - 1]! - cadence));
    const overdue = t1 - (starts.at(-1)! + cadence);
    if (overdue > 0) entry.lags.push(overdue);
  }
  return out;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "openpower-bench-fleet-"));
  const benchUrl = env.OPENPOWER_BENCH_PG_URL;
  const server = benchUrl ? { url: benchUrl, source: "OPENPOWER_BENCH_PG_URL", stop: async () => {} } : await startTestPostgres();
  const name = `fleet_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = Object.assign(new URL(server.url), { pathname: `/${name}` }).toString();
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const clock = new VirtualClock({ mode: "accelerated", speed: SPEED, start: Date.now() });
  const nAlpha = Math.floor(N / 2);
  const alpha = await startAlphaEssSimulator({
    clock,
    seed: 7,
    limits: "none",
    minIntervalMs: ALPHA_SPACING,
    signatureWindowS: 10 * 365 * 86_400,
    systems: Array.from({ length: nAlpha }, (_, i) => ({ serialNumber: `AB${String(i).padStart(8, "0")}` })),
  });
  const pt = await startPowerTrackSimulator({ clock, seed: 7, sites: N - nAlpha, sessionLifetimeMs: null });
  const sections = {
    alphaess: {
      appId: alpha.credentials.appId,
      appSecret: alpha.credentials.appSecret,
      baseUrl: alpha.url,
      timeZone: "Australia/Sydney",
      minIntervalMs: ALPHA_SPACING,
    },
    powertrack: { cookie: pt.credentials.cookie, aeS: pt.credentials.aeS, aeV: pt.credentials.aeV, baseUrl: pt.url, sites: pt.sites },
  };
  const v0 = clock.now();
  const r0 = Date.now();
  const children = new Map<string, ChildProcess>();
  const spawnWorker = async (id: string, extra: Record<string, string> = {}): Promise<ChildProcess> => {
    const nodeArgs = env.FLEET_BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", env.FLEET_BENCH_CPU_PROF] : [];
    const workerEnv = {
      FLEET_PG_URL: dbUrl,
      FLEET_STORAGE: dbUrl,
      FLEET_LEASE_TTL_MS: String(Math.min(10_000, ALPHA_INTERVAL / SPEED / 4)),
      FLEET_CADENCE: JSON.stringify({ alphaess: ALPHA_INTERVAL }),
      FLEET_DISCOVER_EVERY_MS: String(3_600_000),
      FLEET_INITIAL_BACKFILL_MS: "0",
      FLEET_ENERGY_EVERY_MS: String(6 * 3_600_000),
      // The fleet budget paces the AppID: more than one request of a worker's AlphaESS loop may wait for it.
      // PowerTrack: 4 requests of the login in flight fleet-wide; more waiting per worker only polls the slots table.
      FLEET_CONCURRENCY: JSON.stringify({ alphaess: 16, powertrack: Math.max(1, Math.floor(4 / WORKERS)) }),
      FLEET_PG_POOL: "8",
      ...extra,
    };
    const p = await spawnFleetWorker({ id, v0, r0, speed: SPEED, sections, env: workerEnv, nodeArgs });
    children.set(id, p);
    return p;
  };
  const stopAll = async () => {
    await Promise.all(
      [...children.values()].map(async (p) => {
        p.kill("SIGTERM");
        await new Promise((r) => p.once("exit", r));
      }),
    );
    children.clear();
  };
  /** Measures one phase: polls, readings, CPU of the processes in `children`. */
  const measure = async (
    label: string,
    query: (sql: string, args: unknown[]) => Promise<Record<string, unknown>[]>,
    during?: () => Promise<void>,
  ) => {
    const cpu0 = new Map([...children].map(([id, p]) => [id, cpuSeconds(p.pid!)]));
    const rss0 = new Map([...children].map(([id, p]) => [id, rssMb(p.pid!)]));
    // PostgreSQL's connections come and go: the server's CPU is its live processes' plus what the ended ones left.
    const pgCpuNow = () => postgresPids().reduce((sum, pid) => sum + cpuSeconds(pid, true), 0);
    const pgPids = postgresPids();
    const pgCpu0 = pgCpuNow();
    const benchCpu0 = process.cpuUsage();
    const tooFast0 = alpha.refused.tooFast;
    const t0 = clock.now();
    const real0 = Date.now();
    const samples0 = Number((await query("SELECT count(*) AS n FROM samples", []))[0]!.n);
    if (during) await during();
    else await realWait(PHASE_S * 1000);
    const cpu = [...children].reduce((sum, [id, p]) => sum + cpuSeconds(p.pid!) - (cpu0.get(id) ?? 0), 0);
    const pgCpu = pgCpuNow() - pgCpu0;
    const benchCpu = process.cpuUsage(benchCpu0);
    const realS = (Date.now() - real0) / 1000;
    const t1 = clock.now();
    const samples1 = Number((await query("SELECT count(*) AS n FROM samples", []))[0]!.n);
    const cadences = new Map(
      (await query("SELECT id, cadence_ms AS c FROM systems WHERE vendor IN ('alphaess', 'powertrack')", [])).map((r) => [
        String(r.id),
        Number(r.c),
      ]),
    );
    const longest = Math.max(...cadences.values());
    const runs = (
      await query("SELECT source, started_at AS t FROM runs WHERE kind = 'poll' AND ok = $1 AND started_at >= $2", [true, t0 - 2 * longest])
    ).map((r) => ({ source: String(r.source), t: Number(r.t) }));
    const polled = new Set(runs.filter((r) => r.t >= t0).map((r) => r.source));
    console.log(
      `\n${label}: ${realS.toFixed(0)} s real = ${((t1 - t0) / 60_000).toFixed(1)} simulated min; ${polled.size} of ${N} systems polled in it`,
    );
    for (const [vendor, { lags: list, cadence, never }] of lags(runs, cadences, t0, t1)) {
      if (list.length === 0) {
        console.log(`  ${vendor.padEnd(10)} interval ${cadence / 1000} s: no poll was due in the phase`);
        continue;
      }
      const sorted = [...list].sort((x, y) => x - y);
      const [p50, p99, max] = [pct(sorted, 0.5), pct(sorted, 0.99), sorted.at(-1)!];
      console.log(
        `  ${vendor.padEnd(10)} interval ${cadence / 1000} s, ${list.length - never} polls: lag behind due p50 ${(p50 / 1000).toFixed(1)} s, ` +
          `p99 ${(p99 / 1000).toFixed(1)} s = ${(p99 / cadence).toFixed(3)} interval, max ${(max / 1000).toFixed(1)} s (${never} never polled)`,
      );
    }
    const failed = new Map<string, number>();
    for (const r of await query("SELECT source, kind, error_class AS cls FROM runs WHERE ok = $1 AND started_at >= $2", [false, t0])) {
      const what = `${String(r.source).split(":")[0]} ${String(r.kind)} ${String(r.cls)}`;
      failed.set(what, (failed.get(what) ?? 0) + 1);
    }
    const failures = [...failed].map(([what, n]) => `${what}: ${n}`).join(", ");
    console.log(
      `  failed polls and backfills: ${failures || "none"}; AlphaESS requests refused with 6053 (retried): ${alpha.refused.tooFast - tooFast0}`,
    );
    console.log(`  readings written: ${((samples1 - samples0) / realS).toFixed(0)}/s real (${samples1 - samples0})`);
    const rss = [...children].map(([id, p]) => `${id} ${(rss0.get(id) ?? 0).toFixed(0)} → ${rssMb(p.pid!).toFixed(0)}`);
    console.log(`  resident memory per worker at the phase's start → end: ${rss.join(", ")} MB`);
    console.log(
      `  CPU: ${children.size} worker process(es) ${(cpu / realS).toFixed(2)} cores = ${((cpu / realS / N) * 1000).toFixed(3)} cores per 1,000 systems; ` +
        `PostgreSQL ${pgPids.length ? `${(pgCpu / realS).toFixed(2)} cores` : "not measured (external server)"}; ` +
        `the simulators (this process) ${((benchCpu.user + benchCpu.system) / 1e6 / realS).toFixed(2)} cores`,
    );
    return { t0, t1 };
  };
  const pgQuery = async (sql: string, args: unknown[]) => (await pool.query(sql, args)).rows as Record<string, unknown>[];
  try {
    console.log(
      `${N} systems (${nAlpha} AlphaESS on one developer AppID at ${ALPHA_SPACING} ms spacing, every ${ALPHA_INTERVAL / 1000} s; ${N - nAlpha} PowerTrack sites at the portfolio's cadence, 2 s a site), ${WORKERS} workers, clock x${SPEED}`,
    );
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => spawnWorker(`w${i + 1}`)));
    // Warm-up: the first round registers and claims everything.
    await realWait(WARMUP_S * 1000);
    await measure(`${WORKERS} workers on PostgreSQL`, pgQuery);
    const killed = await measure(`${WORKERS} workers on PostgreSQL, one killed (SIGKILL) halfway`, pgQuery, async () => {
      await realWait((PHASE_S * 1000) / 2);
      const victim = children.get("w1")!;
      victim.kill("SIGKILL");
      await new Promise((r) => victim.once("exit", r));
      children.delete("w1");
      await realWait((PHASE_S * 1000) / 2);
    });
    // Readings lost: AlphaESS 5-minute buckets of the kill phase without a sample, once the survivors had two
    // intervals to take the dead worker's systems over and backfill them.
    await realWait((2 * Math.max(ALPHA_INTERVAL, FIVE_MIN)) / SPEED);
    const lost = await pgQuery(
      `SELECT count(*) AS n FROM systems s CROSS JOIN generate_series($1::bigint, $2::bigint, 300000) b
       WHERE s.vendor = 'alphaess' AND NOT EXISTS (SELECT 1 FROM samples x WHERE x.sid = s.sid AND x.t >= b AND x.t < b + 300000)`,
      [Math.ceil(killed.t0 / FIVE_MIN) * FIVE_MIN, Math.floor(killed.t1 / FIVE_MIN) * FIVE_MIN - FIVE_MIN],
    );
    const doubled = await pgQuery("SELECT count(*) AS n FROM (SELECT sid, t FROM samples GROUP BY sid, t HAVING count(*) > 1) d", []);
    console.log(
      `  readings lost across the kill: ${String(lost[0]!.n)} AlphaESS 5-minute buckets without a sample (of ${nAlpha} systems x the phase); doubled: ${String(doubled[0]!.n)}`,
    );
    await stopAll();
    // One plain service on SQLite, same fleet, same budgets.
    const file = join(dir, "single.db");
    await spawnWorker("single", { FLEET_SINGLE: "1", FLEET_STORAGE: file });
    await realWait((PHASE_S * 1000) / 2);
    const sqlite = new Database(file, { readonly: true });
    await measure("1 process on SQLite", async (sql, args) => {
      const text = sql.replace(/\$\d/g, "?");
      return sqlite.prepare(text).all(...args.map((a) => (typeof a === "boolean" ? Number(a) : a))) as Record<string, unknown>[];
    });
    sqlite.close();
  } finally {
    for (const p of children.values()) p.kill("SIGKILL");
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await alpha.close();
    await pt.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * PowerTrack bulk reads: hardware lists of 1 000 sites with 50 ms of injected latency per request
 * at concurrency 16, compared with the ideal (sites × latency ÷ concurrency) and with a
 * sequential loop (the Python SDK's way), all measured in the same run.
 *
 * The simulator runs in a worker thread, as a remote server would run elsewhere: in the same event
 * loop its own CPU time would be charged to the client. The concurrent pass is run three times
 * (median and best shown); the sequential loop reads a sample of 100 sites and is extrapolated to
 * 1 000 (stated in the output). Timings depend on the machine's load.
 *
 *   npx tsx -e 'import("./bench/powertrack.ts").then(m => m.run())'
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { PowerTrackClient, readHardwareLists } from "../src/powertrack/index.js";

const SITES = 1000;
const LATENCY_MS = 50;
const CONCURRENCY = 16;
const SEQUENTIAL_SAMPLE = 100;
const RUNS = 3;

interface SimInfo {
  url: string;
  credentials: { cookie: string; aeS: string; aeV: string };
  sites: string[];
}

/** Starts the simulator in a worker; `latency(ms)` sets the injected latency of every request. */
async function startSimulatorWorker(): Promise<{ info: SimInfo; latency: (ms: number) => Promise<void>; close: () => Promise<void> }> {
  const module = new URL("../src/sim/powertrack/index.ts", import.meta.url).href;
  const worker = new Worker(
    `
    const { parentPort, workerData } = require("node:worker_threads");
    // Workers do not inherit the TypeScript loader: register it here.
    import("tsx/esm/api").then(({ register }) => { register(); return import(workerData.module); }).then(async ({ startPowerTrackSimulator }) => {
      const sim = await startPowerTrackSimulator({ sites: workerData.sites, seed: 2024 });
      parentPort.on("message", async (msg) => {
        if (msg.type === "latency") { sim.http.faults.setDefault(msg.ms > 0 ? { latencyMs: msg.ms } : null); parentPort.postMessage({ type: "ok" }); }
        if (msg.type === "close") { await sim.close(); parentPort.postMessage({ type: "closed" }); }
      });
      parentPort.postMessage({ type: "ready", url: sim.url, credentials: sim.credentials, sites: [...sim.sites] });
    });
    `,
    { eval: true, workerData: { module, sites: SITES } },
  );
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (msg: Record<string, unknown>) => {
        if (msg.type !== type) return;
        worker.off("message", onMessage);
        resolve(msg);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
  const ready = await next("ready");
  return {
    info: ready as unknown as SimInfo,
    latency: async (ms) => {
      const ok = next("ok");
      worker.postMessage({ type: "latency", ms });
      await ok;
    },
    close: async () => {
      const closed = next("closed");
      worker.postMessage({ type: "close" });
      await closed;
      await worker.terminate();
    },
  };
}

export async function run(): Promise<void> {
  const sim = await startSimulatorWorker();
  const { info } = sim;
  const client = new PowerTrackClient({
    auth: { ...info.credentials, baseUrl: info.url, env: {}, cookieFile: false, envFile: false },
    concurrency: CONCURRENCY,
    timeoutMs: 10_000,
  });
  try {
    // Warm-up (connections, JIT, the simulator generating every site), and the overhead without latency.
    await readHardwareLists(client, info.sites, { concurrency: CONCURRENCY });
    let t = performance.now();
    await readHardwareLists(client, info.sites, { concurrency: CONCURRENCY });
    const noLatencyMs = performance.now() - t;

    await sim.latency(LATENCY_MS);
    const runs: number[] = [];
    let failed = 0;
    let devices = 0;
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const report = await readHardwareLists(client, info.sites, { concurrency: CONCURRENCY });
      runs.push(performance.now() - t);
      failed += report.failed;
      devices = report.results.reduce((a, r) => a + (r.value?.length ?? 0), 0);
    }
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)]!;
    const best = runs[0]!;

    t = performance.now();
    for (const site of info.sites.slice(0, SEQUENTIAL_SAMPLE)) await client.getHardwareList(site);
    const sequentialSampleMs = performance.now() - t;
    const sequentialMs = (sequentialSampleMs * SITES) / SEQUENTIAL_SAMPLE;

    const idealMs = (SITES * LATENCY_MS) / CONCURRENCY;
    const pct = (ms: number) => `${((idealMs / ms) * 100).toFixed(1)} %`;
    console.log(
      `hardware lists of ${SITES} sites (${devices} devices), ${LATENCY_MS} ms injected latency, concurrency ${CONCURRENCY}, simulator in a worker thread`,
    );
    console.log(`  no latency (overhead only):   ${noLatencyMs.toFixed(0)} ms (${(noLatencyMs / SITES).toFixed(2)} ms/site)`);
    console.log(
      `  concurrent, ${RUNS} runs:          ${runs.map((r) => r.toFixed(0)).join(" / ")} ms${failed ? `, ${failed} failed reads` : ""}`,
    );
    console.log(`  ideal (sites x latency / c):  ${idealMs.toFixed(0)} ms`);
    console.log(`  efficiency (ideal / actual):  median ${pct(median)}, best ${pct(best)}  (target >= 85 %)`);
    console.log(
      `  sequential (the SDK's way):   ${sequentialMs.toFixed(0)} ms, extrapolated from ${SEQUENTIAL_SAMPLE} sites (${sequentialSampleMs.toFixed(0)} ms)`,
    );
    console.log(`  speed-up over sequential:     ${(sequentialMs / median).toFixed(1)}x (median)`);
  } finally {
    client.close();
    await sim.close();
  }
}

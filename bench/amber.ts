/**
 * Amber benchmarks.
 *
 * 1. Parse-and-normalise throughput: synthetic `/prices` bodies shaped like the real 192-interval
 *    capture (fixtures/amber, shifted in time: 6 144 distinct intervals, the size of a 7-day
 *    chunk), taken from JSON text through validation to unified `PriceInterval`s. Baselines in the
 *    same run: `JSON.parse` alone, and the zod schema (what the fast path replaces).
 *    Target: >= 200 000 intervals/s.
 *    Also the client end to end: `getCurrentPrices()` and `getPrices()` of one 7-day chunk, then
 *    `toPriceIntervals`, with `fetch` stubbed to answer the same body (with Amber's RateLimit-*
 *    headers): transport, limiter, JSON, validation and whatever the client does after it, without
 *    sockets or a server.
 * 2. Peak memory of a 90-day 5-minute usage fetch (13 chunked requests, 51 840 records) from the
 *    in-process simulator on a manual clock (13 requests fit in the 50/300 s budget, so nothing
 *    waits). Heap and RSS are sampled every 5 ms and after every chunk, from a heap collected just
 *    before; the simulator's own work (it runs in the same process) is included.
 *
 * Run: npx tsx -e 'import("./bench/amber.ts").then(m => m.run())'   (or: npm run bench -- amber)
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Amber, parseIntervals, toPriceIntervals } from "../src/amber/index.js";
import { intervalWire } from "../src/amber/wire/schemas.js";
import { addDays } from "../src/core/time/calendar-date.js";
import { startAmberSimulator } from "../src/sim/amber/index.js";
import { VirtualClock } from "../src/sim/kernel.js";

const here = dirname(fileURLToPath(import.meta.url));
const DAY = 86_400_000;

function syntheticBody(copies: number): string {
  const real = JSON.parse(readFileSync(join(here, "..", "fixtures", "amber", "prices-2day-30min-general-feedin.json"), "utf8")) as Array<
    Record<string, unknown>
  >;
  const shift = (iso: unknown, ms: number, suffix: "Z" | "+10:00") => {
    const t = Date.parse(iso as string) + ms;
    return suffix === "Z"
      ? new Date(t).toISOString().replace(".000Z", "Z")
      : `${new Date(t + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00`;
  };
  const out: Array<Record<string, unknown>> = [];
  for (let k = 0; k < copies; k++) {
    const ms = 2 * DAY * k;
    for (const i of real) {
      out.push({
        ...i,
        date: shift(`${i.date as string}T12:00:00Z`, ms, "Z").slice(0, 10),
        startTime: shift(i.startTime, ms, "Z"),
        endTime: shift(i.endTime, ms, "Z"),
        nemTime: shift(i.nemTime, ms, "+10:00"),
      });
    }
  }
  return JSON.stringify(out);
}

/** Best (shortest) time of `runs` runs, in ms: the least disturbed by other work on the machine. */
function best(runs: number, fn: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/** A way to force a full collection, so heap numbers do not include the previous phase's garbage. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (() => void) | undefined;
  return typeof gc === "function" ? gc : () => {};
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-AU")} intervals/s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function throughput(): Promise<void> {
  // One body the size of a 7-day /prices chunk (32 × 192 = 6,144 intervals), processed `repeat` times
  // per round; the best of `rounds` rounds counts.
  const text = syntheticBody(32);
  const n = (JSON.parse(text) as unknown[]).length;
  const repeat = 16;
  const rounds = 8;
  const total = n * repeat;
  const schema = intervalWire.array();
  const many = (fn: () => unknown) => () => {
    for (let r = 0; r < repeat; r++) fn();
  };
  // Warm up every path.
  for (let i = 0; i < 3; i++) {
    toPriceIntervals(parseIntervals(JSON.parse(text), "bench", { inPlace: true }));
    schema.parse(JSON.parse(text));
  }
  const json = best(
    rounds,
    many(() => JSON.parse(text)),
  );
  const endToEnd = best(
    rounds,
    many(() => toPriceIntervals(parseIntervals(JSON.parse(text), "bench", { inPlace: true }))),
  );
  const zodEndToEnd = best(
    rounds,
    many(() =>
      toPriceIntervals(
        schema
          .parse(JSON.parse(text))
          .map((i) =>
            Object.assign(i, { start: new Date(Date.parse(i.endTime) - i.duration * 60_000), end: new Date(i.endTime) }),
          ) as never,
      ),
    ),
  );
  const raw = JSON.parse(text) as unknown;
  const fastOnly = best(
    rounds,
    many(() => parseIntervals(raw, "bench")),
  );
  const zodOnly = best(
    rounds,
    many(() => schema.parse(raw)),
  );
  const parsed = parseIntervals(raw);
  const adapt = best(
    rounds,
    many(() => toPriceIntervals(parsed)),
  );
  console.log(
    `parse-and-normalise, bodies of ${n.toLocaleString("en-AU")} intervals shaped like the real capture, ${total.toLocaleString("en-AU")} per round (best of ${rounds}):`,
  );
  console.log(`  JSON text -> PriceInterval[] (JSON.parse + validate + normalise): ${rate(total, endToEnd)}   target >= 200,000`);
  console.log(`    the same through zod instead of the fast path:                ${rate(total, zodEndToEnd)}`);
  console.log(`  fast-path validation alone (copying):                            ${rate(total, fastOnly)}`);
  console.log(`  toPriceIntervals alone:                                          ${rate(total, adapt)}`);
  console.log(`  baseline JSON.parse alone:                                       ${rate(total, json)}`);
  console.log(`  baseline zod schema alone (z.array(intervalWire)):               ${rate(total, zodOnly)}`);
  console.log(
    `  ratios: fast path / zod validation ${(zodOnly / fastOnly).toFixed(2)}x; end to end, fast / zod ${(zodEndToEnd / endToEnd).toFixed(2)}x; end to end costs ${(endToEnd / json).toFixed(2)}x a bare JSON.parse`,
  );

  // The client itself, with fetch answering the body at once.
  // The bytes are encoded once, as a server would have sent them; decoding them is the client's work.
  const bytes = new TextEncoder().encode(text);
  const headers = {
    "content-type": "application/json",
    "content-length": String(bytes.byteLength),
    "ratelimit-limit": "1000000",
    "ratelimit-remaining": "999999",
    "ratelimit-reset": "300",
    "ratelimit-policy": "1000000;w=300",
  };
  const stubFetch = async () => new Response(bytes, { headers });
  const amber = new Amber({
    token: "psk_bench",
    site: "01GM47PZ7VYRDP071ED43M47TX",
    baseUrl: "http://127.0.0.1:9/v1",
    fetch: stubFetch,
    budget: { limit: 1_000_000, windowMs: 1 },
  });
  const clientRound = async (call: () => Promise<unknown[]>) => {
    let min = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const t = performance.now();
      for (let r = 0; r < repeat; r++) toPriceIntervals((await call()) as never);
      min = Math.min(min, performance.now() - t);
    }
    return min;
  };
  const current = () => amber.getCurrentPrices({ next: 2048 });
  const week = () => amber.getPrices({ start: "2024-09-04", end: "2024-09-10" });
  for (let i = 0; i < 3; i++) {
    await current();
    await week();
  }
  const clientCurrent = await clientRound(current);
  const clientWeek = await clientRound(week);
  console.log(`  client end to end, fetch stubbed (transport + limiter + JSON + validation + client + toPriceIntervals):`);
  console.log(
    `    getCurrentPrices():                                            ${rate(total, clientCurrent)}   (${(clientCurrent / endToEnd).toFixed(2)}x the parse-and-normalise time)`,
  );
  console.log(
    `    getPrices() of one 7-day chunk:                                ${rate(total, clientWeek)}   (${(clientWeek / endToEnd).toFixed(2)}x)`,
  );
}

async function usageMemory(): Promise<void> {
  const clock = new VirtualClock({ mode: "manual", start: Date.parse("2025-06-01T02:00:00Z") });
  const sim = await startAmberSimulator({ clock });
  try {
    const amber = new Amber({ token: sim.token, baseUrl: sim.url, clock, site: "01GM47PZ7VYRDP071ED43M47TX" });
    const gc = collector();
    gc();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const timer = setInterval(sample, 5);
    const start = "2025-02-01";
    const end = addDays(start, 89);
    const t = performance.now();
    const usage = await amber.getUsage({ start, end, onProgress: sample });
    const ms = performance.now() - t;
    clearInterval(timer);
    sample();
    gc();
    const after = process.memoryUsage();
    console.log(
      `90-day 5-minute usage fetch (${start}..${end}, ${sim.http.requests.length} chunked requests, ${usage.length.toLocaleString("en-AU")} records, ` +
        `${(ms / 1000).toFixed(2)} s incl. the in-process simulator; manual clock, default 50/300 s budget: nothing waits):`,
    );
    console.log(
      `  heapUsed: before ${mb(before.heapUsed)}, peak ${mb(peakHeap)} (+${mb(peakHeap - before.heapUsed)}), holding the result ${mb(after.heapUsed)}`,
    );
    console.log(`  rss:      before ${mb(before.rss)}, peak ${mb(peakRss)} (+${mb(peakRss - before.rss)})`);
    console.log(`  result retained after a full GC ≈ ${((after.heapUsed - before.heapUsed) / usage.length).toFixed(0)} bytes/record`);
  } finally {
    await sim.close();
  }
}

export async function run(): Promise<void> {
  // Memory first, on a clean heap.
  await usageMemory();
  collector()();
  await throughput();
}

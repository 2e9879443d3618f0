/**
 * Cold start of the `openpower` command: `node dist/cli/bin.js --help`, spawned N times, against a
 * baseline of `node -e ""` measured in the same run (the difference is what openpower adds to
 * Node's own start-up). Target: under 200 ms for the whole `--help`. Also `openpower config
 * path`, which loads the config layer and the vendor registry but makes no request.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 25);

function ensureBuilt(): void {
  if (existsSync(BIN)) return;
  console.log("dist/cli/bin.js is missing: building (npm run build) ...");
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
}

function measure(args: string[], env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  // One warm-up run so the file system cache is the same for every candidate.
  spawnSync(process.execPath, args, { env, stdio: "ignore" });
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;

export async function run(): Promise<void> {
  ensureBuilt();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, OPENPOWER_CONFIG: "/nonexistent/openpower-bench.toml", NO_COLOR: "1" };
  const cases: [string, string[]][] = [
    ['node -e ""  (baseline)', ["-e", ""]],
    ["openpower --help", [BIN, "--help"]],
    ["openpower config path", [BIN, "config", "path"]],
  ];
  const results = cases.map(([name, args]) => ({ name, times: measure(args, env) }));
  const base = results[0]!.times;
  console.log(`cold start, ${RUNS} runs each (median, p90; difference to the baseline median)`);
  for (const { name, times } of results) {
    const median = quantile(times, 0.5);
    const extra = name.includes("baseline") ? "" : `   +${(median - quantile(base, 0.5)).toFixed(1)} ms over node`;
    console.log(`  ${name.padEnd(26)} median ${fmt(median)}   p90 ${fmt(quantile(times, 0.9))}${extra}`);
  }
  const help = quantile(results[1]!.times, 0.5);
  console.log(`openpower --help median ${help.toFixed(0)} ms: ${help < 200 ? "within" : "OVER"} the 200 ms target`);
}

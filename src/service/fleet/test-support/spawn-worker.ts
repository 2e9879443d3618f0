import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const child = fileURLToPath(new URL("./worker-child.ts", import.meta.url));

export interface FleetWorkerProcess {
  /** FLEET_WORKER_ID. */
  id: string;
  /** The parent's accelerated clock: virtual = v0 + (Date.now() - r0) * speed. */
  v0: number;
  r0: number;
  speed: number;
  /** The vendor sections (simulator URLs and credentials) the worker connects. */
  sections: object;
  /** The worker-child's other settings (FLEET_PG_URL, FLEET_STORAGE, FLEET_LEASE_TTL_MS, …). */
  env: Record<string, string>;
  /** Extra arguments for node (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts one fleet worker (`worker-child.ts`) in a process of its own; resolves once it listens, rejects if it exits first. */
export async function spawnFleetWorker(options: FleetWorkerProcess): Promise<ChildProcess> {
  const p = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", child], {
    env: {
      ...process.env,
      CHILD_V0: String(options.v0),
      CHILD_R0: String(options.r0),
      CHILD_SPEED: String(options.speed),
      CHILD_SECTIONS: JSON.stringify(options.sections),
      FLEET_WORKER_ID: options.id,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    p.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    p.once("exit", (code) => reject(new Error(`worker ${options.id} exited early (${code})`)));
  });
  return p;
}

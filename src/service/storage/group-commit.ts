import type { EnergyRow, RunRow, SampleRow, Storage } from "./types.js";
import { WriteQueue, type GroupCommitOptions } from "./write-queue.js";

export type { GroupCommitOptions } from "./write-queue.js";

/** A storage whose small writes are group-committed; `flush` sends what is queued and waits for it. */
export type GroupCommitStorage = Storage & { flush(): Promise<void> };

/**
 * Group commit for the collector's per-poll writes: concurrent `insertSamples`, `upsertEnergy` and `recordRun` calls
 * go to the backend as one `insertSampleBatches` / `upsertEnergyBatches` / `recordRuns` (one statement or
 * transaction): those of the same tick (or of `maxDelayMs`) together, and those that arrive while a write is in
 * flight together after it. A fleet worker with many polls in flight so writes dozens to hundreds of rows per round
 * trip instead of one. Each caller's promise resolves with its own result only after that write committed, and a
 * failed write rejects every caller in it: what a caller was told is stored survives a kill -9, exactly as without
 * grouping. Everything else passes straight through; `close` sends what is queued first.
 */
export function withGroupCommit(storage: Storage, options: GroupCommitOptions = {}): GroupCommitStorage {
  const samples = new WriteQueue<readonly SampleRow[], number>(
    (batches) => storage.insertSampleBatches(batches),
    (rows) => rows.length,
    options,
  );
  const energy = new WriteQueue<readonly EnergyRow[], number>(
    (batches) => storage.upsertEnergyBatches(batches),
    (rows) => rows.length,
    options,
  );
  const runs = new WriteQueue<RunRow, void>(
    async (rows) => {
      await storage.recordRuns(rows);
      return rows.map(() => undefined);
    },
    () => 1,
    options,
  );
  const flush = async () => {
    await Promise.all([samples.flush(), energy.flush(), runs.flush()]);
  };
  const grouped: Pick<GroupCommitStorage, "insertSamples" | "upsertEnergy" | "recordRun" | "flush" | "close"> = {
    insertSamples: async (rows) => (rows.length === 0 ? 0 : samples.push(rows)),
    upsertEnergy: async (rows) => (rows.length === 0 ? 0 : energy.push(rows)),
    recordRun: (row) => runs.push(row),
    flush,
    async close() {
      await flush();
      await storage.close();
    },
  };
  // A Proxy rather than a class listing every method: a method added to Storage later passes through by itself.
  return new Proxy(storage, {
    has: (target, property) => Object.hasOwn(grouped, property) || Reflect.has(target, property),
    get(target, property) {
      if (Object.hasOwn(grouped, property)) return grouped[property as keyof typeof grouped];
      const value: unknown = Reflect.get(target, property);
      // Methods run on the backend itself (private fields); the constructor stays what it is.
      return typeof value === "function" && property !== "constructor" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as GroupCommitStorage;
}

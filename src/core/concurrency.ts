/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * output. A worker stops taking new items once `signal` aborts or `shouldStop()` says so; items
 * never started are reported as `{ started: false }`.
 */
export type Settled<T> = { started: true; ok: true; value: T } | { started: true; ok: false; error: unknown } | { started: false };

export async function mapLimit<I, T>(
  items: readonly I[],
  limit: number,
  fn: (item: I, index: number) => Promise<T>,
  options: { signal?: AbortSignal; shouldStop?: () => boolean } = {},
): Promise<Settled<T>[]> {
  const out: Settled<T>[] = items.map(() => ({ started: false }));
  let next = 0;
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  const worker = async () => {
    while (next < items.length) {
      if (options.signal?.aborted || options.shouldStop?.()) return;
      const index = next++;
      try {
        out[index] = { started: true, ok: true, value: await fn(items[index]!, index) };
      } catch (error) {
        out[index] = { started: true, ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return out;
}

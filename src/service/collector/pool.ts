/** Runs `work` over `items` with at most `concurrency` in flight; never rejects (work handles its own errors). */
export async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Sleeps on `clock`; false when `signal` aborted the sleep (the caller stops). */
export async function sleepOn(
  clock: { sleep(ms: number, signal?: AbortSignal): Promise<void> },
  ms: number,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await clock.sleep(Math.max(0, ms), signal);
    return !signal.aborted;
  } catch {
    return false;
  }
}

/**
 * Runs `call` with a signal that aborts when `stop` (or any of several) does or after `timeoutMs` (real time): a hung vendor never
 * holds its loop for long. Not AbortSignal.any: on Node 20 each composite stays attached to the long-lived stop signal (a leak per poll).
 */
export async function withDeadline<T>(
  stop: AbortSignal | readonly AbortSignal[],
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stops = Array.isArray(stop) ? (stop as readonly AbortSignal[]) : [stop as AbortSignal];
  const controller = new AbortController();
  const onStop = function (this: AbortSignal) {
    controller.abort(this.reason);
  };
  for (const s of stops) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", onStop, { once: true });
  }
  const timer = setTimeout(() => controller.abort(new DOMException("The vendor did not answer in time.", "TimeoutError")), timeoutMs);
  timer.unref();
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
    for (const s of stops) s.removeEventListener("abort", onStop);
  }
}

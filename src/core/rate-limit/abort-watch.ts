/**
 * One abort listener per signal, however many queued waiters share it: a long-lived signal with
 * hundreds of requests queued behind a rate limit would otherwise collect a listener per request
 * (and a MaxListenersExceededWarning). `add`/`remove` count the waiters; the listener goes when the
 * last one leaves. On abort, `onAbort(signal)` is called once, to drop every waiter of that signal.
 */
export class AbortWatch {
  readonly #hooks = new Map<AbortSignal, { count: number; listener: () => void }>();

  constructor(private readonly onAbort: (signal: AbortSignal) => void) {}

  add(signal: AbortSignal): void {
    let hook = this.#hooks.get(signal);
    if (!hook) {
      const listener = () => {
        this.#hooks.delete(signal);
        this.onAbort(signal);
      };
      hook = { count: 0, listener };
      this.#hooks.set(signal, hook);
      signal.addEventListener("abort", listener, { once: true });
    }
    hook.count++;
  }

  remove(signal: AbortSignal): void {
    const hook = this.#hooks.get(signal);
    if (!hook || --hook.count > 0) return;
    this.#hooks.delete(signal);
    signal.removeEventListener("abort", hook.listener);
  }
}

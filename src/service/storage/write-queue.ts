/**
 * A group-commit queue: writes pushed within a short window go to the database as one write, and each pusher's
 * promise settles only when that write has committed (or failed). Writes leave in the order they were pushed, one
 * write in flight at a time, so a caller's own writes keep their order; while one is in flight the next one gathers.
 */

export interface GroupCommitOptions {
  /**
   * How long the first queued write waits for company, ms. Default 0: what is queued in the same tick goes at once,
   * and whatever arrives while a write is in flight goes next, together (measured best: `npm run bench -- storage`).
   */
  maxDelayMs?: number;
  /** A write carries at most this many rows (default 500); reaching it sends at once. A larger single call goes alone. */
  maxRows?: number;
}

interface Waiting<I, R> {
  item: I;
  rows: number;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class WriteQueue<I, R> {
  private readonly maxDelayMs: number;
  private readonly maxRows: number;
  private waiting: Waiting<I, R>[] = [];
  private waitingRows = 0;
  private timer: { cancel(): void } | undefined;
  /** The waiting writes' delay has passed: send as soon as the write in flight is done. */
  private due = false;
  private inFlight: Promise<void> | undefined;

  /**
   * @param write writes the items as one statement or transaction (all or nothing) and returns one result per item, in order.
   * @param rowsOf how many rows an item carries (counts towards `maxRows`).
   */
  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly rowsOf: (item: I) => number,
    options: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 0);
    this.maxRows = Math.max(1, options.maxRows ?? 500);
  }

  push(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const rows = this.rowsOf(item);
      this.waiting.push({ item, rows, resolve, reject });
      this.waitingRows += rows;
      if (this.waitingRows >= this.maxRows) this.sendNow();
      else this.timer ??= this.startTimer();
    });
  }

  /** Sends everything queued now and resolves when the queue is empty and nothing is in flight (for close). */
  async flush(): Promise<void> {
    while (this.inFlight || this.waiting.length > 0) {
      if (!this.inFlight) this.sendNow();
      await this.inFlight;
    }
  }

  private startTimer(): { cancel(): void } {
    const fire = () => {
      this.timer = undefined;
      this.sendNow();
    };
    if (this.maxDelayMs === 0) {
      const handle = setImmediate(fire);
      return { cancel: () => clearImmediate(handle) };
    }
    const handle = setTimeout(fire, this.maxDelayMs);
    return { cancel: () => clearTimeout(handle) };
  }

  private sendNow(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.due = true;
    if (!this.inFlight) this.inFlight = this.sendOne();
  }

  /** One write of the oldest queued items (up to maxRows; at least one item), then the next if it is due already. */
  private async sendOne(): Promise<void> {
    let rows = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || rows + this.waiting[n]!.rows <= this.maxRows)) rows += this.waiting[n++]!.rows;
    const batch = this.waiting.splice(0, n);
    this.waitingRows -= rows;
    this.due = this.waiting.length > 0 && (this.due || this.waitingRows >= this.maxRows);
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      // Every caller of the failed write learns why; the queue itself carries on with the next write.
      for (const w of batch) w.reject(error);
    }
    this.inFlight = undefined;
    if (this.waiting.length === 0) return;
    if (this.due || this.waitingRows >= this.maxRows) this.sendNow();
    else this.timer ??= this.startTimer();
  }
}

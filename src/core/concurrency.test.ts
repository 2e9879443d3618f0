import { describe, expect, it } from "vitest";
import { mapLimit } from "./concurrency.js";

describe("mapLimit", () => {
  it("keeps the input order and never has more than `limit` calls in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n === 4) throw new Error("four");
      return n * 10;
    });
    expect(most).toBe(2);
    expect(out).toEqual([
      { started: true, ok: true, value: 50 },
      { started: true, ok: true, value: 10 },
      { started: true, ok: false, error: new Error("four") },
      { started: true, ok: true, value: 20 },
      { started: true, ok: true, value: 30 },
    ]);
  });

  it("stops starting items once told to, reporting the rest as not started", async () => {
    const stop = new AbortController();
    const out = await mapLimit(
      [1, 2, 3],
      1,
      async (n) => {
        if (n === 1) stop.abort();
        return n;
      },
      { signal: stop.signal },
    );
    expect(out).toEqual([{ started: true, ok: true, value: 1 }, { started: false }, { started: false }]);
    let calls = 0;
    const stopped = await mapLimit([1, 2, 3], 3, async () => ++calls, { shouldStop: () => calls >= 1 });
    expect(stopped.filter((s) => s.started)).toHaveLength(1);
  });

  it("treats a limit below 1 as 1", async () => {
    expect(await mapLimit([1, 2], 0, async (n) => n)).toHaveLength(2);
  });
});

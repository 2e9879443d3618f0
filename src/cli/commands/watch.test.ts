import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import { registerSecret } from "../../core/redact.js";
import { startGoodWeSimulator } from "../../sim/goodwe/index.js";
import { CommandContext } from "../context.js";
import { fakeIo } from "../test-support/fake-io.js";
import { fakeSession, fakeSystem, flowOf, priceInterval } from "../test-support/fake-session.js";
import { tempHome } from "../test-support/run-cli.js";
import { watch } from "./watch.js";

describe("watch", () => {
  it("each system refreshes at its own cadence: a fast local source is not held back by a slow cloud one", async () => {
    const reads = { local: 0, cloud: 0 };
    const local = fakeSystem("goodwe", "LOCAL1", { getPowerFlow: async () => (reads.local++, flowOf("goodwe", "LOCAL1", Date.now())) });
    const cloud = fakeSystem("goodwe", "STATION1", { getPowerFlow: async () => (reads.cloud++, flowOf("goodwe", "STATION1", Date.now())) });
    const session = fakeSession("goodwe", async () => [local, cloud], {
      refreshIntervalMs: () => 60_000,
      systemRefreshMs: (system) => (system === local ? 200 : 60_000),
    });
    const f = fakeIo();
    expect(await watch(new CommandContext(f.io, {}, "table", { sessions: [session] }), { count: 3 })).toBe(0);
    expect(reads).toEqual({ local: 3, cloud: 1 });
  });

  it("the age ticks between refreshes on a terminal", async () => {
    let now = Date.now();
    const observed = now - 35_000;
    const session = fakeSession(
      "alphaess",
      async () => [fakeSystem("alphaess", "AL1", { getPowerFlow: async () => flowOf("alphaess", "AL1", observed) })],
      {
        refreshIntervalMs: () => 600_000,
        // Each look at the clock is a second later: the redraws must show the age growing.
        now: () => (now += 1_000),
      },
    );
    const f = fakeIo({ tty: true });
    const running = watch(new CommandContext(f.io, {}, "table", { sessions: [session] }), {});
    while ((f.stdout().match(/openpower watch/g) ?? []).length < 3) await new Promise((r) => setTimeout(r, 50));
    f.interrupt();
    expect(await running).toBe(0);
    const ages = [...f.stdout().matchAll(/│ (\d+) s\s+│/g)].map((m) => Number(m[1]));
    expect(ages.length).toBeGreaterThanOrEqual(3);
    expect(ages[0]).toBeGreaterThanOrEqual(35);
    expect(ages[2]).toBeGreaterThan(ages[0]!);
  });

  it("asks each vendor's budget again after every refresh (it is known only from the responses)", async () => {
    let refreshed = false;
    const session = fakeSession("amber", async () => [], {
      pricesAhead: async () => {
        refreshed = true;
        return [priceInterval("general", 30), priceInterval("feedIn", -5)];
      },
      refreshIntervalMs: () => (refreshed ? 7_000 : 1_000),
    });
    const f = fakeIo({ tty: true });
    expect(await watch(new CommandContext(f.io, {}, "table", { sessions: [session] }), { once: true, interval: "1s" })).toBe(0);
    expect(f.stdout()).toMatch(/refresh every 7 s/);
    expect(f.stdout()).toMatch(/Amber now: buy 30\.0 c\/kWh \(neutral\), feed-in earns 5\.0 c\/kWh/);
  });

  it("retries a vendor whose systems could not be listed", async () => {
    let calls = 0;
    const session = fakeSession("alphaess", async () => {
      if (++calls === 1) throw new Error("listing failed");
      return [fakeSystem("alphaess", "AL1")];
    });
    const f = fakeIo();
    expect(await watch(new CommandContext(f.io, {}, "table", { sessions: [session] }), { count: 2, interval: "0.2s", retryMs: 0 })).toBe(0);
    const lines = f.stdout().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/alphaess:\(all\) error: listing failed/);
    expect(lines[1]).toMatch(/alphaess:AL1 pv=1\.00 kW/);
  });

  it("--json gives what status --json gives: ok, stale, evW always, the price as intervals", async () => {
    const sessions = [
      fakeSession("alphaess", async () => [fakeSystem("alphaess", "AL1")]),
      fakeSession("amber", async () => [], { pricesAhead: async () => [priceInterval("general", 30), priceInterval("feedIn", -5)] }),
    ];
    const f = fakeIo();
    expect(await watch(new CommandContext(f.io, {}, "json", { sessions }), { once: true })).toBe(0);
    const doc = JSON.parse(f.stdout()) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(["at", "price", "priceError", "systems"]);
    expect(doc).toMatchObject({
      systems: [
        {
          vendor: "alphaess",
          device: "AL1",
          ok: true,
          stale: false,
          error: null,
          ageS: expect.any(Number),
          flow: { pvW: 1000, evW: null },
        },
      ],
      price: { general: { channel: "general", perKwhCents: 30 }, feedIn: { channel: "feedIn", perKwhCents: -5 } },
      priceError: null,
    });
  });

  it("the redraw on a terminal goes through redaction like every other output", async () => {
    const secret = "watch_redraw_secret_7731";
    registerSecret(secret);
    const f = fakeIo({ tty: true });
    const sessions = [fakeSession("powertrack", async () => [fakeSystem("powertrack", secret)])];
    expect(await watch(new CommandContext(f.io, {}, "table", { sessions }), { once: true })).toBe(0);
    expect(f.stdout()).toContain("\x1b[H\x1b[2J");
    expect(f.stdout()).not.toContain(secret);
  });
});

describe("a vendor that could not connect", () => {
  it("is connected again by the next call (watch retries it)", async () => {
    // A UDP port with nobody behind it, then a GoodWe simulator on that same port.
    const probe = createSocket("udp4");
    await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const home = tempHome();
    home.writeConfig({ goodwe: { host: "127.0.0.1", port, family: "ET", timeoutMs: 100 } });
    const f = fakeIo({ env: home.env });
    const ctx = new CommandContext(f.io, {}, "table");
    try {
      const first = await ctx.sessions(["goodwe"]);
      expect(first.sessions).toEqual([]);
      expect(first.failures.map((x) => x.vendor)).toEqual(["goodwe"]);
      const sim = await startGoodWeSimulator({ profile: "ET", udpPort: port, tcpPort: null, discoveryPort: null });
      try {
        const second = await ctx.sessions(["goodwe"]);
        expect(second.failures).toEqual([]);
        expect(second.sessions.map((s) => s.vendor)).toEqual(["goodwe"]);
      } finally {
        await ctx.close();
        await sim.close();
      }
    } finally {
      home.cleanup();
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { ConnectionError } from "../../core/errors/index.js";
import { HttpTransport } from "../../core/http/transport.js";
import { VirtualClock } from "../clock/virtual-clock.js";
import { startHttpSimulator } from "./http-simulator.js";
import type { HttpSimulator, SimHandler, SimResponse } from "./types.js";

const open: HttpSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(handler: SimHandler, options: Parameters<typeof startHttpSimulator>[1] = {}): Promise<HttpSimulator> {
  const sim = await startHttpSimulator(handler, options);
  open.push(sim);
  return sim;
}

const echo: SimHandler = (req) => ({ body: { method: req.method, path: req.path, q: req.query.get("q"), body: req.body } });

describe("startHttpSimulator basics", () => {
  it("binds 127.0.0.1 on a free port and answers JSON", async () => {
    const sim = await start(echo);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
    const res = await fetch(`${sim.url}/v1/things?q=1`, { method: "POST", body: "hello" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ method: "POST", path: "/v1/things", q: "1", body: "hello" });
  });

  it("sends strings, buffers, empty bodies, statuses and headers as given", async () => {
    const sim = await start((req): SimResponse => {
      switch (req.path) {
        case "/text":
          return { body: "plain" };
        case "/html":
          return { body: "<p>x</p>", headers: { "Content-Type": "text/html" } };
        case "/raw":
          return { body: Buffer.from([1, 2, 3]), headers: { "content-type": "application/octet-stream" } };
        case "/empty":
          return { status: 204 };
        default:
          return { status: 404, headers: { "x-request-id": "abc" }, body: { message: "no such thing" } };
      }
    });
    const text = await fetch(`${sim.url}/text`);
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await text.text()).toBe("plain");
    expect((await fetch(`${sim.url}/html`)).headers.get("content-type")).toBe("text/html");
    expect([...new Uint8Array(await (await fetch(`${sim.url}/raw`)).arrayBuffer())]).toEqual([1, 2, 3]);
    const empty = await fetch(`${sim.url}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
    const missing = await fetch(`${sim.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBe("abc");
    expect(await missing.json()).toEqual({ message: "no such thing" });
  });

  it("turns handler exceptions into 500 and bad JSON bodies into 400", async () => {
    const sim = await start(async (req) => {
      if (req.path === "/throw") throw new Error("boom");
      return { body: req.json<{ a: number }>() };
    });
    const thrown = await fetch(`${sim.url}/throw`);
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ message: "simulator error: boom" });
    const bad = await fetch(`${sim.url}/json`, { method: "POST", body: "{nope" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/not valid JSON/);
    const good = await fetch(`${sim.url}/json`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect(await good.json()).toEqual({ a: 1 });
  });

  it("records requests in a bounded ring, with the clock's time", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.UTC(2025, 0, 1) });
    const sim = await start(echo, { recordLimit: 3, clock });
    for (let i = 1; i <= 5; i++) {
      await (
        await fetch(`${sim.url}/r/${i}?q=${i}`, {
          method: i % 2 ? "GET" : "PUT",
          body: i % 2 ? undefined : `b${i}`,
          headers: { "X-Test": String(i) },
        })
      ).text();
      await clock.advance(1000);
    }
    const recorded = sim.requests;
    expect(recorded.map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(recorded[1]).toMatchObject({ method: "PUT", path: "/r/4", body: "b4", at: Date.UTC(2025, 0, 1) + 3000 });
    expect(recorded[1]!.query.get("q")).toBe("4");
    expect(recorded[1]!.headers["x-test"]).toBe("4");
    expect(recorded[1]!.faulted).toBeUndefined();
    sim.clearRequests();
    expect(sim.requests).toEqual([]);
    await (await fetch(`${sim.url}/after`)).text();
    expect(sim.requests.map((r) => r.path)).toEqual(["/after"]);
  });
});

describe("startHttpSimulator faults", () => {
  it("answers httpNNN faults with that status and a JSON message, without calling the handler", async () => {
    let calls = 0;
    const sim = await start(() => {
      calls++;
      return { body: { ok: true } };
    });
    for (const kind of ["http500", "http502", "http503"] as const) {
      sim.faults.add({ kinds: [kind], times: 1 });
      const res = await fetch(`${sim.url}/x`);
      expect(res.status).toBe(Number(kind.slice(4)));
      expect(((await res.json()) as { message: string }).message).toMatch(/Simulated fault/);
    }
    expect(calls).toBe(0);
    expect(sim.requests.map((r) => r.faulted)).toEqual(["http500", "http502", "http503"]);
    expect((await fetch(`${sim.url}/x`)).status).toBe(200);
  });

  it("resets the connection", async () => {
    const sim = await start(echo, { faults: [{ kinds: ["reset"], times: 1 }] });
    await expect(fetch(`${sim.url}/x`)).rejects.toThrow(TypeError);
    expect((await fetch(`${sim.url}/x`)).status).toBe(200);
    expect(sim.requests[0]!.faulted).toBe("reset");
  });

  it("hangs on timeout until the client gives up", async () => {
    const sim = await start(echo, { faults: [{ path: "/slow", kinds: ["timeout"] }] });
    await expect(fetch(`${sim.url}/slow`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: "TimeoutError" });
    expect((await fetch(`${sim.url}/fast`)).status).toBe(200);
  });

  it("closes promptly with hanging, delayed and idle keep-alive connections", async () => {
    const sim = await start(echo, {
      faults: [
        { path: "/hang", kinds: ["timeout"] },
        { path: "/delay", latencyMs: 60_000 },
      ],
    });
    await (await fetch(`${sim.url}/idle`)).text();
    const hanging = expect(fetch(`${sim.url}/hang`)).rejects.toThrow(TypeError);
    const delayed = expect(fetch(`${sim.url}/delay`)).rejects.toThrow(TypeError);
    // Both requests are in before closing.
    while (sim.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    await hanging;
    await delayed;
  });

  it("loses the response after the handler ran, and a client does not resend the write", async () => {
    let writes = 0;
    const sim = await start((req) => {
      if (req.method === "POST") writes++;
      return { body: { writes } };
    });
    sim.faults.add({ method: "POST", kinds: ["lostResponse"], times: 1 });
    const transport = new HttpTransport({ vendor: "sim", baseUrl: sim.url });
    const error = await transport.request({ method: "POST", path: "/config", json: { level: 90 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: true });
    expect(writes).toBe(1);
    expect(sim.requests.map((r) => r.faulted)).toEqual(["lostResponse"]);
    expect((await transport.request<{ writes: number }>({ path: "/config" })).data.writes).toBe(1);
  });

  it("truncates the body after a full Content-Length", async () => {
    const sim = await start(() => ({ body: { items: Array.from({ length: 50 }, (_, i) => i) } }), {
      faults: [{ kinds: ["truncate"], times: 1 }],
    });
    const res = await fetch(`${sim.url}/list`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();
    const ok = await fetch(`${sim.url}/list`);
    expect(((await ok.json()) as { items: number[] }).items).toHaveLength(50);
  });

  it("sends a malformed 200 body", async () => {
    const sim = await start(() => ({ body: {} }), { faults: [{ kinds: ["malformed"] }] });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sim.url}/m`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      await expect(res.json()).rejects.toThrow(SyntaxError);
    }
  });

  it("matches rules by method, exact path, prefix and RegExp, in the order added", async () => {
    const sim = await start(echo);
    const removeA = sim.faults.add({ path: "/a/*", kinds: ["http503"] });
    sim.faults.add({ method: "post", path: "/b", kinds: ["http502"] });
    sim.faults.add({ path: /^\/c\/\d+$/g, kinds: ["http500"] });
    sim.faults.add({ path: "/a/special", kinds: ["http500"] });
    const status = async (path: string, method = "GET") => (await fetch(`${sim.url}${path}`, { method })).status;
    expect(await status("/a/special")).toBe(503);
    expect(await status("/a/")).toBe(503);
    expect(await status("/a")).toBe(200);
    expect(await status("/b", "POST")).toBe(502);
    expect(await status("/b")).toBe(200);
    expect(await status("/b/x", "POST")).toBe(200);
    expect(await status("/c/12")).toBe(500);
    expect(await status("/c/12")).toBe(500);
    expect(await status("/c/x")).toBe(200);
    removeA();
    expect(await status("/a/special")).toBe(500);
    sim.faults.clear();
    expect(await status("/a/special")).toBe(200);
  });

  it("applies `times` then drops the rule, and falls back to the default rule", async () => {
    const sim = await start(echo);
    sim.faults.setDefault({ kinds: ["http503"] });
    sim.faults.add({ path: "/x", kinds: ["http500"], times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${sim.url}/x`)).status);
    expect(statuses).toEqual([500, 500, 503, 503]);
    sim.faults.setDefault(null);
    expect((await fetch(`${sim.url}/x`)).status).toBe(200);
    expect(() => sim.faults.add({ errorRate: 2 })).toThrow(RangeError);
    expect(() => sim.faults.add({ kinds: ["explode" as "reset"] })).toThrow(RangeError);
  });

  it("chooses faults deterministically from the seed and request sequence", async () => {
    const run = async (seed: number) => {
      const sim = await start(echo, { seed, faults: [{ errorRate: 0.5, kinds: ["http500", "http503"] }] });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await fetch(`${sim.url}/d`)).status);
      return statuses;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s === 500 || s === 503)).toBe(true);
    expect(await run(43)).not.toEqual(first);
  });

  it("delays matching requests with real-time latency", async () => {
    const sim = await start(echo, { faults: [{ path: "/slow", latencyMs: [300, 400] }] });
    const order: string[] = [];
    const slow = fetch(`${sim.url}/slow`).then(async (r) => {
      order.push(`slow:${r.status}`);
    });
    while (sim.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    await fetch(`${sim.url}/fast`).then(async (r) => {
      order.push(`fast:${r.status}`);
    });
    await slow;
    expect(order).toEqual(["fast:200", "slow:200"]);
    expect(sim.requests.every((r) => r.faulted === undefined)).toBe(true);
  });
});

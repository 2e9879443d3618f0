import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
  TimeoutError,
} from "../errors/index.js";
import { RateLimiter } from "../rate-limit/limiter.js";
import { FakeClock } from "../test-support/fake-clock.js";
import { refusedPort, startTestServer } from "../test-support/test-server.js";
import { HttpTransport } from "./transport.js";

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}

function transport(baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) {
  const clock = new FakeClock(Date.now(), true);
  const t = new HttpTransport({ vendor: "testvendor", baseUrl, clock, random: () => 0.5, ...extra });
  return { t, clock };
}

describe("HttpTransport", () => {
  it("sends JSON and query parameters and parses the JSON answer", async () => {
    const s = await server((req, res, body) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body: JSON.parse(body),
          ua: req.headers["user-agent"],
          ct: req.headers["content-type"],
        }),
      );
    });
    const { t } = transport(`${s.url}/api`);
    const res = await t.request<{ method: string; url: string; body: unknown; ua: string; ct: string }>({
      method: "POST",
      path: "/thing",
      query: { a: 1, b: "x y", skip: undefined, none: null },
      json: { hello: "world" },
    });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(1);
    expect(res.data).toEqual({
      method: "POST",
      url: "/api/thing?a=1&b=x%20y",
      body: { hello: "world" },
      ua: expect.stringMatching(/^openpower\//),
      ct: "application/json",
    });
  });

  it("retries a GET on 503 with back-off and succeeds", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      n++;
      if (n < 3) {
        res.statusCode = 503;
        res.end('{"message":"busy"}');
      } else res.end('{"ok":true}');
    });
    const { t, clock } = transport(s.url);
    const res = await t.request({ path: "x" });
    expect(res.data).toEqual({ ok: true });
    expect(res.attempts).toBe(3);
    expect(clock.sleeps).toEqual([150, 300]);
  });

  it("gives up after the retry limit with a retryable ApiError carrying the status", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 502;
      res.end("<html>Bad Gateway</html>");
    });
    const { t } = transport(s.url);
    const error = await t.request({ path: "x", operation: "getThing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, retryable: true, vendor: "testvendor", operation: "getThing" });
    expect(s.hits()).toBe(3);
  });

  it("calls onSend once per attempt, after the limiters granted their slots", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      res.statusCode = n++ === 0 ? 503 : 200;
      res.end("{}");
    });
    const { t } = transport(s.url);
    const sends: number[] = [];
    await t.request({ path: "x", onSend: (r) => sends.push(r.attempt) });
    expect(sends).toEqual([1, 2]);
  });

  it("blocks every limiter of a request when a vendor hook reports 'too fast'", async () => {
    const s = await server((_req, res) => res.end('{"code":6053}'));
    const clock = new FakeClock(0, true);
    const account = new RateLimiter({ clock, safetyMarginMs: 0 });
    const endpoint = new RateLimiter({ clock, safetyMarginMs: 0 });
    const t = new HttpTransport({
      vendor: "v",
      baseUrl: s.url,
      clock,
      limiter: account,
      retry: { limit: 0 },
      onResponse: () => {
        throw new RateLimitError("too fast", { retryAfterMs: 10_000 });
      },
    });
    await expect(t.request({ path: "x", limiters: [endpoint] })).rejects.toThrow("too fast");
    expect(account.waitMs()).toBe(10_000);
    expect(endpoint.waitMs()).toBe(10_000);
  });

  it("decides HTTP retryability from the policy's statusCodes", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 503;
      res.end("{}");
    });
    const { t } = transport(s.url, { retry: { statusCodes: [502] } });
    await expect(t.request({ path: "x" })).rejects.toMatchObject({ status: 503, retryable: false });
    expect(s.hits()).toBe(1);
  });

  it("never retries a POST that reached the server", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 503;
      res.end("{}");
    });
    const { t } = transport(s.url);
    await expect(t.request({ method: "POST", path: "x", json: {} })).rejects.toBeInstanceOf(ApiError);
    expect(s.hits()).toBe(1);
  });

  it("retries a POST whose connection was refused (it never left) and reports sent: false", async () => {
    const port = await refusedPort();
    const { t, clock } = transport(`http://127.0.0.1:${port}`);
    const error = await t.request({ method: "POST", path: "x", json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: false, systemCode: "ECONNREFUSED", retryable: true });
    expect((error as Error).message).toMatch(/not sent/);
    expect(clock.sleeps).toHaveLength(2);
  });

  it("knows a request to a port fetch refuses (bad port) was never sent", async () => {
    const { t } = transport("http://127.0.0.1:10", { retry: { limit: 0 } });
    await expect(t.request({ method: "POST", path: "x", json: {} })).rejects.toMatchObject({ name: "ConnectionError", sent: false });
  });

  it("maps a reset connection to ConnectionError (sent) and retries only reads", async () => {
    const s = await server((req) => req.socket.destroy());
    const { t } = transport(s.url);
    const error = await t.request({ method: "PUT", path: "x", json: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: true });
    expect(s.hits()).toBe(1);
    await expect(t.request({ path: "x" })).rejects.toBeInstanceOf(ConnectionError);
    expect(s.hits()).toBe(1 + 3);
  });

  it("times out with a TimeoutError naming the limit", async () => {
    const s = await server(() => {
      /* never answer */
    });
    const { t } = transport(s.url, { timeoutMs: 100, retry: { limit: 0 } });
    const error = await t.request({ path: "slow" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100 });
    expect((error as Error).message).toMatch(/100 ms/);
  });

  it("honours Retry-After on 429 and feeds the limiter", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      if (n++ === 0) {
        res.statusCode = 429;
        res.setHeader("retry-after", "2");
        res.end('{"message":"Too Many Requests"}');
      } else res.end("{}");
    });
    const { t, clock } = transport(s.url);
    await t.request({ path: "x" });
    expect(clock.sleeps[0]).toBe(2000);
  });

  it("turns a final 429 into a RateLimitError with retryAfterMs from RateLimit-Reset", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 429;
      res.setHeader("ratelimit-limit", "50");
      res.setHeader("ratelimit-remaining", "0");
      res.setHeader("ratelimit-reset", "120");
      res.end('{"message":"Too Many Requests"}');
    });
    const { t } = transport(s.url, { retry: { limit: 0 } });
    const error = await t.request({ path: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, status: 429 });
  });

  it("blocks the limiter with a growing back-off on 429s without hints", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 429;
      res.end('{"message":"Too Many Requests"}');
    });
    const clock = new FakeClock(Date.now(), true);
    const limiter = new RateLimiter({ clock, onLimit: "throw" });
    const t = new HttpTransport({ vendor: "v", baseUrl: s.url, clock, limiter });
    await expect(t.request({ path: "x" })).rejects.toMatchObject({ name: "RateLimitError", local: false });
    expect(limiter.waitMs()).toBe(1000);
    // In throw mode the transport neither sleeps nor retries: the next call is refused locally.
    expect(s.hits()).toBe(1);
    await expect(t.request({ path: "x" })).rejects.toMatchObject({ name: "RateLimitError", local: true });
    expect(s.hits()).toBe(1);
  });

  it("records the server's budget in the shared limiter", async () => {
    const s = await server((_req, res) => {
      res.setHeader("RateLimit-Limit", "50");
      res.setHeader("RateLimit-Remaining", "7");
      res.setHeader("RateLimit-Reset", "100");
      res.setHeader("RateLimit-Policy", "50;w=300");
      res.end("[]");
    });
    const clock = new FakeClock(Date.now(), true);
    const limiter = new RateLimiter({ clock, safetyMarginMs: 0 });
    const t = new HttpTransport({ vendor: "v", baseUrl: s.url, clock, limiter });
    await t.request({ path: "x" });
    expect(limiter.state()).toMatchObject({ limit: 50, remaining: 7, windowMs: 300_000 });
  });

  it("charges no limiter when another one refuses, and spaces by the real send time", async () => {
    const held: Array<() => void> = [];
    const s = await server((req, res) => {
      if (req.url === "/hold") held.push(() => res.end("{}"));
      else res.end("{}");
    });
    const clock = new FakeClock(0);
    const endpoint = new RateLimiter({ name: "endpoint", minIntervalMs: 1000, clock });
    const account = new RateLimiter({ name: "account", concurrency: 1, clock });
    const t = new HttpTransport({ vendor: "v", baseUrl: s.url, clock, limiter: endpoint });
    await clock.advance(5000);
    // A holds the account's only slot (it goes to another endpoint).
    const a = t.request({ path: "hold", limiters: [account], retry: false });
    await vi.waitFor(() => expect(held).toHaveLength(1));
    await clock.advance(1000);
    // B: the endpoint is free, the account is not. The endpoint must not be charged yet.
    let bDone = false;
    const b = t.request({ path: "b", limiters: [account] }).then(() => (bDone = true));
    await clock.advance(0);
    held[0]!();
    await a;
    // B goes as soon as the account frees, without the clock moving: no phantom endpoint start.
    await vi.waitFor(() => expect(bDone).toBe(true));
    await b;
    expect(clock.now()).toBe(6000);
    expect(endpoint.waitMs()).toBe(1000);
  });

  it("maps 401, 403 and 404 to typed errors, and lets the vendor refine them", async () => {
    const s = await server((req, res) => {
      res.statusCode = Number(req.url!.slice(1));
      res.end('{"message":"nope"}');
    });
    const { t } = transport(s.url);
    await expect(t.request({ path: "401" })).rejects.toBeInstanceOf(AuthenticationError);
    await expect(t.request({ path: "403" })).rejects.toBeInstanceOf(PermissionError);
    await expect(t.request({ path: "404" })).rejects.toBeInstanceOf(NotFoundError);
    const refined = new HttpTransport({
      vendor: "amber",
      baseUrl: s.url,
      mapHttpError: (res) => (res.status === 403 ? new AuthenticationError("token unknown") : undefined),
    });
    await expect(refined.request({ path: "403" })).rejects.toThrow(AuthenticationError);
    await expect(refined.request({ path: "404" })).rejects.toThrow(NotFoundError);
  });

  it("lets an onResponse hook reject a 200 envelope, and retries it when retryable", async () => {
    let n = 0;
    const s = await server((_req, res) => res.end(JSON.stringify({ code: n++ === 0 ? 6053 : 200, data: { ok: 1 } })));
    const { t, clock } = transport(s.url, {
      onResponse: (res) => {
        const body = res.data as { code: number };
        if (body.code !== 200) throw new ApiError("too fast", { code: body.code, retryable: true, retryAfterMs: 1000 });
      },
    });
    const res = await t.request<{ data: unknown }>({ path: "x" });
    expect(res.data.data).toEqual({ ok: 1 });
    expect(clock.sleeps).toEqual([1000]);
  });

  it("rejects malformed JSON with a ResponseFormatError (retried for reads)", async () => {
    const s = await server((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end('{"truncated": ');
    });
    const { t } = transport(s.url);
    const error = await t.request({ path: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as ResponseFormatError).excerpt).toContain("truncated");
    expect(s.hits()).toBe(3);
  });

  it("lets the vendor classify a 200 body that is not JSON (an HTML login page)", async () => {
    const s = await server((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end("<!doctype html><html><body>Sign in</body></html>");
    });
    const { t } = transport(s.url, {
      onInvalidBody: (body) => (body.text.startsWith("<!doctype html") ? new AuthenticationError("session expired") : undefined),
    });
    await expect(t.request({ path: "x" })).rejects.toThrow(AuthenticationError);
    expect(s.hits()).toBe(1);
  });

  it("adds no abort listener to a shared caller signal per request", async () => {
    const s = await server((_req, res) => res.end("{}"));
    const { t } = transport(s.url);
    const shared = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    await Promise.all(Array.from({ length: 30 }, () => t.request({ path: "x", signal: shared.signal })));
    await new Promise((r) => setImmediate(r));
    process.off("warning", onWarning);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("reads an empty body as null and text bodies as text", async () => {
    const s = await server((req, res) => res.end(req.url === "/empty" ? "" : "plain"));
    const { t } = transport(s.url);
    expect((await t.request({ path: "empty" })).data).toBeNull();
    expect((await t.request({ path: "text", responseType: "text" })).data).toBe("plain");
  });

  it("refuses bodies over the size limit, declared or streamed", async () => {
    const big = "x".repeat(5000);
    const s = await server((req, res) => {
      if (req.url === "/declared") {
        res.setHeader("content-length", String(big.length + 2));
        res.end(`"${big}"`);
      } else {
        res.write(`"${big}`);
        res.end(`${big}"`);
      }
    });
    const { t } = transport(s.url, { maxResponseBytes: 4096, retry: { limit: 0 } });
    await expect(t.request({ path: "declared" })).rejects.toThrow(/over the 4096-byte limit/);
    await expect(t.request({ path: "streamed" })).rejects.toThrow(/over the 4096-byte limit/);
  });

  it("calls a header function on every attempt (fresh signatures)", async () => {
    const seen: string[] = [];
    let n = 0;
    const s = await server((req, res) => {
      seen.push(String(req.headers["x-sign"]));
      res.statusCode = n++ === 0 ? 500 : 200;
      res.end("{}");
    });
    const { t } = transport(s.url);
    let counter = 0;
    await t.request({ path: "x", headers: () => ({ "x-sign": `sig-${++counter}` }) });
    expect(seen).toEqual(["sig-1", "sig-2"]);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    const s = await server(() => {
      /* hang */
    });
    const { t } = transport(s.url);
    const controller = new AbortController();
    const pending = t.request({ path: "x", signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    await expect(pending).rejects.toThrow("user cancelled");
    expect(s.hits()).toBe(1);
  });

  it("keeps the request id from response headers on errors", async () => {
    const s = await server((_req, res) => {
      res.statusCode = 400;
      res.setHeader("x-amzn-requestid", "req-123");
      res.end('{"message":"bad date"}');
    });
    const { t } = transport(s.url);
    const error = await t.request({ path: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ requestId: "req-123", status: 400, retryable: false, vendorMessage: "bad date" });
  });
});

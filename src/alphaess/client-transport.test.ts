import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
  TimeoutError,
} from "../core/errors/index.js";
import { startTestServer } from "../core/test-support/test-server.js";
import { AlphaESS } from "./client.js";
import { AlphaEssClockSkewError } from "./errors.js";
import { NOON_SYDNEY, rejection, SN, SN2, useTestbed, waitUntil } from "./test-support/testbed.js";

const setup = useTestbed();

describe("AlphaESS client against the simulator: requests, authentication, limits, faults", () => {
  describe("the documented request bodies (fixtures/alphaess/*.request.json)", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/alphaess");
    const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), "utf8")) as Record<string, unknown>;
    const EV = "EV123";
    const SN_DIS = "AL20020171xxxxx";

    it("every write sends the documented body, key order included", async () => {
      const { api, sim, requests } = await setup({
        sim: {
          systems: [{ serialNumber: SN, evCharger: { serialNumber: EV } }, { serialNumber: SN_DIS }, { serialNumber: SN2, boundTo: [] }],
        },
      });
      const sent = (endpoint: string): unknown => JSON.parse(requests(endpoint).at(-1)!.body);
      const expectDocumented = (endpoint: string) => {
        const want = fixture(`${endpoint}.request.json`);
        expect(sent(endpoint), endpoint).toEqual(want);
        expect(Object.keys(sent(endpoint) as object), endpoint).toEqual(Object.keys(want));
      };
      const off = { start: "00:00", end: "00:00" };
      await api.setChargingSettings({ stopLevel: 1, useGrid: true, firstPeriod: { start: "01:00", end: "05:00" }, secondPeriod: off }, SN);
      expectDocumented("updateChargeConfigInfo");
      await api.setDischargingSettings({ stopLevel: 0.1, enableTimeControl: false, firstPeriod: off, secondPeriod: off }, SN_DIS);
      expectDocumented("updateDisChargeConfigInfo");
      const weekdays = [1, 2, 3, 4, 5];
      await api.setWeeklySchedule(
        {
          cycle: "weekly",
          gridCharge: true,
          dischargeTimeControl: true,
          charge: [{ start: "01:00", end: "05:00", weekdays, powerW: 5000, limit: 0.9 }],
          discharge: [{ start: "17:00", end: "21:00", weekdays, powerW: 5000, limit: 0.2 }],
        },
        SN,
      );
      expectDocumented("setTimeChargeBySn");
      await api.setEvChargerCurrentDrawSettings(16, SN);
      expectDocumented("setEvChargerCurrentsBySn");
      await api.controlEvCharger(EV, true, SN);
      expectDocumented("remoteControlEvCharger");
      await api.unbindSystem(SN);
      expectDocumented("unBindSn");
      // The documented code is a placeholder: the simulator answers 6046, as bindSn.bad-code.json.
      const bind = await rejection(api.bindSystem("123456", SN));
      expect(bind).toBeInstanceOf(AuthenticationError);
      expect(bind).toMatchObject({ code: 6046 });
      expectDocumented("bindSn");
      expect(sim.state(SN).charge).toMatchObject({ batHighCap: 100, gridCharge: 1 });
    });

    it("every captured error body (errors.json) reaches the caller as its typed error", async () => {
      const errors = fixture("errors.json") as Record<string, Record<string, unknown>>;
      const expected: Record<string, new (...args: never[]) => Error> = {
        sign_mismatch_6007: AuthenticationError,
        timestamp_out_of_window_6009: AlphaEssClockSkewError,
        sn_not_bound_to_appid_6005: PermissionError,
        too_many_requests_6053_2023: RateLimitError,
        too_fast_6053_portal_text: RateLimitError,
        not_entitled_6017: PermissionError,
        empty_period_list_6001: ApiError,
        system_offline_6042: ApiError,
        wrong_http_method_405: ApiError,
      };
      expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, body] of Object.entries(errors)) {
        const status = typeof body.status === "number" ? body.status : 200;
        const server = await startTestServer((_req, res) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        });
        try {
          const api = new AlphaESS({
            appId: "alpha0123456789abcdef",
            appSecret: "fedcba9876543210fedcba9876543210",
            baseUrl: `${server.url}/api`,
            pacing: { minIntervalMs: 0 },
            retry: { limit: 0 },
          });
          const error = await rejection(api.getChargingSettings(SN));
          expect(error, name).toBeInstanceOf(expected[name]!);
          expect(error, name).toMatchObject(status === 200 ? { code: body.code } : { status });
          // The message says what the vendor said, and never only that.
          if (typeof body.expMsg === "string") expect(error.message).toContain(body.expMsg);
        } finally {
          await server.close();
        }
      }
    });
  });

  describe("authentication", () => {
    it("a wrong secret is an AuthenticationError from the short 6007 body", async () => {
      const { sim, clock } = await setup();
      const api = new AlphaESS({
        appId: sim.credentials.appId,
        appSecret: "0123456789abcdef0123456789abcdef",
        baseUrl: sim.url,
        clock: clock,
        pacing: { minIntervalMs: 0 },
      });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ code: 6007, retryable: false });
      expect(error.message).toMatch(/appSecret/);
      expect(error.message).not.toContain("0123456789abcdef0123456789abcdef");
    });

    it("a skewed machine clock is reported against the server's Date (6009)", async () => {
      const { sim, clock } = await setup();
      const skewed = { now: () => clock.now() + 400_000, sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal) };
      const api = new AlphaESS({ ...sim.credentials, baseUrl: sim.url, clock: skewed, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AlphaEssClockSkewError);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBeGreaterThanOrEqual(399_000);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBeLessThanOrEqual(401_000);
      expect(error.message).toMatch(/machine's clock/);
      expect(error.message).toMatch(/400 s ahead/);
    });

    it("a 6009 with a correct clock points at the IP allow-list", async () => {
      const { sim, clock } = await setup({
        sim: { apps: [{ appId: "alpha0123456789abcdef", appSecret: "fedcba9876543210fedcba9876543210", ipAllowList: ["10.0.0.1"] }] },
      });
      const api = new AlphaESS({ ...sim.credentials, baseUrl: sim.url, clock: clock, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(AlphaEssClockSkewError);
      expect((error as AlphaEssClockSkewError).clockSkewMs).toBe(0);
      expect(error.message).toMatch(/allow-list/);
    });
  });

  describe("rate limits", () => {
    it("paces requests per endpoint across clones, so the simulator's minimum interval is never broken", async () => {
      const { api, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, jitterMarginMs: 0 } },
        sim: { minIntervalMs: 1000 },
      });
      const a = api.forDevice(SN).getRealtimePowerUsage();
      const b = api.forDevice(SN2).getRealtimePowerUsage();
      const c = api.forDevice(SN).getSystemSummary();
      await waitUntil(() => requests().length === 2);
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(1000);
      await Promise.all([a, b, c]);
      expect(requests("getLastPowerData").map((r) => r.at)).toEqual([NOON_SYDNEY, NOON_SYDNEY + 1000]);
      expect(api.rateLimitState().endpoints.map((e) => e.name)).toContain("alphaess getLastPowerData");
    });

    it("adds a jitter margin to the minimum interval by default (4 %, at least 5 ms)", async () => {
      const { api, clock, requests } = await setup({ client: { pacing: { minIntervalMs: 1000 } }, sim: { minIntervalMs: 1000 } });
      const a = api.getRealtimePowerUsage(SN);
      const b = api.getRealtimePowerUsage(SN2);
      await a;
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 50));
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(40);
      await b;
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([0, 1040]);
    });

    it("never lets a wait for an account slot squeeze one endpoint's requests together", async () => {
      const { api, sim, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, concurrency: 1, jitterMarginMs: 0 } },
        sim: { minIntervalMs: { getLastPowerData: 1000 } },
      });
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", latencyMs: 150, times: 1 });
      const slow = api.getSystemSummary(SN);
      await waitUntil(() => requests("getSumDataForCustomer").length === 1);
      const a = api.getRealtimePowerUsage(SN);
      await clock.advance(1000);
      const b = api.getRealtimePowerUsage(SN2);
      await slow;
      await a;
      // B waits for the endpoint's interval (it would have gone out at once, and met 6053, had its
      // spacing been granted before the wait for the account slot).
      await new Promise((r) => setTimeout(r, 50));
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(1000);
      await b;
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([1000, 2000]);
    });

    it("a call to an idle endpoint never queues behind a busy endpoint's paced calls", async () => {
      const { api, clock, requests } = await setup({
        client: { pacing: { minIntervalMs: 1000, concurrency: 4, jitterMarginMs: 0 } },
        sim: { minIntervalMs: 1000 },
      });
      const reads = Array.from({ length: 12 }, (_, i) => api.getRealtimePowerUsage(i % 2 === 0 ? SN : SN2));
      await waitUntil(() => requests("getLastPowerData").length === 1);
      // Eleven reads wait for their endpoint's interval, holding no account slot: the settings read goes at once.
      const settings = api.getChargingSettings(SN);
      await waitUntil(() => requests("getChargeConfigInfo").length === 1);
      expect((await settings).serialNumber).toBe(SN);
      expect(requests().map((r) => r.path.slice(5))).toEqual(["getLastPowerData", "getChargeConfigInfo"]);
      expect(api.rateLimitState().account.inFlight).toBe(0);
      for (let i = 1; i < 12; i++) {
        await reads[i - 1]; // the interval counts from the answer (holdUntilSent): time stands still until it is in
        await clock.advance(1000);
        await waitUntil(() => requests("getLastPowerData").length === i + 1);
      }
      await Promise.all(reads);
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual(Array.from({ length: 12 }, (_, i) => i * 1000));
    });

    it("backs off after 6053 and pauses the other calls too; a write is not retried", async () => {
      const { api, clock, sim, requests } = await setup({ client: { tooFastBackoffMs: 10_000 } });
      const remove = sim.errors.add({
        endpoint: "getLastPowerData",
        code: 6053,
        msg: "The maximum number of requests has been reached",
        times: 1,
      });
      const read = api.getRealtimePowerUsage(SN);
      await waitUntil(() => requests("getLastPowerData").length === 1);
      await new Promise((r) => setTimeout(r, 20));
      const other = api.getChargingSettings(SN);
      await new Promise((r) => setTimeout(r, 20));
      expect(requests("getChargeConfigInfo")).toHaveLength(0);
      await clock.advance(10_000);
      const power = await read;
      await other;
      expect(power.serialNumber).toBe(SN);
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([0, 10_000]);
      remove();
      sim.errors.add({ endpoint: "updateChargeConfigInfo", code: 6053, times: 1 });
      const write = await rejection(
        api.setChargingSettings(
          { stopLevel: 0.9, useGrid: false, firstPeriod: { start: "00:00", end: "00:00" }, secondPeriod: { start: "00:00", end: "00:00" } },
          SN,
        ),
      );
      expect(write).toBeInstanceOf(RateLimitError);
      expect(write).toMatchObject({ code: 6053, retryAfterMs: 10_000, local: false });
      expect(requests("updateChargeConfigInfo")).toHaveLength(1);
    });
    it("with a configured spacing (a developer account's 25 ms) pauses four spacings after a 6053, not 10 s", async () => {
      const { api, clock, sim, requests } = await setup({ client: { pacing: { minIntervalMs: 25 } } });
      sim.errors.add({ endpoint: "getLastPowerData", code: 6053, times: 1 });
      const read = api.getRealtimePowerUsage(SN);
      // The 6053 has been read and the pause set (time stands still until then): it ends 100 ms after the answer.
      await waitUntil(() => api.rateLimitState().account.nextAt.getTime() > NOON_SYDNEY);
      expect(api.rateLimitState().account.nextAt.getTime() - NOON_SYDNEY).toBeLessThanOrEqual(100 + 10);
      await clock.advance(99);
      await new Promise((r) => setTimeout(r, 20));
      expect(requests("getLastPowerData")).toHaveLength(1);
      await clock.advance(1);
      expect((await read).serialNumber).toBe(SN);
      expect(requests("getLastPowerData").map((r) => r.at - NOON_SYDNEY)).toEqual([0, 100]);
    });
  });

  describe("transport faults on reads", () => {
    it("retries 5xx and malformed bodies, and reports truncation and timeouts as typed errors", async () => {
      const { api, sim, requests } = await setup({ client: { timeoutMs: 200, retry: { baseDelayMs: 0, limit: 1 } } });
      sim.http.faults.add({ path: "/api/getLastPowerData", kinds: ["http502"], times: 1 });
      expect((await api.getRealtimePowerUsage(SN)).serialNumber).toBe(SN);
      sim.http.faults.add({ path: "/api/getLastPowerData", kinds: ["malformed"], times: 1 });
      expect((await api.getRealtimePowerUsage(SN)).serialNumber).toBe(SN);
      expect(requests("getLastPowerData")).toHaveLength(4);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["malformed"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toBeInstanceOf(ResponseFormatError);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["truncate"], times: 2 });
      const truncated = await rejection(api.getSystemSummary(SN));
      expect(truncated instanceof ConnectionError || truncated instanceof ResponseFormatError).toBe(true);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["timeout"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toBeInstanceOf(TimeoutError);
      sim.http.faults.add({ path: "/api/getSumDataForCustomer", kinds: ["http503"], times: 2 });
      expect(await rejection(api.getSystemSummary(SN))).toMatchObject({ status: 503, retryable: true });
    });

    it("an unknown path is a NotFoundError that names the base URL", async () => {
      const { sim, clock } = await setup();
      const api = new AlphaESS({ ...sim.credentials, baseUrl: `${sim.http.url}/v2`, clock: clock, pacing: { minIntervalMs: 0 } });
      const error = await rejection(api.listSystems());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404 });
      expect(error.message).toMatch(/baseUrl/);
    });

    it("HTTP 405 (wrong method, Spring body) is a permanent ApiError, not retried", async () => {
      let hits = 0;
      const server = await startTestServer((_req, res) => {
        hits++;
        res.writeHead(405, { "content-type": "application/json" });
        res.end('{"timestamp":"2026-08-04T10:43:44.424+00:00","status":405,"error":"Method Not Allowed","path":"/api/getEssList"}');
      });
      try {
        const api = new AlphaESS({
          appId: "alpha0123456789abcdef",
          appSecret: "fedcba9876543210fedcba9876543210",
          baseUrl: `${server.url}/api`,
          pacing: { minIntervalMs: 0 },
          retry: { baseDelayMs: 0 },
        });
        const error = await rejection(api.listSystems());
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ status: 405, retryable: false, vendorMessage: "Method Not Allowed" });
        expect(hits).toBe(1);
      } finally {
        await server.close();
      }
    });

    it("a 200 that is not an envelope is a ResponseFormatError", async () => {
      const server = await startTestServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"status":"ok"}');
      });
      try {
        const api = new AlphaESS({
          appId: "alpha0123456789abcdef",
          appSecret: "fedcba9876543210fedcba9876543210",
          baseUrl: `${server.url}/api`,
          pacing: { minIntervalMs: 0 },
          retry: { limit: 0 },
        });
        const error = await rejection(api.listSystems());
        expect(error).toBeInstanceOf(ResponseFormatError);
        expect((error as ResponseFormatError).path).toBe("code");
      } finally {
        await server.close();
      }
    });

    it("an abort signal cancels a paced call", async () => {
      const { api } = await setup({ client: { pacing: { minIntervalMs: 60_000 } } });
      await api.getRealtimePowerUsage(SN);
      const controller = new AbortController();
      const pending = api.getRealtimePowerUsage({ serialNumber: SN, signal: controller.signal });
      controller.abort(new Error("stop"));
      expect((await rejection(pending)).message).toBe("stop");
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseFormatError,
} from "../core/errors/index.js";
import { AlphaEssClockSkewError } from "./errors.js";
import { envelopeError, parseEnvelope, RETURN_CODES } from "./envelope.js";
import { alphaEssTestbed, type AlphaEssTestbed } from "./test-support/testbed.js";

const SN = "AL70110230306xx";
const ctx = {
  operation: "getLastPowerData",
  sysSn: SN,
  status: 200,
  receivedAt: Date.parse("2026-08-04T02:00:00Z"),
  tooFastBackoffMs: 10_000,
};

/** The class and retry behaviour the spec (§3) asks for, code by code. */
const EXPECTED: Record<number, { type: new (...args: never[]) => Error; retryable: boolean }> = {
  6001: { type: ApiError, retryable: false },
  6002: { type: PermissionError, retryable: false },
  6003: { type: ApiError, retryable: false },
  6004: { type: AuthenticationError, retryable: false },
  6005: { type: PermissionError, retryable: false },
  6006: { type: AlphaEssClockSkewError, retryable: false },
  6007: { type: AuthenticationError, retryable: false },
  6008: { type: ApiError, retryable: false },
  6009: { type: AlphaEssClockSkewError, retryable: false },
  6010: { type: AuthenticationError, retryable: false },
  6011: { type: AuthenticationError, retryable: false },
  6012: { type: AuthenticationError, retryable: false },
  6016: { type: NotFoundError, retryable: false },
  6017: { type: PermissionError, retryable: false },
  6026: { type: ApiError, retryable: true },
  6029: { type: ApiError, retryable: false },
  6038: { type: NotFoundError, retryable: false },
  6042: { type: ApiError, retryable: true },
  6046: { type: AuthenticationError, retryable: false },
  6053: { type: RateLimitError, retryable: true },
  10001: { type: ApiError, retryable: false },
};

describe("AlphaESS envelope", () => {
  it("knows every code of the portal table plus the observed 6017 and 10001", () => {
    expect(Object.keys(RETURN_CODES).map(Number).sort()).toEqual(Object.keys(EXPECTED).map(Number).sort());
  });

  it.each(Object.entries(EXPECTED))("code %s maps to its typed error", (code, want) => {
    const error = envelopeError({ code: Number(code), msg: "localised text", expMsg: undefined, data: null }, ctx);
    expect(error).toBeInstanceOf(want.type);
    expect(error.retryable).toBe(want.retryable);
    expect(error).toMatchObject({ code: Number(code), vendor: "alphaess", operation: "getLastPowerData", status: 200 });
    expect(error.message).toContain(`code ${code}`);
    expect(error.message).toContain(SN);
    expect(error.message).toContain('"localised text"');
  });

  it("branches on the code, never on the (localised) message", () => {
    const chinese = envelopeError({ code: 6005, msg: "此appId未绑定该SN", expMsg: undefined, data: null }, ctx);
    expect(chinese).toBeInstanceOf(PermissionError);
    const misleading = envelopeError({ code: 6042, msg: "Success", expMsg: undefined, data: null }, ctx);
    expect(misleading).toMatchObject({ code: 6042, retryable: true });
    const unknown = envelopeError({ code: 7777, msg: "new", expMsg: undefined, data: null }, ctx);
    expect(unknown).toBeInstanceOf(ApiError);
    expect(unknown).toMatchObject({ code: 7777, retryable: false });
  });

  it("keeps expMsg and the 6053 back-off", () => {
    const e = envelopeError({ code: 6001, msg: "Parameter error", expMsg: "time list is null", data: null }, ctx);
    expect(e.message).toContain('detail "time list is null"');
    const slow = envelopeError({ code: 6053, msg: "x", expMsg: undefined, data: null }, ctx);
    expect(slow).toMatchObject({ retryAfterMs: 10_000, local: false });
    expect((slow as RateLimitError).resetAt?.toISOString()).toBe("2026-08-04T02:00:10.000Z");
  });

  it("reads short auth bodies, `info` instead of `msg`, and numeric-string codes; refuses non-envelopes", () => {
    expect(parseEnvelope({ code: 6007, msg: "Sign check error" }, "x", 200)).toEqual({
      code: 6007,
      msg: "Sign check error",
      expMsg: undefined,
      data: null,
    });
    expect(parseEnvelope({ code: "6017", info: "No operation permissions", data: null }, "x", 200)).toMatchObject({
      code: 6017,
      msg: "No operation permissions",
    });
    expect(() => parseEnvelope("<html>", "x", 200)).toThrow(ResponseFormatError);
    expect(() => parseEnvelope([1], "x", 200)).toThrow(ResponseFormatError);
    expect(() => parseEnvelope({ msg: "Success" }, "x", 200)).toThrow(/numeric "code"/);
  });

  it("6009 without a Date header says so, and names the machine's clock", () => {
    const e = envelopeError(
      { code: 6009, msg: "The request timestamp is not within the validity period", expMsg: undefined, data: null },
      ctx,
    ) as AlphaEssClockSkewError;
    expect(e.clockSkewMs).toBeNull();
    expect(e.message).toMatch(/machine's clock reads 2026-08-04T02:00:00.000Z/);
    const behind = envelopeError(
      { code: 6009, msg: "x", expMsg: undefined, data: null },
      { ...ctx, headers: new Headers({ date: "Tue, 04 Aug 2026 02:10:00 GMT" }) },
    ) as AlphaEssClockSkewError;
    expect(behind.clockSkewMs).toBe(-600_000);
    expect(behind.message).toMatch(/600 s behind/);
  });

  it("with the clock inside the window, only 6009 blames the IP allow-list (6006 is only about the timestamp)", () => {
    const inWindow = { ...ctx, headers: new Headers({ date: "Tue, 04 Aug 2026 02:00:01 GMT" }) };
    const allowList = envelopeError(
      { code: 6009, msg: "Whitelist verification failed", expMsg: undefined, data: null },
      inWindow,
    ) as AlphaEssClockSkewError;
    expect(allowList.message).toMatch(/allow-list/);
    const timestamp = envelopeError(
      { code: 6006, msg: "Timestamp error", expMsg: undefined, data: null },
      inWindow,
    ) as AlphaEssClockSkewError;
    expect(timestamp).toBeInstanceOf(AlphaEssClockSkewError);
    expect(timestamp.clockSkewMs).toBe(-1000);
    expect(timestamp.message).toMatch(/not the problem/);
    expect(timestamp.message).not.toMatch(/allow-list|whitelist/i);
    const noDate = envelopeError({ code: 6006, msg: "Timestamp error", expMsg: undefined, data: null }, ctx);
    expect(noDate.message).not.toMatch(/allow-list/);
  });
});

describe("AlphaESS envelope codes over HTTP", () => {
  let bed: AlphaEssTestbed;
  beforeAll(async () => {
    bed = await alphaEssTestbed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it.each(Object.entries(EXPECTED))(
    "code %s from the simulator: typed, and retried at once only when transient and soon",
    async (code, want) => {
      bed.sim.http.clearRequests();
      const remove = bed.sim.errors.add({ endpoint: "getChargeConfigInfo", code: Number(code) });
      try {
        let caught: unknown;
        let done = false;
        const call = bed.api.getChargingSettings({ serialNumber: SN }).then(
          () => (done = true),
          (error: unknown) => {
            caught = error;
            done = true;
          },
        );
        // 6053 pauses requests for 10 s of simulated time before the retry: move the clock along.
        for (let i = 0; i < 10 && !done; i++) {
          await new Promise((r) => setTimeout(r, 5));
          if (!done) await bed.clock.advance(10_000);
        }
        await call;
        expect(caught).toBeInstanceOf(want.type);
        // 6042 (offline) is transient but asks for minutes, beyond the retry policy: not retried at once.
        expect(bed.requests("getChargeConfigInfo")).toHaveLength(want.retryable && code !== "6042" ? 3 : 1);
      } finally {
        remove();
      }
    },
  );
});

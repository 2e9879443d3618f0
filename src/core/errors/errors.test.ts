import { describe, expect, it } from "vitest";
import * as errors from "./index.js";

describe("error classes", () => {
  const cases: Array<[errors.OpenPowerError, string, boolean]> = [
    [new errors.ValidationError("x", { field: "f" }), "ValidationError", false],
    [new errors.AuthenticationError("x"), "AuthenticationError", false],
    [new errors.PermissionError("x"), "PermissionError", false],
    [new errors.NotFoundError("x"), "NotFoundError", false],
    [new errors.RateLimitError("x", { retryAfterMs: 5 }), "RateLimitError", true],
    [new errors.ApiError("x", { code: 6026, retryable: true }), "ApiError", true],
    [new errors.ConnectionError("x", { sent: false }), "ConnectionError", true],
    [new errors.TimeoutError("x", { timeoutMs: 1 }), "TimeoutError", true],
    [new errors.ResponseFormatError("x", { path: "a.b" }), "ResponseFormatError", false],
    [new errors.ConfigurationError("x", { setting: "token" }), "ConfigurationError", false],
  ];

  it.each(cases)("%s has its name, base class and retry default", (error, name, retryable) => {
    expect(error).toBeInstanceOf(errors.OpenPowerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(String(error.stack).startsWith(`${name}: x`)).toBe(true);
    expect(errors.isOpenPowerError(error)).toBe(true);
  });

  it("keeps vendor details and serialises them", () => {
    const e = new errors.ApiError("System offline", {
      vendor: "alphaess",
      code: 6042,
      status: 200,
      retryable: true,
      requestId: "r1",
      vendorMessage: "system offline",
    });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      name: "ApiError",
      message: "System offline",
      vendor: "alphaess",
      code: 6042,
      status: 200,
      retryable: true,
      requestId: "r1",
    });
  });

  it("a permanent error class cannot be made retryable by accident", () => {
    expect(new errors.AuthenticationError("x", { retryable: true }).retryable).toBe(false);
  });
});

import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { AlphaESS } from "../src/alphaess/index.js";
import { Amber } from "../src/amber/index.js";
import { ResponseFormatError } from "../src/core/errors/index.js";
import { startTestServer } from "../src/core/test-support/test-server.js";
import { PowerTrackClient } from "../src/powertrack/index.js";

// Wrong-shaped and deeply nested answers (issue 12, items 22 and 23) through each vendor's parse
// path: the error is typed, and small whatever the size of the body. Memory is checked loosely,
// through the size of the error itself (what a caller keeps, logs or prints).

const MAX_ERROR_CHARS = 8_000;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(body: string): Promise<string> {
  const server = await startTestServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  close = server.close;
  return server.url;
}

/** `[[[…0…]]]` nested `levels` deep. */
function nested(levels: number, open = "[", close = "]"): string {
  return `${open.repeat(levels)}0${close.repeat(levels)}`;
}

/** An array of `count` copies of `{"x":1}`. */
function manyWrongObjects(count: number): string {
  return `[${Array.from({ length: count }, () => '{"x":1}').join(",")}]`;
}

function expectSmallTypedError(error: unknown): ResponseFormatError {
  expect(error).toBeInstanceOf(ResponseFormatError);
  const e = error as ResponseFormatError;
  expect(e.issues.length).toBeLessThanOrEqual(5);
  expect((e.excerpt ?? "").length).toBeLessThanOrEqual(301);
  expect(e.message.length).toBeLessThan(1_000);
  expect(JSON.stringify(e).length).toBeLessThan(MAX_ERROR_CHARS);
  expect(inspect(e).length).toBeLessThan(MAX_ERROR_CHARS);
  return e;
}

const amber = (url: string) => new Amber({ token: "psk_0123456789abcdef0123456789abcdef", baseUrl: url, retry: { limit: 0 } });
const alphaess = (url: string) =>
  new AlphaESS({
    appId: "alpha0123456789abcdef",
    appSecret: "fedcba9876543210fedcba9876543210",
    baseUrl: `${url}/api`,
    pacing: { minIntervalMs: 0 },
    retry: { limit: 0 },
  });
const powertrack = (url: string) =>
  new PowerTrackClient({
    auth: { cookie: "AESession=abcdefgh12345678", aeS: "*abcdef123456", baseUrl: url, env: {}, cookieFile: false, envFile: false },
    retry: { limit: 0 },
  });

describe("a wrong-shaped answer stays small (item 22)", () => {
  it("Amber listSites with 200,000 wrong objects keeps a few issues and a short excerpt", async () => {
    const url = await serve(manyWrongObjects(200_000));
    const error = expectSmallTypedError(
      await amber(url)
        .listSites()
        .catch((e: unknown) => e),
    );
    expect(error.path).toBe("body[0].id");
  });

  it("an AlphaESS 200 whose body is a 2 MB array, not an envelope", async () => {
    const url = await serve(manyWrongObjects(250_000));
    expectSmallTypedError(
      await alphaess(url)
        .listSystems()
        .catch((e: unknown) => e),
    );
  });

  it("an AlphaESS envelope whose data holds 200,000 wrong rows", async () => {
    const rows = manyWrongObjects(200_000);
    const url = await serve(`{"code":200,"msg":"Success","data":${rows}}`);
    expectSmallTypedError(
      await alphaess(url)
        .listSystems()
        .catch((e: unknown) => e),
    );
  });

  it("an AlphaESS envelope without a code, 2 MB long", async () => {
    const url = await serve(`{"msg":"Success","data":${manyWrongObjects(250_000)}}`);
    const error = expectSmallTypedError(
      await alphaess(url)
        .listSystems()
        .catch((e: unknown) => e),
    );
    expect(error.path).toBe("code");
  });

  it("a PowerTrack body with 200,000 wrong objects", async () => {
    const url = await serve(`{"auditLogs":${manyWrongObjects(200_000)}}`);
    expectSmallTypedError(
      await powertrack(url)
        .getAuditLog("S12345")
        .catch((e: unknown) => e),
    );
  });

  it("a body that is not JSON, 2 MB long, keeps a short excerpt", async () => {
    const url = await serve(`<html>${"x".repeat(2_000_000)}`);
    expectSmallTypedError(
      await amber(url)
        .listSites()
        .catch((e: unknown) => e),
    );
  });
});

describe("deep nesting is a typed error, not a RangeError (item 23)", () => {
  // 10 KB: 5,000 levels of arrays (and of objects, whose members are reached by key).
  const deepArray = nested(5_000);
  const deepObject = `${'{"a":'.repeat(2_000)}0${"}".repeat(2_000)}`;

  it.each([
    ["Amber listSites", (url: string) => amber(url).listSites(), deepArray],
    ["Amber listSites, nested objects", (url: string) => amber(url).listSites(), deepObject],
    ["AlphaESS listSystems", (url: string) => alphaess(url).listSystems(), deepArray],
    ["AlphaESS envelope data", (url: string) => alphaess(url).listSystems(), `{"code":200,"msg":"Success","data":${deepArray}}`],
    ["AlphaESS without a code", (url: string) => alphaess(url).listSystems(), `{"msg":${deepArray}}`],
    ["PowerTrack getAuditLog", (url: string) => powertrack(url).getAuditLog("S12345"), deepArray],
    ["PowerTrack getAuditLog, nested objects", (url: string) => powertrack(url).getAuditLog("S12345"), `{"auditLogs":[${deepObject}]}`],
  ])("%s", async (_name, call, body) => {
    const url = await serve(body);
    expectSmallTypedError(await call(url).catch((e: unknown) => e));
  });
});

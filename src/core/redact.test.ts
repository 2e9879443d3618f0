import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, AuthenticationError, ValidationError, type OpenPowerError } from "./errors/index.js";
import { HttpTransport } from "./http/transport.js";
import { redactingLogger, type Logger } from "./logger.js";
import { REDACTED, redact, redactHeaders, redactUrl, redactValue, registerSecret } from "./redact.js";
import { startTestServer } from "./test-support/test-server.js";

const SECRET = "c2d2ef6c047c49678e2c332fb2d74c3c";
const TOKEN = "psk_0123456789abcdef0123456789abcdef";
const COOKIE = ".AspNet.Cookies=chunks-3; AESession=Zm9vYmFyYmF6cXV1eA==; _AFC=xyz123456789";
registerSecret(SECRET);
registerSecret(TOKEN);
registerSecret(COOKIE);

function leaks(text: string): string[] {
  return [SECRET, TOKEN, "Zm9vYmFyYmF6cXV1eA==", "xyz123456789", encodeURIComponent(TOKEN)].filter((s) => text.includes(s));
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe("redaction", () => {
  it("removes registered secrets and their URL-encoded form from text", () => {
    expect(redact(`secret=${SECRET} token=${encodeURIComponent(TOKEN)}`)).toBe(`secret=${REDACTED} token=${REDACTED}`);
  });

  it("splits cookie strings so that each cookie value is redacted on its own", () => {
    expect(redact("AESession=Zm9vYmFyYmF6cXV1eA== only")).not.toContain("Zm9vYmFyYmF6cXV1eA==");
    registerSecret("SingleCookie=c29sb2Nvb2tpZXZhbHVl");
    expect(redact("value c29sb2Nvb2tpZXZhbHVl leaked")).toBe(`value ${REDACTED} leaked`);
  });

  it("masks sensitive fields and headers whatever their value", () => {
    expect(redactValue({ appSecret: "short", nested: { password: "pw", ok: 1 }, list: [{ token: "t" }], jwt: "eyJ" })).toEqual({
      appSecret: REDACTED,
      nested: { password: REDACTED, ok: 1 },
      list: [{ token: REDACTED }],
      jwt: REDACTED,
    });
    expect(redactHeaders({ Authorization: "Bearer x", sign: "abc", ae_s: "*x", cookie: "a=b", accept: "json" })).toEqual({
      Authorization: REDACTED,
      sign: REDACTED,
      ae_s: REDACTED,
      cookie: REDACTED,
      accept: "json",
    });
    expect(redactUrl("https://x.test/p?token=abc&site=1")).toBe(`https://x.test/p?token=${encodeURIComponent(REDACTED)}&site=1`);
  });

  it("leaves no secret in any error message, cause, JSON or inspect output", () => {
    const cause = new Error(`socket closed while sending Bearer ${TOKEN}`, { cause: new Error(`inner ${SECRET}`) });
    const errors: OpenPowerError[] = [
      new AuthenticationError(`sign check failed for secret ${SECRET}`, { cause }),
      new ApiError(`cookie ${COOKIE} expired`, { vendor: "powertrack", cause: { headers: { cookie: COOKIE }, note: TOKEN } }),
      new ValidationError(`bad token ${TOKEN}`, { field: "token" }),
    ];
    for (const error of errors) {
      const outputs = [
        error.message,
        String(error.stack),
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        inspect({ wrapped: error }, { depth: 10 }),
        error.cause instanceof Error
          ? `${error.cause.message} ${error.cause.stack} ${inspect(error.cause, { depth: 10 })}`
          : inspect(error.cause, { depth: 10 }),
      ];
      for (const out of outputs) expect(leaks(out)).toEqual([]);
    }
  });

  it("leaves no secret in logged request details or transport errors", async () => {
    const server = await startTestServer((_req, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ message: `token ${TOKEN} is not valid` }));
    });
    closers.push(server.close);
    const lines: string[] = [];
    const sink: Logger = {
      debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      info: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      error: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    const transport = new HttpTransport({
      vendor: "amber",
      baseUrl: server.url,
      logger: sink,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const error = (await transport.request({ path: `/sites?token=${TOKEN}&appSecret=${SECRET}` }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(lines.length).toBeGreaterThan(0);
    const everything = [...lines, error.message, String(error.stack), inspect(error, { depth: 10 }), JSON.stringify(error)].join("\n");
    expect(leaks(everything)).toEqual([]);

    const direct = redactingLogger(sink);
    direct.warn(`about ${SECRET}`, { headers: { cookie: COOKIE }, url: `https://x/?q=${TOKEN}` });
    expect(leaks(lines.join("\n"))).toEqual([]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeFetchSnippet } from "../test-support/snippets.js";
import { parseFetchSnippet } from "./fetch-snippet.js";

describe("fetch snippet parsing", () => {
  it("reads cookie, ae_s, ae_v, referer and the base URL from a Node.js fetch", () => {
    const snippet = nodeFetchSnippet({
      cookie: ".AspNet.Cookies=chunks-2; AESession=ABCDEF0123456789",
      aeS: "*WPOMs1+UDquA3lmq==",
      url: "https://apps.alsoenergy.com/api/view/chart?lastChanged=x",
    });
    expect(parseFetchSnippet(snippet)).toEqual({
      cookie: ".AspNet.Cookies=chunks-2; AESession=ABCDEF0123456789",
      aeS: "*WPOMs1+UDquA3lmq==",
      aeV: "c75711",
      referer: "https://apps.alsoenergy.com/powertrack/S70726/overview/dashboard",
      baseUrl: "https://apps.alsoenergy.com",
    });
  });

  it("lets the last match win (a placeholder above the real request)", () => {
    const placeholder = `// paste below\nfetch("https://example.invalid/api/x", { "headers": { "ae_s": "PLACEHOLDER", "cookie": "PLACEHOLDER" } });\n`;
    const real = nodeFetchSnippet({
      cookie: "AESession=REALREALREAL",
      aeS: "*real==",
      url: "https://eu.alsoenergy.example/api/view/site/S1",
    });
    const parsed = parseFetchSnippet(placeholder + real);
    expect(parsed.cookie).toBe("AESession=REALREALREAL");
    expect(parsed.aeS).toBe("*real==");
    expect(parsed.baseUrl).toBe("https://eu.alsoenergy.example");
  });

  it("ignores unquoted placeholders ({aes}) and empty values", () => {
    expect(parseFetchSnippet(`fetch("https://apps.alsoenergy.com/api/x", { headers: { "ae_s": {aes}, "cookie": "" } })`)).toEqual({
      baseUrl: "https://apps.alsoenergy.com",
    });
  });

  it("matches header names without regard to case, in single quotes too", () => {
    expect(parseFetchSnippet(`fetch('https://a.example/api', { headers: { 'AE_S': '*x\\'y', 'Cookie': 'AESession=1' } })`)).toMatchObject({
      aeS: "*x'y",
      cookie: "AESession=1",
    });
  });

  it("reads a Copy as cURL (bash) snippet", () => {
    const curl = `curl 'https://apps.alsoenergy.com/api/view/site/S1' \\\n  -H 'ae_s: *abc==' \\\n  -H 'ae_v: c75711' \\\n  -b '.AspNet.Cookies=chunks-2; AESession=XYZ'`;
    expect(parseFetchSnippet(curl)).toEqual({
      aeS: "*abc==",
      aeV: "c75711",
      cookie: ".AspNet.Cookies=chunks-2; AESession=XYZ",
      baseUrl: "https://apps.alsoenergy.com",
    });
  });

  it("gets any header value back exactly, quotes and backslashes included (property)", () => {
    const value = fc
      .string({ minLength: 1, maxLength: 80 })
      .filter((s) => s.trim() !== "" && s.trim() === s && !/[\r\n\u2028\u2029]/.test(s));
    fc.assert(
      fc.property(value, value, (cookie, aeS) => {
        const parsed = parseFetchSnippet(nodeFetchSnippet({ cookie, aeS }));
        expect(parsed.cookie).toBe(cookie);
        expect(parsed.aeS).toBe(aeS);
      }),
    );
  });
});

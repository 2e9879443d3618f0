/** A "Copy as fetch (Node.js)" snippet as Chrome writes it (values are synthetic). */
export function nodeFetchSnippet(v: { url?: string; cookie: string; aeS: string; aeV?: string; referer?: string }): string {
  const headers: Record<string, string> = {
    accept: "application/json, text/plain, */*",
    "accept-language": "en-US,en;q=0.9",
    ae_s: v.aeS,
    ae_v: v.aeV ?? "c75711",
    "sec-ch-ua": '"Chromium";v="131", "Not_A Brand";v="24"',
    cookie: v.cookie,
    Referer: v.referer ?? "https://apps.alsoenergy.com/powertrack/S70726/overview/dashboard",
  };
  return `fetch(${JSON.stringify(v.url ?? "https://apps.alsoenergy.com/api/view/site/S70726?lastChanged=1900-01-01T00:00:00.000Z")}, {\n  "headers": ${JSON.stringify(headers, null, 4)},\n  "body": null,\n  "method": "GET"\n});\n`;
}

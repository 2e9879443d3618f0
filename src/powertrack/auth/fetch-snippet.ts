/**
 * Reads PowerTrack credentials from a browser request copied with DevTools → Network → right-click
 * an `/api/...` call → "Copy as fetch (Node.js)" (Chrome, Edge):
 *
 * ```js
 * fetch("https://apps.alsoenergy.com/api/view/site/S70726?lastChanged=…", {
 *   "headers": { "accept": "application/json", "ae_s": "*WPO…==", "ae_v": "c75711", "cookie": "…",
 *                "Referer": "https://apps.alsoenergy.com/powertrack/S70726/overview/dashboard" },
 *   "body": null, "method": "GET" });
 * ```
 *
 * "Copy as cURL (bash)" (`-H 'ae_s: …'`, `-b '…'`) is read too. Header names are matched without
 * regard to case and the **last** match of each wins, because a file may hold an older placeholder
 * above the real request. The base URL is the origin of the last request URL.
 */
export interface FetchSnippet {
  cookie?: string;
  aeS?: string;
  aeV?: string;
  /** Origin of the copied request, e.g. "https://apps.alsoenergy.com". */
  baseUrl?: string;
  /** The page the request was made from (not used for auth; kept for diagnostics). */
  referer?: string;
}

type Piece = "cookie" | "aeS" | "aeV" | "referer";
const HEADER_PIECES: Record<string, Piece> = { cookie: "cookie", ae_s: "aeS", ae_v: "aeV", referer: "referer" };

/** A quoted header name, a colon, then a double- or single-quoted value (escapes allowed). */
const FETCH_HEADER_RE = /(["'])(cookie|ae_s|ae_v|referer)\1\s*:\s*("(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')/gi;
/** cURL: -H 'name: value' / --header "name: value", and -b / --cookie 'value'. */
const CURL_HEADER_RE = /(?:-H|--header)\s+(["'])(cookie|ae_s|ae_v|referer)\s*:\s*(.*?)\1/gi;
const CURL_COOKIE_RE = /(?:-b|--cookie)\s+(["'])(.*?)\1/gi;
const FETCH_URL_RE = /fetch\(\s*("(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'|`[^`]*`)/gi;
const CURL_URL_RE = /curl\s+(?:-X\s+\w+\s+)?(["'])(https?:\/\/[^"']+)\1/gi;

export function parseFetchSnippet(text: string): FetchSnippet {
  type Hit = { index: number; value: string };
  const hits: Partial<Record<Piece | "url", Hit>> = {};
  const keep = (piece: Piece | "url", index: number, value: string | undefined) => {
    if (value === undefined || value.trim() === "") return;
    const previous = hits[piece];
    if (!previous || previous.index <= index) hits[piece] = { index, value: value.trim() };
  };

  for (const m of text.matchAll(FETCH_HEADER_RE)) keep(HEADER_PIECES[m[2]!.toLowerCase()]!, m.index, unquote(m[3]!));
  for (const m of text.matchAll(CURL_HEADER_RE)) keep(HEADER_PIECES[m[2]!.toLowerCase()]!, m.index, m[3]);
  for (const m of text.matchAll(CURL_COOKIE_RE)) keep("cookie", m.index, m[2]);
  for (const m of text.matchAll(FETCH_URL_RE)) keep("url", m.index, unquote(m[1]!));
  for (const m of text.matchAll(CURL_URL_RE)) keep("url", m.index, m[2]);

  const out: FetchSnippet = {};
  if (hits.cookie) out.cookie = hits.cookie.value;
  if (hits.aeS) out.aeS = hits.aeS.value;
  if (hits.aeV) out.aeV = hits.aeV.value;
  if (hits.referer) out.referer = hits.referer.value;
  if (hits.url) {
    try {
      const url = new URL(hits.url.value);
      if (url.protocol === "https:" || url.protocol === "http:") out.baseUrl = url.origin;
    } catch {
      // not a URL: leave the base URL to the other sources
    }
  }
  return out;
}

/** The value of a JS string literal: JSON rules for double quotes, simple escapes otherwise. */
function unquote(literal: string): string | undefined {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '"') {
    try {
      return JSON.parse(literal) as string;
    } catch {
      return body;
    }
  }
  if (quote === "`") return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
}

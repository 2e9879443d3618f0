import { ResponseFormatError } from "../errors/index.js";

/**
 * Reads a response body as UTF-8 text, refusing bodies over `maxBytes` without buffering them
 * whole: a declared Content-Length is checked up front, and a streamed body is cut off as soon as
 * it crosses the limit.
 */
export async function readBodyText(response: Response, maxBytes: number, vendor: string): Promise<string> {
  const tooLarge = (size: string) =>
    new ResponseFormatError(
      `${vendor} sent a response of ${size}, over the ${maxBytes}-byte limit. Ask for less data (a shorter range) or raise maxResponseBytes.`,
      {
        vendor,
        status: response.status,
      },
    );
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > 0) {
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(`${declared} bytes`);
    }
    return response.text();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

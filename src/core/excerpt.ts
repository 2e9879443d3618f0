import { redactHead, redactionMargin } from "./redact.js";

/**
 * The start of a value as JSON, for error messages: built by walking the value with an explicit
 * stack and stopping at `max` characters, so neither a 16 MB body nor one nested 5,000 levels deep
 * is ever turned into text whole (JSON.stringify would take the memory, or overflow the call stack).
 */
export function excerpt(value: unknown, max = 300): string {
  // Secrets are removed from a little more than is shown (see redactHead), so a cut secret still goes whole.
  const text = typeof value === "string" ? value : boundedJson(value, max + redactionMargin() + 1);
  return redactHead(text, max);
}

interface Frame {
  readonly close: "]" | "}";
  readonly items: readonly unknown[] | null;
  readonly record: Record<string, unknown> | null;
  readonly keys: readonly string[] | null;
  index: number;
}

/** JSON text of `value` cut off once it is `limit` characters long (the cut may fall inside a token). */
export function boundedJson(value: unknown, limit: number): string {
  let out = "";
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === "function" || typeof v === "symbol") out += "null";
    else if (typeof v === "string") out += JSON.stringify(v.length > limit ? v.slice(0, limit) : v);
    else if (typeof v === "number") out += Number.isFinite(v) ? String(v) : "null";
    else if (typeof v === "boolean" || typeof v === "bigint") out += String(v);
    else if (Array.isArray(v)) {
      out += "[";
      stack.push({ close: "]", items: v, record: null, keys: null, index: 0 });
    } else if (v instanceof Date) out += Number.isNaN(v.getTime()) ? "null" : `"${v.toISOString()}"`;
    else {
      out += "{";
      const record = v as Record<string, unknown>;
      stack.push({ close: "}", items: null, record, keys: Object.keys(record), index: 0 });
    }
  };
  open(value);
  while (stack.length > 0 && out.length < limit) {
    const frame = stack[stack.length - 1]!;
    const length = frame.items ? frame.items.length : frame.keys!.length;
    if (frame.index >= length) {
      out += frame.close;
      stack.pop();
      continue;
    }
    if (frame.index > 0) out += ",";
    if (frame.items) open(frame.items[frame.index]);
    else {
      const key = frame.keys![frame.index]!;
      out += `${JSON.stringify(key.length > limit ? key.slice(0, limit) : key)}:`;
      open(frame.record![key]);
    }
    frame.index++;
  }
  return out.length > limit ? out.slice(0, limit) : out;
}

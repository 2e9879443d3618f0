import { UsageError } from "./errors.js";

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** "12h", "90m", "1h30m", "2 days", "45s" → milliseconds. A bare number is refused (which unit?). */
export function parseDuration(text: string, option: string): number {
  const s = text.trim().toLowerCase();
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNIT_MS[m[2]!];
    if (unit === undefined) break;
    total += Number(m[1]) * unit;
    pos = re.lastIndex;
    while (s[pos] === " ") pos++;
    re.lastIndex = pos;
  }
  if (s === "" || pos !== s.length || total <= 0) {
    throw new UsageError(`${option} expects a duration like 12h, 90m, 1h30m or 2d, got ${JSON.stringify(text)}.`, { field: option });
  }
  return total;
}

import { ValidationError } from "../core/errors/index.js";
import { assertOnGrid, formatTimeOfDay, windowsOverlap, type TimeWindow } from "../core/time/schedule-grid.js";
import type { BatterySchedule } from "./types.js";

/**
 * A battery intent as people write it, for `openpower battery plan|apply`:
 *
 *   charge 01:00-05:00 to 90%
 *   charge 01:00–03:00 and 13:00-15:00 to 80% from grid; discharge 17:00–21:00 down to 20%
 *   charge 11:00-14:00 to 100% from solar
 *   charge off · discharge anytime · discharge never · discharge 17:00-21:00
 *
 * Times are "H:mm"/"HH:mm" (or "1am", "5:30pm", "noon", "midnight"; "24:00" as an end) on the
 * 15-minute grid; windows run start (inclusive) to end (exclusive) and may wrap past midnight.
 * Levels need a "%" sign. Hyphens, en and em dashes all separate a window's ends. Clauses are
 * separated by ";", ",", "then" or "and then".
 */
export type ChargeIntent = { kind: "windows"; windows: TimeWindow[]; stopLevel?: number; fromGrid?: boolean } | { kind: "off" };

export type DischargeIntent =
  | { kind: "windows"; windows: TimeWindow[]; stopLevel?: number }
  /** No time restriction: the battery discharges whenever the house needs it. */
  | { kind: "anytime"; stopLevel?: number }
  /** Time control on with no windows: the battery does not discharge. */
  | { kind: "never" };

export interface BatteryIntent {
  text: string;
  charge?: ChargeIntent;
  discharge?: DischargeIntent;
}

export const INTENT_EXAMPLES = [
  "charge 01:00-05:00 to 90%",
  "discharge 17:00–21:00 down to 20%",
  "charge 01:00-03:00 and 13:00-15:00 to 80%; discharge 17:00-21:00 down to 20%",
  "charge 11:00-14:00 to 100% from solar",
  "charge off",
  "discharge anytime",
] as const;

type Token =
  | { type: "time"; minutes: number; text: string; at: number; isEndOfDay: boolean }
  | { type: "level"; value: number; text: string; at: number }
  | { type: "number"; value: number; text: string; at: number }
  | { type: "dash"; text: string; at: number }
  | { type: "sep"; text: string; at: number }
  | { type: "word"; text: string; at: number };

const TOKEN_RE =
  /\s*(?:(?<time>\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?(?![a-z]))|(?<level>\d+(?:\.\d+)?\s*(?:%|percent\b|pct\b))|(?<number>\d+(?:\.\d+)?)|(?<dash>-)|(?<sep>[;,&+])|(?<word>[a-z']+))/y;

function tokenize(text: string): Token[] {
  const normal = text
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, "-")
    .replace(/\uff05/g, "%")
    .replace(/\u00a0/g, " ");
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < normal.length) {
    if (/^\s*$/.test(normal.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(normal);
    if (!m || !m.groups) {
      const at = pos + (normal.slice(pos).length - normal.slice(pos).trimStart().length);
      throw fail(text, at, `unexpected ${JSON.stringify(text.slice(at, at + 1))}`);
    }
    const raw = m[0];
    const at = pos + (raw.length - raw.trimStart().length);
    const g = m.groups;
    if (g.time !== undefined) tokens.push(timeToken(g.time, at, text));
    else if (g.level !== undefined) tokens.push({ type: "level", value: Number.parseFloat(g.level), text: g.level, at });
    else if (g.number !== undefined) tokens.push({ type: "number", value: Number(g.number), text: g.number, at });
    else if (g.dash !== undefined) tokens.push({ type: "dash", text: "-", at });
    else if (g.sep !== undefined) tokens.push({ type: "sep", text: g.sep, at });
    else if (g.word === "noon") tokens.push({ type: "time", minutes: 720, text: "noon", at, isEndOfDay: false });
    // Midnight is 00:00: a start ("midnight-5am") or, as an end, the end of the day (a window
    // ending at 00:00 runs to midnight). Only a literal "24:00" cannot start a window.
    else if (g.word === "midnight") tokens.push({ type: "time", minutes: 0, text: "midnight", at, isEndOfDay: false });
    else tokens.push({ type: "word", text: g.word!, at });
    pos = TOKEN_RE.lastIndex;
  }
  return tokens;
}

function timeToken(raw: string, at: number, text: string): Token {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?m\.?)?$/.exec(raw)!;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3];
  if (meridiem) {
    if (hour < 1 || hour > 12) throw fail(text, at, `${JSON.stringify(raw)} is not a time: with am/pm the hour is 1 to 12`);
    hour = (hour % 12) + (meridiem === "p" ? 12 : 0);
  }
  if (minute > 59 || hour > 24 || (hour === 24 && minute !== 0))
    throw fail(text, at, `${JSON.stringify(raw)} is not a time of day (00:00 to 23:59, or 24:00 as an end)`);
  const isEndOfDay = hour === 24;
  return { type: "time", minutes: isEndOfDay ? 0 : hour * 60 + minute, text: raw, at, isEndOfDay };
}

function fail(text: string, at: number, what: string): ValidationError {
  const pointer = at >= 0 ? ` at "${text.slice(at, at + 12).trim()}"` : "";
  return new ValidationError(
    `Cannot read the battery intent ${JSON.stringify(text)}: ${what}${pointer}. Write it like "${INTENT_EXAMPLES[0]}" or "${INTENT_EXAMPLES[1]}" (see openpower battery plan --help).`,
    { field: "intent" },
  );
}

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  private next(): Token | undefined {
    return this.tokens[this.i++];
  }
  private isWord(token: Token | undefined, ...words: string[]): boolean {
    return token?.type === "word" && words.includes(token.text);
  }
  private error(what: string, token = this.peek()): ValidationError {
    return fail(this.text, token ? token.at : -1, what);
  }

  parse(): BatteryIntent {
    if (this.tokens.length === 0) throw this.error("it is empty");
    const intent: BatteryIntent = { text: this.text };
    for (;;) {
      this.skipSeparators();
      if (!this.peek()) break;
      this.clause(intent);
      const after = this.peek();
      if (!after) break;
      if (after.type !== "sep" && !this.isWord(after, "then", "and", "charge", "discharge", "no", "disable")) {
        throw this.error(`unexpected ${JSON.stringify(after.text)}`);
      }
    }
    if (!intent.charge && !intent.discharge) throw this.error("it says neither charge nor discharge");
    return intent;
  }

  private skipSeparators(): void {
    while (this.peek()?.type === "sep" || this.isWord(this.peek(), "then", "and", "also", "please")) this.next();
  }

  private clause(intent: BatteryIntent): void {
    const first = this.next()!;
    let side: "charge" | "discharge";
    let negated = false;
    if (this.isWord(first, "no", "disable", "stop")) {
      const target = this.next();
      if (!this.isWord(target, "charge", "charging", "discharge", "discharging"))
        throw this.error('expected "charge" or "discharge"', target ?? first);
      side = target!.text.startsWith("dis") ? "discharge" : "charge";
      negated = true;
      if (this.isWord(this.peek(), "windows", "window")) this.next();
    } else if (this.isWord(first, "charge", "charging")) side = "charge";
    else if (this.isWord(first, "discharge", "discharging")) side = "discharge";
    else throw this.error(`expected "charge" or "discharge", got ${JSON.stringify(first.text)}`, first);

    if (intent[side])
      throw this.error(
        `"${side}" is given twice; put all ${side} windows in one clause, e.g. "${side} 01:00-03:00 and 13:00-15:00"`,
        first,
      );

    if (negated) {
      if (side === "charge") intent.charge = { kind: "off" };
      else intent.discharge = { kind: "never" };
      return;
    }
    const word = this.peek();
    if (this.isWord(word, "off", "none", "disabled")) {
      this.next();
      if (side === "charge") {
        intent.charge = { kind: "off" };
        return;
      }
      throw this.error(
        '"discharge off" is ambiguous: say "discharge anytime" (no time restriction) or "discharge never" (the battery does not discharge)',
        word,
      );
    }
    if (this.isWord(word, "never")) {
      this.next();
      if (side === "charge") intent.charge = { kind: "off" };
      else intent.discharge = { kind: "never" };
      return;
    }
    if (
      side === "discharge" &&
      (this.isWord(word, "anytime", "always") || (this.isWord(word, "any") && this.isWord(this.peek(1), "time")))
    ) {
      this.next();
      if (word!.text === "any") this.next();
      const stopLevel = this.optionalLevel();
      intent.discharge = stopLevel === undefined ? { kind: "anytime" } : { kind: "anytime", stopLevel };
      return;
    }

    const windows: TimeWindow[] = [];
    let stopLevel: number | undefined;
    let fromGrid: boolean | undefined;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.type === "time" || this.isWord(t, "from", "between")) {
        // "from grid" / "from solar" is a source, not a window.
        if (this.isWord(t, "from") && this.isWord(this.peek(1), "grid", "solar", "pv", "the")) {
          fromGrid = this.source(side, fromGrid);
          continue;
        }
        if (windows.length > 0 && t.type === "time") throw this.error('separate windows with "and"', t);
        windows.push(...this.windowList(side, windows.length));
        continue;
      }
      if (
        t.type === "level" ||
        t.type === "number" ||
        this.isWord(t, "to", "down", "until", "till", "stop", "at", "min", "minimum", "reserve", "keep", "up")
      ) {
        if (stopLevel !== undefined) throw this.error("the level is given twice", t);
        stopLevel = this.level();
        continue;
      }
      if (this.isWord(t, "grid", "solar", "pv", "only")) {
        fromGrid = this.source(side, fromGrid);
        continue;
      }
      break;
    }
    if (windows.length === 0) {
      throw this.error(
        `"${side}" needs at least one time window like 01:00-05:00${side === "charge" ? ' (or "charge off")' : ' (or "discharge anytime")'}`,
      );
    }
    checkWindows(this.text, side, windows);
    if (side === "charge") {
      const charge: ChargeIntent = { kind: "windows", windows };
      if (stopLevel !== undefined) charge.stopLevel = stopLevel;
      if (fromGrid !== undefined) charge.fromGrid = fromGrid;
      intent.charge = charge;
    } else {
      if (fromGrid !== undefined) throw this.error('"from grid"/"from solar" applies to charging only');
      intent.discharge = stopLevel === undefined ? { kind: "windows", windows } : { kind: "windows", windows, stopLevel };
    }
  }

  private source(side: string, previous: boolean | undefined): boolean {
    if (previous !== undefined) throw this.error("the charge source is given twice");
    if (side !== "charge") throw this.error('"from grid"/"from solar" applies to charging only');
    if (this.isWord(this.peek(), "from")) this.next();
    if (this.isWord(this.peek(), "the")) this.next();
    const t = this.next();
    if (this.isWord(t, "grid")) return true;
    if (this.isWord(t, "solar", "pv")) {
      if (this.isWord(this.peek(), "only")) this.next();
      return false;
    }
    if (this.isWord(t, "only") && this.isWord(this.peek(), "solar", "pv")) {
      this.next();
      return false;
    }
    throw this.error('expected "from grid" or "from solar"', t);
  }

  private windowList(side: string, already: number): TimeWindow[] {
    const windows = [this.window(side, already + 1)];
    for (;;) {
      const joiner = this.peek();
      const following = this.peek(1);
      if ((joiner?.type === "sep" && joiner.text !== ";") || this.isWord(joiner, "and")) {
        if (following?.type === "time" || this.isWord(following, "from", "between")) {
          if (this.isWord(following, "from") && this.isWord(this.peek(2), "grid", "solar", "pv", "the")) break;
          this.next();
          windows.push(this.window(side, already + windows.length + 1));
          continue;
        }
      }
      break;
    }
    return windows;
  }

  private window(side: string, n: number): TimeWindow {
    const between = this.isWord(this.peek(), "between");
    if (between || this.isWord(this.peek(), "from")) this.next();
    const start = this.time(`the start of ${side} window ${n}`);
    const joiner = this.next();
    const ok = between ? this.isWord(joiner, "and") : joiner?.type === "dash" || this.isWord(joiner, "to", "until", "till");
    if (!ok) throw this.error(`expected the end of ${side} window ${n} after ${start.text} (write it like 01:00-05:00)`, joiner);
    const end = this.time(`the end of ${side} window ${n}`);
    if (start.isEndOfDay) throw this.error(`${side} window ${n} cannot start at 24:00 (use 00:00)`, start);
    const window = { start: formatTimeOfDay(start.minutes), end: formatTimeOfDay(end.minutes) };
    const field = `${side} window ${n}`;
    assertOnGridUsage(window.start, `${field} start`, this.text);
    assertOnGridUsage(window.end, `${field} end`, this.text);
    if (window.start === window.end) {
      throw this.error(
        `${side} window ${n} ${start.text}-${end.text} is empty (start equals end)${side === "charge" ? '; to stop grid charging say "charge off"' : ""}`,
        start,
      );
    }
    return window;
  }

  private time(what: string): Extract<Token, { type: "time" }> {
    const t = this.next();
    if (t?.type !== "time") throw this.error(`expected ${what} as a time like 05:00`, t);
    return t;
  }

  private optionalLevel(): number | undefined {
    const t = this.peek();
    if (
      t &&
      (t.type === "level" ||
        t.type === "number" ||
        this.isWord(t, "to", "down", "until", "till", "stop", "at", "min", "minimum", "reserve", "keep"))
    )
      return this.level();
    return undefined;
  }

  private level(): number {
    // Filler words before the number: "to", "down to", "stop at", "until", "keep", "min", "reserve".
    while (this.isWord(this.peek(), "to", "down", "up", "until", "till", "stop", "at", "min", "minimum", "reserve", "keep", "of"))
      this.next();
    const t = this.next();
    if (t?.type === "number") {
      const hint = t.value <= 1 ? `${Math.round(t.value * 100)}%` : `${t.text}%`;
      throw this.error(`a level needs a % sign: write ${hint}`, t);
    }
    if (t?.type !== "level") throw this.error("expected a level like 90%", t);
    if (!(t.value >= 0 && t.value <= 100)) throw this.error(`the level ${t.text.trim()} is outside 0-100 %`, t);
    return Math.round(t.value * 100) / 10_000;
  }
}

function assertOnGridUsage(time: string, field: string, text: string): void {
  try {
    assertOnGrid(time, field);
  } catch (error) {
    throw new ValidationError(`Cannot use the battery intent ${JSON.stringify(text)}: ${(error as Error).message}`, { field: "intent" });
  }
}

function checkWindows(text: string, side: string, windows: TimeWindow[]): void {
  for (let a = 0; a < windows.length; a++) {
    for (let b = a + 1; b < windows.length; b++) {
      if (windowsOverlap(windows[a]!, windows[b]!)) {
        throw new ValidationError(
          `Cannot use the battery intent ${JSON.stringify(text)}: ${side} windows ${windows[a]!.start}-${windows[a]!.end} and ${windows[b]!.start}-${windows[b]!.end} overlap. Merge them into one window.`,
          { field: "intent" },
        );
      }
    }
  }
}

/** Parses an intent; throws `ValidationError` (the CLI exits 2) saying what is wrong and how to write it. */
export function parseBatteryIntent(text: string): BatteryIntent {
  return new Parser(text, tokenize(text)).parse();
}

/**
 * The schedule the device should have after the intent: what the intent does not mention is kept
 * from `current`. Charging in a window defaults to charging from the grid (that is what a charge
 * window is for on AlphaESS and GoodWe); "from solar" turns grid charging off.
 */
export function applyIntent(current: BatterySchedule, intent: BatteryIntent): BatterySchedule {
  const next: BatterySchedule = {
    charge: { ...current.charge, windows: current.charge.windows.map((w) => ({ ...w })) },
    discharge: { ...current.discharge, windows: current.discharge.windows.map((w) => ({ ...w })) },
  };
  const charge = intent.charge;
  if (charge?.kind === "off") next.charge = { ...next.charge, fromGrid: false, windows: [] };
  else if (charge?.kind === "windows") {
    next.charge = {
      fromGrid: charge.fromGrid ?? true,
      stopLevel: charge.stopLevel ?? current.charge.stopLevel,
      windows: charge.windows.map((w) => ({ ...w })),
    };
  }
  const discharge = intent.discharge;
  if (discharge?.kind === "never") next.discharge = { ...next.discharge, timeControl: true, windows: [] };
  else if (discharge?.kind === "anytime")
    next.discharge = { ...next.discharge, timeControl: false, stopLevel: discharge.stopLevel ?? current.discharge.stopLevel };
  else if (discharge?.kind === "windows") {
    next.discharge = {
      timeControl: true,
      stopLevel: discharge.stopLevel ?? current.discharge.stopLevel,
      windows: discharge.windows.map((w) => ({ ...w })),
    };
  }
  return next;
}

/** The intent in one normalised line, for confirmations and the audit log. */
export function describeIntent(intent: BatteryIntent): string {
  const parts: string[] = [];
  const ws = (windows: TimeWindow[]) => windows.map((w) => `${w.start}-${w.end}`).join(" and ");
  const pct = (level: number) => `${Math.round(level * 1000) / 10}%`;
  const c = intent.charge;
  if (c?.kind === "off") parts.push("charge off");
  else if (c)
    parts.push(
      `charge ${ws(c.windows)}${c.stopLevel === undefined ? "" : ` to ${pct(c.stopLevel)}`}${c.fromGrid === false ? " from solar" : " from grid"}`,
    );
  const d = intent.discharge;
  if (d?.kind === "never") parts.push("discharge never");
  else if (d?.kind === "anytime") parts.push(`discharge anytime${d.stopLevel === undefined ? "" : ` down to ${pct(d.stopLevel)}`}`);
  else if (d) parts.push(`discharge ${ws(d.windows)}${d.stopLevel === undefined ? "" : ` down to ${pct(d.stopLevel)}`}`);
  return parts.join("; ");
}

import Table from "cli-table3";
import { stringify as csvStringify } from "csv-stringify/sync";
import { redact } from "../../core/redact.js";
import type { Io } from "../io.js";
import { colors, type Colors } from "./color.js";

export type Format = "table" | "json" | "csv";

/** One column of tabular output: how to read it from a row, and how people see it. */
export interface Column<T> {
  header: string;
  /** The CSV header (one vocabulary with `--json`: "pvW", "gridW", ...); default `header`. */
  key?: string;
  /**
   * How readily the column goes when the table does not fit the terminal: 0 (default) never,
   * higher numbers first. Like `gh`, the least important columns are dropped before anything wraps.
   */
  drop?: number;
  /** Shortens a cell to at most `width` characters keeping what identifies it (e.g. the end of a serial). */
  shorten?: (text: string, width: number) => string;
  /** The plain value for `--csv` (numbers stay numbers, dates become ISO strings, null becomes ""). */
  value: (row: T) => unknown;
  /** How the value reads in a table; default `String(value)`. */
  show?: (row: T, c: Colors) => string;
  align?: "left" | "right";
}

/**
 * Everything a command prints goes through here: data to stdout in the chosen format, notes and
 * progress to stderr. JSON and CSV are for scripts (no colour, no decoration); tables are for
 * people. Every string is passed through `redact` on its way out, so a registered secret cannot
 * be printed by accident.
 */
export class Output {
  readonly c: Colors;

  constructor(
    readonly io: Io,
    readonly format: Format,
    readonly color: boolean,
    private readonly options: { raw?: boolean } = {},
  ) {
    this.c = colors(color);
  }

  get isJson(): boolean {
    return this.format === "json";
  }

  /** A line on stdout whatever the format (used by commands whose output is text by nature). */
  print(text = ""): void {
    this.io.stdout.write(`${redact(text)}\n`);
  }

  /**
   * Text on stdout exactly as given (no newline added), secrets redacted: terminal control
   * sequences and whole-screen redraws (`watch`).
   */
  write(text: string): void {
    this.io.stdout.write(redact(text));
  }

  /** A note for people on stderr: progress, hints, warnings. Never mixed into data. */
  note(text: string): void {
    this.io.stderr.write(`${redact(text)}\n`);
  }

  warn(text: string): void {
    this.note(`${this.c.yellow("warning:")} ${text}`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${toJson(value, { raw: this.options.raw ?? false })}\n`);
  }

  /** One JSON document on one line (a stream of them is NDJSON). */
  jsonLine(value: unknown): void {
    this.io.stdout.write(`${toJson(value, { raw: this.options.raw ?? false, indent: 0 })}\n`);
  }

  table<T>(columns: readonly Column<T>[], rows: readonly T[], options: { title?: string } = {}): void {
    if (options.title) this.print(this.c.bold(options.title));
    const width = this.io.stdout.isTTY ? this.io.stdout.columns : undefined;
    const fitted = fitColumns(columns, rows, this.c, width);
    this.print(renderTable(fitted.columns, rows, this.c, width));
    if (fitted.dropped.length > 0)
      this.note(this.c.dim(`(${fitted.dropped.join(", ")} left out to fit ${width} columns; --csv or --json has every column)`));
  }

  csv<T>(columns: readonly Column<T>[], rows: readonly T[]): void {
    this.io.stdout.write(redact(renderCsv(columns, rows)));
  }

  /** Tabular data in the chosen format; `json` is what `--json` prints (default: the rows). */
  rows<T>(columns: readonly Column<T>[], rows: readonly T[], options: { title?: string; json?: unknown } = {}): void {
    if (this.format === "json") this.json(options.json ?? rows);
    else if (this.format === "csv") this.csv(columns, rows);
    else this.table(columns, rows, options);
  }
}

/**
 * The columns that fit `maxWidth`: the least important (highest `drop`) are left out one at a
 * time until the table fits, then the table is rendered with shortened cells where a column
 * knows how to shorten them.
 */
export function fitColumns<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  c: Colors,
  maxWidth: number | undefined,
): { columns: Column<T>[]; dropped: string[] } {
  const kept = [...columns];
  const dropped: string[] = [];
  if (maxWidth === undefined) return { columns: kept, dropped };
  const widthOf = (list: readonly Column<T>[]) => naturalWidths(list, rows, c).reduce((a, b) => a + b, 0) + list.length + 1;
  while (widthOf(kept) > maxWidth) {
    const candidates = kept.filter((col) => (col.drop ?? 0) > 0);
    if (candidates.length === 0) break;
    const least = candidates.reduce((a, b) => ((b.drop ?? 0) >= (a.drop ?? 0) ? b : a));
    kept.splice(kept.indexOf(least), 1);
    dropped.push(least.header);
  }
  return { columns: kept, dropped };
}

function naturalWidths<T>(columns: readonly Column<T>[], rows: readonly T[], c: Colors): number[] {
  return columns.map(
    (col) =>
      Math.max(
        visibleLength(col.header),
        ...rows.map((row) => Math.max(...(col.show ? col.show(row, c) : plain(col.value(row))).split("\n").map(visibleLength))),
      ) + 2,
  );
}

/** "alphaess:AL7011023030601" in 16 → "alphaess:…030601": keeps the start and as much of the end as fits. */
export function shortenMiddle(text: string, width: number, keepStart = 0): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return "…";
  const head = Math.min(keepStart, width - 2);
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (width - 1 - head)).join("")}`;
}

/**
 * A boxed table. With `maxWidth` (the terminal's width), the widest columns are narrowed and
 * their cells wrapped until the table fits; without it (output to a file or pipe) lines are kept whole.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], c: Colors, maxWidth?: number): string {
  const cells = rows.map((row) => columns.map((col) => (col.show ? col.show(row, c) : plain(col.value(row)))));
  const widths = columns.map(
    (col, i) => Math.max(visibleLength(col.header), ...cells.map((r) => Math.max(...r[i]!.split("\n").map(visibleLength)))) + 2,
  );
  const fits = () => widths.reduce((a, b) => a + b, 0) + widths.length + 1 <= maxWidth!;
  // Columns that can shorten their cells (ids) do so before anything wraps, down to 12 characters.
  if (maxWidth !== undefined && !fits()) {
    columns.forEach((col, i) => {
      if (!col.shorten || fits()) return;
      const over = widths.reduce((a, b) => a + b, 0) + widths.length + 1 - maxWidth;
      const target = Math.max(12, widths[i]! - 2 - over, visibleLength(col.header));
      for (const row of cells) row[i] = col.shorten(row[i]!.replace(ANSI, ""), target);
      widths[i] = target + 2;
    });
  }
  let narrowed = false;
  if (maxWidth !== undefined && maxWidth > 20) {
    while (!fits()) {
      const widest = widths.indexOf(Math.max(...widths));
      if (widths[widest]! <= 14) break;
      widths[widest]! -= 1;
      narrowed = true;
    }
  }
  const table = new Table({
    head: columns.map((col) => c.bold(col.header)),
    style: { head: [], border: [] },
    colAligns: columns.map((col) => col.align ?? "left"),
    ...(narrowed ? { colWidths: widths, wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  for (const row of cells) table.push(row);
  return table.toString();
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

export function renderCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  return csvStringify(
    rows.map((row) => columns.map((col) => csvCell(col.value(row)))),
    { header: true, columns: columns.map((col) => col.key ?? col.header) },
  );
}

function csvCell(value: unknown): string | number {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  // csv-stringify would write true as "1" and false as "" (the same as a missing value).
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * JSON for scripts: dates as ISO strings, non-finite numbers as null, bigints as strings, the
 * vendors' raw bodies left out unless asked for (`--raw`), registered secrets redacted.
 */
export function toJson(value: unknown, options: { raw?: boolean; indent?: number } = {}): string {
  const text = JSON.stringify(
    value,
    function replacer(this: unknown, key: string, v: unknown) {
      if (key === "raw" && !options.raw) return undefined;
      if (typeof v === "number" && !Number.isFinite(v)) return null;
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      return v;
    },
    options.indent ?? 2,
  );
  return redact(text ?? "null");
}

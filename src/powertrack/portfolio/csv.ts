import { parse } from "csv-parse/sync";
import { ValidationError } from "../../core/errors/index.js";
import type { EditRequest, EditTarget } from "../edits.js";
import { parseHardwareKey, parseSiteKey, parseSiteOrHardwareKey } from "../keys.js";
import { parsePath } from "../paths.js";

/**
 * CSV → bulk edits (the SDK advertised CSV bulk operations but never had them).
 *
 * ```csv
 * key,description,capacityKw,settings[name=dev:rate].value
 * H541363,Inv C10 - (62.5 kW),62.5,
 * H541364,,60,120
 * ```
 *
 * - The first header cell names the key column (`key`, `siteKey`, `siteId`, `hardwareKey`); the
 *   others are field paths: dotted names, `[n]` for a list position, `[field=value]` to pick a
 *   list item. A column named `target` (site, hardware, modeling, siteHardware) may set the
 *   target per row; otherwise `options.target`, else the key's prefix (S → site, H → hardware).
 * - An empty cell means "no change". To set an empty text, write `(empty)`; `null` sets null
 *   where the field is null-able.
 * - Values stay text here; planning types each by the field's current value (number, true/false,
 *   text, JSON for lists and objects) and rejects what does not fit, naming the row.
 * - Each bad row is a `ValidationError` naming its line; by default they are thrown together.
 */
export interface CsvImportOptions {
  target?: EditTarget;
  /** Shown in messages. */
  file?: string;
  /** Return the errors with the good rows instead of throwing. Default false. */
  collectErrors?: boolean;
}

export interface CsvImportResult {
  edits: EditRequest[];
  errors: ValidationError[];
}

const KEY_COLUMNS = ["key", "sitekey", "siteid", "hardwarekey"];
const TARGETS: readonly EditTarget[] = ["site", "hardware", "siteHardware", "modeling"];
export const EMPTY_TEXT = "(empty)";

export function parseEditsCsv(text: string, options: CsvImportOptions = {}): CsvImportResult {
  const where = options.file ? `${options.file}: ` : "";
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    throw new ValidationError(`${where}not valid CSV: ${(error as Error).message}`, { field: "csv", vendor: "powertrack" });
  }
  if (records.length === 0)
    throw new ValidationError(`${where}the CSV is empty; the first row must name the key column and the fields.`, {
      field: "csv",
      vendor: "powertrack",
    });
  const header = records[0]!.record.map((h) => h.trim());
  const keyColumn = header[0] ?? "";
  if (!KEY_COLUMNS.includes(keyColumn.toLowerCase())) {
    throw new ValidationError(
      `${where}line 1: the first column must be the key column (key, siteKey, siteId or hardwareKey), got ${JSON.stringify(keyColumn)}.`,
      { field: "header", vendor: "powertrack" },
    );
  }
  const targetColumn = header.findIndex((h, i) => i > 0 && h.toLowerCase() === "target");
  const fieldColumns = header.map((h, i) => ({ h, i })).filter(({ i }) => i > 0 && i !== targetColumn);
  if (fieldColumns.length === 0)
    throw new ValidationError(`${where}line 1: no field columns after the key column.`, { field: "header", vendor: "powertrack" });
  const seen = new Set<string>();
  for (const { h } of fieldColumns) {
    if (h === "") throw new ValidationError(`${where}line 1: a field column has no name.`, { field: "header", vendor: "powertrack" });
    parsePath(h);
    if (seen.has(h))
      throw new ValidationError(`${where}line 1: the column ${JSON.stringify(h)} appears twice.`, { field: h, vendor: "powertrack" });
    seen.add(h);
  }

  const edits: EditRequest[] = [];
  const errors: ValidationError[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines - record.join(",").split("\n").length + 1;
    const rowError = (message: string, field?: string) =>
      errors.push(new ValidationError(`${where}line ${line}: ${message}`, { field: field ?? `line ${line}`, vendor: "powertrack" }));
    if (record.every((c) => c.trim() === "")) continue;
    if (record.length > header.length) {
      rowError(`${record.length} cells but the header has ${header.length} columns.`);
      continue;
    }
    const rawKey = (record[0] ?? "").trim();
    let target: EditTarget;
    const rowTarget = targetColumn >= 0 ? (record[targetColumn] ?? "").trim() : "";
    if (rowTarget) {
      if (!TARGETS.includes(rowTarget as EditTarget)) {
        rowError(`target must be one of ${TARGETS.join(", ")}, got ${JSON.stringify(rowTarget)}.`, "target");
        continue;
      }
      target = rowTarget as EditTarget;
    } else if (options.target) target = options.target;
    else target = /^h/i.test(rawKey) ? "hardware" : "site";
    let key: string;
    try {
      key =
        target === "hardware"
          ? parseHardwareKey(rawKey, keyColumn)
          : target === "modeling"
            ? parseSiteOrHardwareKey(rawKey, keyColumn)
            : parseSiteKey(rawKey, keyColumn);
    } catch (error) {
      rowError((error as Error).message, keyColumn);
      continue;
    }
    const fields: Record<string, string | null> = {};
    for (const { h, i } of fieldColumns) {
      const cell = record[i] ?? "";
      if (cell.trim() === "") continue;
      fields[h] = cell.trim() === EMPTY_TEXT ? "" : cell;
    }
    if (Object.keys(fields).length === 0) {
      rowError(`${key} has no values to change (every field cell is empty).`);
      continue;
    }
    edits.push({ target, key, fields, coerce: true, source: { row: line, ...(options.file ? { file: options.file } : {}) } });
  }
  if (errors.length > 0 && !options.collectErrors) {
    const first = errors[0]!;
    throw new ValidationError(
      errors.length === 1 ? first.message : `${errors.length} bad rows:\n${errors.map((e) => `  ${e.message}`).join("\n")}`,
      {
        field: first.field,
        vendor: "powertrack",
      },
    );
  }
  return { edits, errors };
}

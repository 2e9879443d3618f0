import { z } from "zod";
import { ValidationError } from "../../core/errors/index.js";

/**
 * The optimiser's input, the JSON contract of `openpower optimize --input FILE`. Units are the
 * model's: power W, energy kWh, prices c/kWh, SOC a fraction 0..1.
 */
const finite = z.number().refine(Number.isFinite, "must be a finite number");
const nonNegative = finite.refine((v) => v >= 0, "must be 0 or more");
const fraction = finite.refine((v) => v >= 0 && v <= 1, "must be a fraction between 0 and 1");
const efficiency = finite.refine((v) => v > 0 && v <= 1, "must be above 0 and at most 1");

const intervalSchema = z.object({
  start: z.string().refine((s) => ISO_WITH_ZONE.test(s) && Number.isFinite(Date.parse(s)), "must be an ISO 8601 time with a zone"),
  minutes: finite.refine((v) => v > 0 && v <= 24 * 60, "must be above 0 and at most 1440"),
  importCentsPerKwh: finite,
  exportCentsPerKwh: finite,
  loadW: nonNegative,
  pvW: nonNegative,
});

const batterySchema = z.object({
  capacityKwh: nonNegative,
  soc: fraction,
  minSoc: fraction,
  maxSoc: fraction,
  maxChargeW: nonNegative,
  maxDischargeW: nonNegative,
  chargeEfficiency: efficiency,
  dischargeEfficiency: efficiency,
  cycleCostCentsPerKwh: nonNegative,
});

export const optimizeInputSchema = z.object({
  intervals: z.array(intervalSchema).min(1, "needs at least one interval"),
  battery: batterySchema,
  grid: z.object({ maxImportW: nonNegative, maxExportW: nonNegative }),
  endValueCentsPerKwh: finite,
});

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export type OptimizeInterval = z.infer<typeof intervalSchema>;
export type BatteryParameters = z.infer<typeof batterySchema>;
export type OptimizeInput = z.infer<typeof optimizeInputSchema>;

/** Validates the input; the error names the first field at fault ("intervals[3].loadW"). */
export function parseOptimizeInput(input: unknown): OptimizeInput {
  const result = optimizeInputSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = fieldName(issue.path);
    throw new ValidationError(`Optimiser input: ${field || "input"} ${issue.message}.`, { field });
  }
  const value = result.data;
  const { battery } = value;
  if (battery.minSoc > battery.maxSoc)
    throw new ValidationError(`Optimiser input: battery.minSoc (${battery.minSoc}) is above battery.maxSoc (${battery.maxSoc}).`, {
      field: "battery.minSoc",
    });
  for (let i = 1; i < value.intervals.length; i++) {
    const previous = value.intervals[i - 1]!;
    const expected = Date.parse(previous.start) + previous.minutes * 60_000;
    const actual = Date.parse(value.intervals[i]!.start);
    if (actual !== expected) {
      const what = actual > expected ? "a gap" : "an overlap";
      throw new ValidationError(
        `Optimiser input: intervals[${i}].start leaves ${what} of ${Math.abs(actual - expected) / 60_000} min after intervals[${i - 1}] (expected ${new Date(expected).toISOString()}).`,
        { field: `intervals[${i}].start` },
      );
    }
  }
  return value;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

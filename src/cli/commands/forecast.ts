import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AccuracyRow } from "../../automation/forecast/accuracy.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output/output.js";

export interface ForecastAccuracyOptions {
  system?: string;
  days: number;
  db?: string;
  storageUrl?: string;
}

const DAY_MS = 86_400_000;

/**
 * `openpower forecast accuracy`: MAE and bias of the forecasts the service stored (load, PV by
 * source, Amber prices) against what happened, by horizon. Reads the service's database; never
 * connects to a vendor.
 */
export async function accuracy(ctx: CommandContext, opts: ForecastAccuracyOptions): Promise<number> {
  const url = opts.storageUrl ?? ctx.io.env.OPENPOWER_STORAGE_URL;
  const { openStorage, isPostgresUrl } = await import("../../service/storage/open.js");
  const file = opts.db ?? join(ctx.paths.dataDir, "openpower.db");
  if (!isPostgresUrl(url) && !existsSync(file))
    throw new UsageError(`No service database at ${file}: run "openpower serve" (it stores forecasts as it plans) or name one with --db.`, {
      field: "--db",
    });
  const { forecastAccuracy } = await import("../../service/forecast-accuracy.js");
  const storage = await openStorage({ url: isPostgresUrl(url) ? url : undefined, file });
  try {
    // The window ends at the newest sample (a demo database runs on an accelerated clock, ahead of this machine's).
    const seen = (await storage.listSystems()).map((s) => s.lastSeen ?? 0);
    const to = Math.max(Date.now(), ...seen) + 1;
    const report = await forecastAccuracy(storage, { from: to - opts.days * DAY_MS, to, system: opts.system });
    if (ctx.out.isJson) {
      ctx.out.json({ from: new Date(report.from).toISOString(), to: new Date(report.to).toISOString(), rows: report.rows });
      return 0;
    }
    if (report.rows.length === 0) {
      ctx.out.note(
        `No stored forecast has ended with data to compare in the last ${opts.days} days${opts.system ? ` for ${opts.system}` : ""}.`,
      );
      return 0;
    }
    const unit = (r: AccuracyRow) => (r.quantity.startsWith("price") ? "c/kWh" : "W");
    const num = (v: number, r: AccuracyRow) => (unit(r) === "W" ? v.toFixed(0) : v.toFixed(2));
    const columns: Column<AccuracyRow>[] = [
      { header: "forecast", key: "quantity", value: (r) => r.quantity },
      { header: "source", key: "source", value: (r) => r.source },
      { header: "horizon", key: "horizon", value: (r) => r.horizon },
      { header: "n", key: "n", value: (r) => r.n, align: "right" },
      { header: "MAE", key: "mae", value: (r) => r.mae, show: (r) => `${num(r.mae, r)} ${unit(r)}`, align: "right" },
      {
        header: "bias",
        key: "bias",
        value: (r) => r.bias,
        show: (r) => `${r.bias >= 0 ? "+" : ""}${num(r.bias, r)} ${unit(r)}`,
        align: "right",
      },
      {
        header: "mean actual",
        key: "meanActual",
        value: (r) => r.meanActual,
        show: (r) => `${num(r.meanActual, r)} ${unit(r)}`,
        align: "right",
        drop: 1,
      },
    ];
    ctx.out.table(columns, report.rows, {
      title: `Forecast accuracy, ${new Date(report.from).toISOString().slice(0, 16)}Z – ${new Date(report.to).toISOString().slice(0, 16)}Z (bias + = forecast too high)`,
    });
    return 0;
  } finally {
    await storage.close();
  }
}

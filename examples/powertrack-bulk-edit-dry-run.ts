/**
 * A bulk edit from CSV, as a dry run: read the CSV, plan (read every object, type each value by
 * its field, refuse typos and bad rows), print the exact per-field diff, and send nothing.
 * Pass --apply to write (originals are backed up first to ./tmp/powertrack-backups; at most
 * --limit=N writes sent, and running it again writes the next N), then restore with
 * DirectoryBackupStore.load + restoreFromBackups (several runs at once are fine).
 *
 * Real account: COOKIE + AE_S (or POWERTRACK_FETCH_FILE) and POWERTRACK_CSV (a file). Otherwise a
 * CSV is made up for the simulator.
 *
 *   npx tsx examples/powertrack-bulk-edit-dry-run.ts [--apply] [--limit=N]
 */
import { readFileSync } from "node:fs";
import {
  applyBulkPlan,
  DirectoryBackupStore,
  formatApplyReport,
  formatPlan,
  parseEditsCsv,
  planBulkEdits,
  PowerTrackClient,
} from "openpower/powertrack";
import { startPowerTrackSimulator } from "openpower/sim";

const apply = process.argv.includes("--apply");
const limit = Number(process.argv.find((a) => a.startsWith("--limit="))?.slice(8) ?? 0);
const real = Boolean(process.env.COOKIE || process.env.POWERTRACK_FETCH_FILE);
const sim = real ? null : await startPowerTrackSimulator({ sites: 6, seed: 12 });
const client = sim
  ? new PowerTrackClient({ auth: { ...sim.credentials, baseUrl: sim.url, env: {}, cookieFile: false, envFile: false } })
  : new PowerTrackClient();

let csv: string;
if (sim) {
  // Rename inverters on two sites, fix a serial number, move a site, and two mistakes to show how they are reported.
  const [a, b] = [sim.state.portfolio.site(1)!, sim.state.portfolio.site(2)!];
  const inverters = [...a.hardware, ...b.hardware].filter((h) => h.functionCode === 1).slice(0, 3);
  csv = [
    "key,description,serialNum,capacityKw,location.latitude",
    ...inverters.map((h, i) => `${h.key},Inverter ${String.fromCharCode(65 + i)}-${h.instance + 1},,,`),
    `${a.hardware.find((h) => h.functionCode === 2)!.key},,SN-PM-0042,,`,
    `${a.key},,,,${(a.location.latitude + 0.001).toFixed(4)}`,
    `${b.hardware[0]!.key},,,lots,`,
    `${b.key},,,250,`,
  ].join("\n");
} else {
  if (!process.env.POWERTRACK_CSV) throw new Error("Set POWERTRACK_CSV to the CSV file of edits.");
  csv = readFileSync(process.env.POWERTRACK_CSV, "utf8");
}

try {
  const { edits, errors } = parseEditsCsv(csv, { collectErrors: true, file: process.env.POWERTRACK_CSV ?? "edits.csv" });
  for (const e of errors) console.log(`CSV problem: ${e.message}`);
  const plan = await planBulkEdits(client, edits, { onProgress: (p) => p.done === p.total && console.log(`planned ${p.total} objects`) });
  console.log(formatPlan(plan));

  const report = await applyBulkPlan(
    client,
    plan,
    apply ? { limit, backup: new DirectoryBackupStore("tmp/powertrack-backups") } : { dryRun: true },
  );
  console.log(`\n${apply ? "Applied" : "Dry run (pass --apply to write)"}:`);
  console.log(formatApplyReport(report));
  if (sim && !apply) console.log(`Writes received by the simulator: ${sim.state.writes.length}`);
  if (apply && report.backups.length) console.log(`Originals saved: ${report.backups.join(", ")}`);
} finally {
  client.close();
  await sim?.close();
}

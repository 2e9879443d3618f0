import type { ControlResult, GoodWeInverter, OperationMode, SemsClient } from "../../../goodwe/index.js";
import type { EnergySystem } from "../../../model/types.js";
import { VENDOR_SETTINGS } from "../../config/vendor-settings.js";
import { performWrite, writeResult } from "../../commands/write-flow.js";
import type { CommandHost } from "../../host.js";
import { UsageError } from "../../errors.js";
import { memo, optionalNumber, optionalString, required } from "../common.js";
import type { VendorPlugin, VendorSession } from "../types.js";

export const SETTINGS = VENDOR_SETTINGS.goodwe;

/** What the GoodWe command group works with: the local inverter and/or the SEMS account. */
export interface GoodWeClients {
  inverter: GoodWeInverter | null;
  sems: SemsClient | null;
  semsStation(): Promise<string>;
  /** goodwe.semsStation as configured (undefined: the account's own station). */
  readonly configuredStation: string | undefined;
}

export async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<VendorSession> {
  const host = optionalString(section, "host");
  const email = optionalString(section, "semsEmail");
  const goodwe = await import("../../../goodwe/index.js");
  const timeZone = optionalString(section, "timeZone");
  let inverter: GoodWeInverter | null = null;
  let sems: SemsClient | null = null;
  const systems: EnergySystem[] = [];
  if (host) {
    inverter = await goodwe.GoodWeInverter.connect({
      host,
      port: optionalNumber(section, "port"),
      transport: optionalString(section, "protocol") as "udp" | "tcp" | undefined,
      family: optionalString(section, "family") as "ET" | "DT" | "ES" | undefined,
      timeZone,
      timeoutMs: optionalNumber(section, "timeoutMs"),
      clock: options.clock,
      logger: options.logger,
    });
    systems.push(new goodwe.GoodWeSystem(inverter));
  }
  if (email) {
    const password = required(section, SETTINGS, "goodwe", "semsPassword", "It is the password of https://www.semsportal.com.");
    // experimentalControl: only `openpower goodwe sems-remote-control` uses it, a command that is
    // documented as experimental and asks before it sends.
    sems = new goodwe.SemsClient({
      email,
      password,
      loginUrl: optionalString(section, "semsLoginUrl"),
      clock: options.clock,
      logger: options.logger,
      timeoutMs: options.timeoutMs,
      experimentalControl: true,
    });
  }
  const configuredStation = optionalString(section, "semsStation");
  const station = memo(async () => configuredStation ?? (await sems!.getPowerStationIdByOwner()));
  const semsStation = () => {
    if (!sems)
      throw new UsageError("SEMS is not configured: set OPENPOWER_SEMS_EMAIL and OPENPOWER_SEMS_PASSWORD.", { field: "semsEmail" });
    return station();
  };
  const all = memo(async (): Promise<EnergySystem[]> =>
    sems ? [...systems, sems.forStation(await semsStation(), { timeZone })] : systems,
  );
  const clients: GoodWeClients = { inverter, sems, semsStation, configuredStation };
  const clock = options.clock;
  return {
    vendor: "goodwe",
    client: clients,
    timeZone: inverter?.timeZone ?? timeZone,
    now: () => clock?.now() ?? Date.now(),
    systems: all,
    refreshIntervalMs(count) {
      // A local poll is a few UDP round trips; SEMS refreshes its data every 5 minutes and
      // throttles accounts (GY0429), so once a minute is plenty.
      return sems ? Math.max(60_000, count * 5_000) : Math.max(5_000, count * 2_000);
    },
    // Each source at its own pace: the inverter on the LAN every 5 s, the SEMS station once a minute.
    systemRefreshMs: (system) => (systems.includes(system) ? 5_000 : 60_000),
    budgetNote: () => (sems ? "goodwe: local inverter every 5 s, SEMS at most once a minute" : "goodwe: local inverter"),
    async close() {
      sems?.logout();
      await inverter?.close();
    },
  };
}

export function clients(session: VendorSession): GoodWeClients {
  return session.client as GoodWeClients;
}

export function configuredStation(session: VendorSession): string | undefined {
  return clients(session).configuredStation;
}

export function inverter(session: VendorSession): GoodWeInverter {
  const inv = clients(session).inverter;
  if (!inv) throw new UsageError("This command needs the local inverter: set OPENPOWER_GOODWE_HOST (or [goodwe] host).", { field: "host" });
  return inv;
}

export function sems(session: VendorSession): SemsClient {
  const s = clients(session).sems;
  if (!s) throw new UsageError("This command needs SEMS: set OPENPOWER_SEMS_EMAIL and OPENPOWER_SEMS_PASSWORD.", { field: "semsEmail" });
  return s;
}

export const writeOptions = [
  { flags: "-y, --yes", description: "do not ask for confirmation" },
  { flags: "--dry-run", description: "print the register writes; send nothing" },
  { flags: "--no-verify", description: "do not read back after writing" },
] as const;

/** A register write through the client: confirm, send, audit. */
export function controlWrite(
  ctx: CommandHost,
  session: VendorSession,
  operation: string,
  options: Record<string, unknown>,
  description: string,
  request: unknown,
  send: (opts: { dryRun: boolean; verify: boolean }) => Promise<ControlResult>,
): Promise<ControlResult & { taken?: boolean | null }> {
  const inv = inverter(session);
  return performWrite(ctx, {
    vendor: "goodwe",
    device: inv.deviceInfo?.serialNumber ?? inv.host,
    description: `${description} on GoodWe inverter ${inv.deviceInfo?.serialNumber ?? inv.host}`,
    target: operation,
    request,
    dryRun: options.dryRun === true,
    yes: options.yes === true,
    send: async (dryRun) => {
      const result = await send({ dryRun, verify: options.verify !== false && !dryRun });
      const taken = result.results.some((w) => w.taken === false) ? false : result.results.every((w) => w.taken === true) ? true : null;
      return { ...result, taken: dryRun ? null : taken };
    },
    outcome: (r) =>
      writeResult({
        target: r.operation,
        sent: r.results.some((w) => w.sent) ? true : r.results.every((w) => w.sent === false) ? false : null,
        taken: r.taken ?? null,
        before: r.results.map((w) => w.write.before ?? null),
        after: r.results.map((w) => w.write.after),
        readBack: r.results.map((w) => w.readBack ?? null),
        changes: r.results.map((w) => ({
          field: `${w.write.target} (${w.write.description})`,
          before: w.write.before ?? null,
          after: w.write.after,
        })),
      }),
  });
}

export const OPERATION_MODES: readonly OperationMode[] = [
  "general",
  "offGrid",
  "backup",
  "eco",
  "peakShaving",
  "selfUse",
  "ecoCharge",
  "ecoDischarge",
];

import type { AlphaESS, AlphaEssWriteEndpoint, AlphaEssWrite } from "../../../alphaess/index.js";
import { VENDOR_SETTINGS } from "../../config/vendor-settings.js";
import { assertAuditedCooldown, performWrite, writeResult } from "../../commands/write-flow.js";
import type { CommandHost } from "../../host.js";
import { UsageError } from "../../errors.js";
import { parseDay } from "../../day.js";
import { systemTimeZone } from "../../../core/time/zoned.js";
import { budgetIntervalMs, memo, optionalList, optionalNumber, optionalString, required } from "../common.js";
import type { EvChargerInfo, EvControl, EvWriteOutcome, VendorPlugin, VendorSession } from "../types.js";

export const SETTINGS = VENDOR_SETTINGS.alphaess;

export const HELP = "Get the AppID and AppSecret at https://open.alphaess.com (Developer Information).";
export const DEFAULT_MIN_INTERVAL_MS = 1250;

export interface AlphaSession extends VendorSession {
  readonly client: AlphaESS;
  serials(): Promise<string[]>;
}

export async function connect(
  section: Parameters<VendorPlugin["connect"]>[0],
  options: Parameters<VendorPlugin["connect"]>[1],
): Promise<AlphaSession> {
  const appId = required(section, SETTINGS, "alphaess", "appId", HELP);
  const appSecret = required(section, SETTINGS, "alphaess", "appSecret", HELP);
  const minIntervalMs = optionalNumber(section, "minIntervalMs");
  const writeCooldownMs = optionalNumber(section, "writeCooldownMs");
  const { AlphaESS } = await import("../../../alphaess/index.js");
  const client = new AlphaESS({
    appId,
    appSecret,
    timeZone: optionalString(section, "timeZone"),
    baseUrl: optionalString(section, "baseUrl"),
    clock: options.clock,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(minIntervalMs === undefined ? {} : { pacing: { minIntervalMs } }),
    ...(writeCooldownMs === undefined ? {} : { writeCooldownMs }),
  });
  const configured = optionalList(section, "serial");
  const serials = memo(async () => (configured.length > 0 ? configured : (await client.listSystems()).map((s) => s.serialNumber)));
  const systems = memo(async () => (await serials()).map((sn) => client.system(sn)));
  const interval = minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  // Chargers do not move between systems: list each system's chargers once per session, so that
  // `ev start` (status check, then the write) does not list them again for every step.
  const chargerLists = new Map<string, () => ReturnType<AlphaESS["getEvChargerList"]>>();
  const chargersOf = (sn: string) => {
    let list = chargerLists.get(sn);
    if (!list) chargerLists.set(sn, (list = memo(() => client.getEvChargerList({ serialNumber: sn }))));
    return list();
  };

  async function systemOf(chargerSn: string): Promise<string> {
    for (const sn of await serials()) {
      if ((await chargersOf(sn)).some((c) => c.serialNumber === chargerSn)) return sn;
    }
    const { NotFoundError } = await import("../../../core/errors/index.js");
    throw new NotFoundError(`No AlphaESS system of this AppID has an EV charger ${chargerSn}. "openpower ev list" shows the chargers.`, {
      vendor: "alphaess",
    });
  }

  const ev: EvControl = {
    async list() {
      const out: EvChargerInfo[] = [];
      for (const sn of await serials()) {
        const chargers = await chargersOf(sn);
        if (chargers.length === 0) continue;
        const currents = await client.getEvChargerCurrentDrawSettings({ serialNumber: sn });
        for (const charger of chargers) {
          const status = await client.getEvChargerStatus(charger.serialNumber, { serialNumber: sn });
          out.push({
            vendor: "alphaess",
            id: charger.serialNumber,
            system: sn,
            model: charger.model,
            status: status.state,
            currentLimitA: currents.currentLimitA,
            raw: { charger: charger.raw, status: status.raw },
          });
        }
      }
      return out;
    },
    async status(id) {
      const sn = await systemOf(id);
      const status = await client.getEvChargerStatus(id, { serialNumber: sn });
      const currents = await client.getEvChargerCurrentDrawSettings({ serialNumber: sn });
      const model = (await chargersOf(sn)).find((c) => c.serialNumber === id)?.model ?? null;
      return {
        vendor: "alphaess",
        id,
        system: sn,
        model,
        status: status.state,
        currentLimitA: currents.currentLimitA,
        raw: { status: status.raw, currents: currents.raw },
      };
    },
    async start(id, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.controlEvCharger(id, true, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    async stop(id, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.controlEvCharger(id, false, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    async limit(id, amps, { dryRun }) {
      const sn = await systemOf(id);
      return evOutcome(await client.setEvChargerCurrentDrawSettings(amps, { serialNumber: sn, dryRun, verify: !dryRun }));
    },
    // The client's cool-down is per system and endpoint (the current limit is the system's).
    writeTarget: async (id, action) => ({
      device: await systemOf(id),
      endpoint: action === "limit" ? "setEvChargerCurrentsBySn" : "remoteControlEvCharger",
    }),
  };

  return {
    vendor: "alphaess",
    client,
    timeZone: client.timeZone,
    now: () => client.clock.now(),
    serials,
    systems,
    refreshIntervalMs(count) {
      // One getLastPowerData per system per refresh; the endpoint is paced account-wide.
      const paced = count * interval;
      const state = client.rateLimitState();
      return Math.max(10_000, paced, budgetIntervalMs(state.account, count, client.clock.now()));
    },
    writeCooldownMs: (endpoint) => client.writeCooldownMs(endpoint.replace(/^[A-Z]+\s+/, "") as AlphaEssWriteEndpoint),
    budgetNote() {
      const s = client.rateLimitState().account;
      return `alphaess: ${interval} ms between calls to one endpoint${s.limit ? `, ${s.remaining ?? "?"}/${s.limit} left` : ""}`;
    },
    ev,
    async close() {},
  };
}

export function evOutcome(result: AlphaEssWrite<unknown>): EvWriteOutcome {
  return writeResult({
    target: result.detail.endpoint,
    sent: result.sent,
    taken: result.taken,
    before: result.detail.before,
    after: result.detail.requested,
    readBack: result.readBack,
  });
}

// -------------------------------------------------------------------------------- command group

export const serialOption = {
  flags: "--serial <sn>",
  description: "system serial number (default: the only configured or bound system)",
} as const;
export const writeOptions = [
  { flags: "-y, --yes", description: "do not ask for confirmation" },
  { flags: "--dry-run", description: "validate and print the payload; send nothing" },
  { flags: "--no-verify", description: "do not read back after writing" },
] as const;

export async function serialFor(session: VendorSession, options: Record<string, unknown>): Promise<string> {
  if (typeof options.serial === "string") return options.serial;
  const serials = await (session as AlphaSession).serials();
  if (serials.length === 1) return serials[0]!;
  if (serials.length === 0)
    throw new UsageError("No AlphaESS system is bound to this AppID: bind one (bind-system) or pass --serial.", { field: "--serial" });
  throw new UsageError(`Several AlphaESS systems (${serials.join(", ")}): pass --serial <sn>.`, { field: "--serial" });
}

/** A date argument: YYYY-MM-DD, today or yesterday in the systems' zone. */
export function day(session: VendorSession, text: string): string {
  return parseDay(text, "<date>", session.timeZone ?? systemTimeZone(), session.now());
}

export function client(session: VendorSession): AlphaESS {
  return session.client as AlphaESS;
}

/** A write through the client: confirm, send (dry-run and verify as asked), audit. */
export async function write<T>(
  ctx: CommandHost,
  session: VendorSession,
  endpoint: AlphaEssWriteEndpoint,
  sn: string,
  options: Record<string, unknown>,
  description: string,
  request: unknown,
  send: (opts: { serialNumber: string; dryRun: boolean; verify: boolean }) => Promise<AlphaEssWrite<T>>,
): Promise<AlphaEssWrite<T>> {
  // Before the preview and the question: an earlier run's write is only known from the audit log.
  if (options.dryRun !== true)
    assertAuditedCooldown(ctx, { vendor: "alphaess", device: sn, endpoint, cooldownMs: client(session).writeCooldownMs(endpoint) });
  return performWrite(ctx, {
    vendor: "alphaess",
    device: sn,
    description: `${description} on AlphaESS system ${sn}`,
    target: endpoint,
    request,
    dryRun: options.dryRun === true,
    yes: options.yes === true,
    send: (dryRun) => send({ serialNumber: sn, dryRun, verify: options.verify !== false && !dryRun }),
    outcome: (r) =>
      writeResult({
        target: r.detail.endpoint,
        sent: r.sent,
        taken: r.taken,
        before: r.detail.before,
        after: r.detail.requested,
        readBack: r.readBack,
      }),
  });
}

/** A write without dry-run or read-back support in the client (binding): confirm, send, audit. */
export async function plainWrite<T>(
  ctx: CommandHost,
  sn: string,
  options: Record<string, unknown>,
  description: string,
  target: string,
  send: () => Promise<T>,
): Promise<T | { dryRun: true; wouldCall: string; serialNumber: string }> {
  if (options.dryRun === true) return { dryRun: true, wouldCall: target, serialNumber: sn };
  return performWrite(ctx, {
    vendor: "alphaess",
    device: sn,
    description: `${description} for AlphaESS system ${sn}`,
    target,
    request: { target },
    dryRun: false,
    yes: options.yes === true,
    // The client has no dry run for binding: the question shows what is asked, not a diff.
    preview: false,
    send: () => send(),
    outcome: (r) => writeResult({ target, sent: true, taken: null, before: null, after: null, readBack: r }),
  });
}

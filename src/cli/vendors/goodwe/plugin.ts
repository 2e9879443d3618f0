import type { VendorPlugin } from "../types.js";
import type { SemsClient } from "../../../goodwe/index.js";
import { clients, configuredStation, connect, SETTINGS } from "./session.js";
import { COMMANDS } from "./commands.js";

export const plugin: VendorPlugin = {
  name: "goodwe",
  title: "GoodWe",
  settings: SETTINGS,
  provides: { systems: true, batterySchedule: true, ev: false, prices: false },
  isConfigured: (section) => section !== undefined && (section.host !== undefined || section.semsEmail !== undefined),
  connect,
  async check(session) {
    const { inverter: inv, sems: cloud } = clients(session);
    const parts: string[] = [];
    if (inv) {
      const info = await inv.readDeviceInfo();
      parts.push(
        `inverter ${info.modelName ?? "?"} serial ${info.serialNumber ?? "?"} (${inv.family}) answers on ${inv.host}:${inv.port}/${inv.transport}`,
      );
    }
    if (cloud) parts.push(`SEMS login accepted; station ${await checkStation(cloud, configuredStation(session))}`);
    return parts.join("; ");
  },
  async startSimulator(options) {
    const { startGoodWeSimulator, startSemsSimulator } = await import("../../../sim/goodwe/index.js");
    const clock = options.clock;
    const inverter = await startGoodWeSimulator({ clock, profile: "ET", udpPort: options.port ?? 0, tcpPort: null, discoveryPort: null });
    let cloud: Awaited<ReturnType<typeof startSemsSimulator>>;
    try {
      cloud = await startSemsSimulator({ clock, seed: options.seed, ...(options.port ? { port: options.port + 100 } : {}) });
    } catch (error) {
      await inverter.close();
      throw error;
    }
    return {
      vendor: "goodwe",
      section: {
        host: inverter.host,
        port: inverter.udpPort,
        protocol: "udp",
        family: "ET",
        timeZone: "Australia/Sydney",
        semsEmail: cloud.account.email,
        semsPassword: cloud.account.password,
        semsLoginUrl: cloud.loginUrl,
      },
      info: `GoodWe ET inverter on ${inverter.host}:${inverter.udpPort}/udp; SEMS portal on ${cloud.url} (station ${cloud.powerStationId})`,
      handle: { inverter, sems: cloud },
      close: async () => {
        await Promise.allSettled([inverter.close(), cloud.close()]);
      },
    };
  },
  commands: () => COMMANDS,
};

/**
 * The station to use: the account's own when none is configured; a configured one must be a
 * station this account can read (SEMS answers an unknown id with "parameter error").
 */
async function checkStation(sems: SemsClient, configured: string | undefined): Promise<string> {
  const own = await sems.getPowerStationIdByOwner();
  if (configured === undefined || configured === own) return own;
  const { ApiError, NotFoundError, ValidationError } = await import("../../../core/errors/index.js");
  try {
    await sems.getMonitorDetailByPowerstationId(configured);
    return configured;
  } catch (error) {
    const refused = error instanceof ValidationError || (error instanceof ApiError && (error.code === "100001" || error.code === "100004"));
    if (!refused) throw error;
    throw new NotFoundError(
      `goodwe.semsStation ${configured} is not a station of this SEMS account (its own station is ${own}). Fix goodwe.semsStation, or leave it empty for the account's own station.`,
      { vendor: "goodwe-sems" },
    );
  }
}

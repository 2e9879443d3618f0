import type { VendorCommand, VendorPlugin } from "../types.js";

import { client, connect, SETTINGS, type PowerTrackSession } from "./session.js";
import { READ_COMMANDS } from "./read-commands.js";
import { WRITE_COMMANDS } from "./write-commands.js";

const COMMANDS: readonly VendorCommand[] = [...READ_COMMANDS, ...WRITE_COMMANDS];

export const plugin: VendorPlugin = {
  name: "powertrack",
  title: "AlsoEnergy PowerTrack",
  settings: SETTINGS,
  provides: { systems: true, batterySchedule: false, ev: false, prices: false },
  isConfigured: (section) =>
    section !== undefined && (section.cookie !== undefined || section.aeS !== undefined || section.fetchFile !== undefined),
  connect,
  async check(session) {
    const prefs = await client(session).getUserPreferences();
    const name = (prefs as { userName?: unknown; name?: unknown }).userName ?? (prefs as { name?: unknown }).name;
    const user = `session accepted${typeof name === "string" && name ? ` (user ${name})` : ""}`;
    const sites = (session as PowerTrackSession).sites;
    if (sites.length === 0) return user;
    // Every configured site must exist and be readable with this session: read its view one by one
    // (a handful of keys; no need to burst).
    const { NotFoundError, PermissionError } = await import("../../../core/errors/index.js");
    const unreadable: string[] = [];
    const names: string[] = [];
    for (const key of sites) {
      try {
        const info = await client(session).getSiteDetailedInfo(key);
        names.push(info.name ? `${key} ${info.name}` : key);
      } catch (error) {
        if (!(error instanceof NotFoundError || error instanceof PermissionError)) throw error;
        unreadable.push(key);
      }
    }
    if (unreadable.length > 0)
      throw new NotFoundError(
        `powertrack.sites ${unreadable.join(", ")} ${unreadable.length === 1 ? "is" : "are"} not readable by this account (no such site, or no access to it). Fix powertrack.sites; "openpower powertrack portfolio <customer>" lists the account's sites.`,
        { vendor: "powertrack" },
      );
    return `${user}; ${sites.length} site${sites.length === 1 ? "" : "s"} readable: ${names.join(", ")}`;
  },
  async startSimulator(options) {
    const { startPowerTrackSimulator } = await import("../../../sim/powertrack/index.js");
    const sim = await startPowerTrackSimulator({ clock: options.clock, seed: options.seed, port: options.port, sites: 12 });
    return {
      vendor: "powertrack",
      section: {
        cookie: sim.credentials.cookie,
        aeS: sim.credentials.aeS,
        aeV: sim.credentials.aeV,
        baseUrl: sim.url,
        sites: sim.sites.slice(0, 2),
        customer: sim.customers[0]!,
      },
      info: `PowerTrack on ${sim.url}: customer ${sim.customers[0]}, ${sim.sites.length} sites`,
      handle: sim,
      close: () => sim.close(),
    };
  },
  commands: () => COMMANDS,
};

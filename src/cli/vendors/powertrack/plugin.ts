import type { VendorCommand, VendorPlugin } from "../types.js";

import { client, connect, SETTINGS } from "./session.js";
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
    return `session accepted${typeof name === "string" && name ? ` (user ${name})` : ""}`;
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

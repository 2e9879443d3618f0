import type { AlphaESS } from "../../../alphaess/index.js";
import type { VendorPlugin } from "../types.js";
import { connect, SETTINGS, type AlphaSession } from "./session.js";
import { COMMANDS } from "./commands.js";

export const plugin: VendorPlugin = {
  name: "alphaess",
  title: "AlphaESS",
  settings: SETTINGS,
  provides: { systems: true, batterySchedule: true, ev: true, prices: false },
  isConfigured: (section) => section !== undefined && (section.appId !== undefined || section.appSecret !== undefined),
  connect,
  async check(session) {
    const systems = await (session.client as AlphaESS).listSystems();
    // Every configured serial must be one of the AppID's systems (the default is all of them).
    const bound = new Set(systems.map((s) => s.serialNumber));
    const missing = (await (session as AlphaSession).serials()).filter((sn) => !bound.has(sn));
    if (missing.length > 0) {
      const { NotFoundError } = await import("../../../core/errors/index.js");
      throw new NotFoundError(
        `alphaess.serial ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not bound to this AppID (bound: ${[...bound].join(", ") || "none"}). Fix alphaess.serial, or bind the system with "openpower alphaess bind-system".`,
        { vendor: "alphaess" },
      );
    }
    return systems.length === 0
      ? "credentials accepted; no system is bound to this AppID yet (bind one with openpower alphaess bind-system)"
      : `credentials accepted; ${systems.length} system${systems.length === 1 ? "" : "s"}: ${systems.map((s) => s.serialNumber).join(", ")}`;
  },
  async startSimulator(options) {
    const { startAlphaEssSimulator } = await import("../../../sim/alphaess/index.js");
    // A client in another process signs with the wall clock while an accelerated simulator's
    // clock runs ahead: accept any timestamp so `openpower sim` stays usable at any speed.
    const sim = await startAlphaEssSimulator({
      clock: options.clock,
      seed: options.seed,
      port: options.port,
      signatureWindowS: 10 * 365 * 86_400,
      limits: "none", // the CLI paces at 1.25 s per endpoint: a demo is not held to live's 10 s
    });
    return {
      vendor: "alphaess",
      section: { appId: sim.credentials.appId, appSecret: sim.credentials.appSecret, baseUrl: sim.url, timeZone: "Australia/Sydney" },
      info: `AlphaESS Open API on ${sim.url}: systems ${sim.systems.join(", ")}`,
      close: () => sim.close(),
      handle: sim,
    };
  },
  commands: () => COMMANDS,
};

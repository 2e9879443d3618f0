import type { Vendor } from "../../model/types.js";
import type { VendorPlugin } from "./types.js";

export const VENDORS: readonly Vendor[] = ["alphaess", "amber", "goodwe", "powertrack"];

/** Each vendor's CLI glue, loaded only when a command needs it (so `--help` stays fast). */
const LOADERS: Record<Vendor, () => Promise<{ plugin: VendorPlugin }>> = {
  alphaess: () => import("./alphaess/plugin.js"),
  amber: () => import("./amber.js"),
  goodwe: () => import("./goodwe/plugin.js"),
  powertrack: () => import("./powertrack/plugin.js"),
};

export function isVendor(name: string): name is Vendor {
  return (VENDORS as readonly string[]).includes(name);
}

export async function loadPlugin(name: Vendor): Promise<VendorPlugin> {
  return (await LOADERS[name]()).plugin;
}

export async function loadPlugins(): Promise<VendorPlugin[]> {
  return Promise.all(VENDORS.map((name) => loadPlugin(name)));
}

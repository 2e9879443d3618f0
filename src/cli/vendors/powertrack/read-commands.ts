import { intArg } from "../common.js";
import type { VendorCommand } from "../types.js";

import { client, customerOf } from "./session.js";

/** The read commands of `openpower powertrack`: one client method each, JSON out. */
export const READ_COMMANDS: readonly VendorCommand[] = [
  {
    name: "portfolio",
    method: "getPortfolioOverview",
    description: "every site's live metrics for a customer, with portfolio totals (kW, kWh)",
    tabular: true,
    args: [{ name: "customer", description: "customer key, e.g. C1234 (default: [powertrack] customer)", optional: true }],
    examples: ["openpower powertrack portfolio C1234 --csv > portfolio.csv"],
    run: (s, a) => client(s).getPortfolioOverview(customerOf(s, a[0])),
  },
  {
    name: "site-overview",
    method: "getSiteOverview",
    description: "one site's portfolio row",
    args: [{ name: "site", description: "site key, e.g. S12345" }],
    run: (s, a) => client(s).getSiteOverview(a[0]!),
  },
  {
    name: "site-info",
    method: "getSiteDetailedInfo",
    description: "address, capacities, contracts",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteDetailedInfo(a[0]!),
  },
  {
    name: "site-config",
    method: "getSiteConfig",
    description: "the editable site configuration",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteConfig(a[0]!),
  },
  {
    name: "site-hardware",
    method: "getSiteHardware",
    description: "the editable hardware list of a site (raw)",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteHardware(a[0]!),
  },
  {
    name: "sites",
    method: "getSites",
    description: "a site list: from a customer's portfolio or a SiteList JSON file",
    tabular: true,
    options: [
      { flags: "--customer <key>", description: "customer key (default: [powertrack] customer)" },
      { flags: "--file <path>", description: "a SiteList.json" },
    ],
    run: async (s, _a, o) =>
      (
        await client(s).getSites(
          typeof o.file === "string" ? { file: o.file } : { customerId: customerOf(s, o.customer as string | undefined) },
        )
      ).toJSON(),
  },
  {
    name: "site-links",
    method: "getSiteLinks",
    description: "dashboards and external links of a site",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteLinks(a[0]!),
  },
  {
    name: "site-shares",
    method: "getSiteShares",
    description: "customers a site is shared with",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteShares(a[0]!),
  },
  {
    name: "chart",
    method: "getChartData",
    description: "a site chart for local days (255 overview, 1 energy/losses KPI)",
    args: [
      { name: "chartType", description: "e.g. 255" },
      { name: "site", description: "site key" },
    ],
    options: [
      { flags: "--start <date>", description: "first local day YYYY-MM-DD (default end − 7 days)" },
      { flags: "--end <date>", description: "last local day (default today)" },
      { flags: "--bin-size <minutes>", description: "15, 60, 1440 ..." },
      { flags: "--time-zone <zone>", description: "the site's IANA zone (default UTC)" },
    ],
    run: (s, a, o) =>
      client(s).getChartData(intArg(a[0], "chartType", 0), a[1]!, {
        startDate: o.start as string | undefined,
        endDate: o.end as string | undefined,
        binSize: o.binSize === undefined ? undefined : intArg(o.binSize, "--bin-size", 1),
        timeZone: o.timeZone as string | undefined,
      }),
  },
  {
    name: "chart-definitions",
    method: "getChartDefinitions",
    description: "the predefined charts",
    tabular: true,
    run: (s) => client(s).getChartDefinitions(),
  },
  {
    name: "site-production",
    method: "getSiteHardwareProduction",
    description: "live production of every device of a site",
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getSiteHardwareProduction(a[0]!),
  },
  {
    name: "hardware-list",
    method: "getHardwareList",
    description: "a site's devices with their live registers",
    tabular: true,
    args: [{ name: "site", description: "site key" }],
    run: (s, a) => client(s).getHardwareList(a[0]!),
  },
  {
    name: "hardware-details",
    method: "getHardwareDetails",
    description: "one device's configuration",
    args: [{ name: "hardware", description: "hardware key, e.g. H12345" }],
    run: (s, a) => client(s).getHardwareDetails(a[0]!),
  },
  {
    name: "hardware-diagnostics",
    method: "getHardwareDiagnostics",
    description: "one device's status and registers",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getHardwareDiagnostics(a[0]!),
  },
  {
    name: "driver-settings",
    method: "getDriverSettings",
    description: "one device's driver settings",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getDriverSettings(a[0]!),
  },
  {
    name: "driver-settings-list",
    method: "getDriverSettingsList",
    description: "a driver settings list",
    args: [{ name: "listId", description: "list id" }],
    run: (s, a) => client(s).getDriverSettingsList(a[0]!),
  },
  {
    name: "driver-list",
    method: "getDriverList",
    description: "drivers of a function code (default 2, production meters)",
    tabular: true,
    args: [{ name: "functionCode", description: "function code", optional: true }],
    run: (s, a) => client(s).getDriverList(a[0] === undefined ? undefined : intArg(a[0], "functionCode", 0)),
  },
  {
    name: "register-offsets",
    method: "getRegisterOffsets",
    description: "one device's register offsets",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getRegisterOffsets(a[0]!),
  },
  {
    name: "nodes",
    method: "getNodes",
    description: "the node tree under a key (customer, site, hardware)",
    tabular: true,
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--filter <text>", description: "filter by name" }],
    run: (s, a, o) => client(s).getNodes(a[0]!, { filter: o.filter as string | undefined }),
  },
  {
    name: "alert-triggers",
    method: "getAlertTriggers",
    description: "one device's alert triggers and defaults",
    args: [{ name: "hardware", description: "hardware key" }],
    run: (s, a) => client(s).getAlertTriggers(a[0]!),
  },
  {
    name: "alert-summary",
    method: "getAlertSummary",
    description: "active alerts of a customer, site or device",
    args: [{ name: "key", description: "C…, S… or H… key" }],
    run: (s, a) => {
      const key = a[0]!;
      const scope = key.startsWith("C") ? { customerId: key } : key.startsWith("S") ? { siteId: key } : { hardwareId: key };
      return client(s).getAlertSummary(scope);
    },
  },
  {
    name: "modeling",
    method: "getModelingData",
    description: "the PV model of a site (S) or inverter (H)",
    args: [{ name: "key", description: "S… or H… key" }],
    run: (s, a) => client(s).getModelingData(a[0]!),
  },
  {
    name: "pv-model-curves",
    method: "getPvModelCurves",
    description: "efficiency-curve or incidence-angle models",
    args: [{ name: "type", description: "efficiencycurvemodels | incidenceanglemodels", optional: true }],
    run: (s, a) => client(s).getPvModelCurves((a[0] as "efficiencycurvemodels" | undefined) ?? "efficiencycurvemodels"),
  },
  {
    name: "pvsyst-modules",
    method: "getPvsystModules",
    description: "PVsyst modules of a site or device",
    args: [{ name: "key", description: "S… or H… key" }],
    run: (s, a) => client(s).getPvsystModules(a[0]!.startsWith("H") ? { hardwareId: a[0]! } : { siteId: a[0]! }),
  },
  {
    name: "reporting-capabilities",
    method: "getReportingCapabilities",
    description: "what the account can report",
    run: (s) => client(s).getReportingCapabilities(),
  },
  {
    name: "user-preferences",
    method: "getUserPreferences",
    description: "the signed-in user's preferences",
    run: (s) => client(s).getUserPreferences(),
  },
  {
    name: "audit-log",
    method: "getAuditLog",
    description: "PowerTrack's audit log of an object",
    tabular: true,
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--recursive", description: "include children" }],
    run: (s, a, o) => client(s).getAuditLog(a[0]!, { recursive: o.recursive === true }),
  },
  {
    name: "report-configs",
    method: "getReportConfigs",
    description: "report configurations of an object",
    args: [{ name: "key", description: "C…, S… or H… key" }],
    options: [{ flags: "--filter <text>", description: "filter" }],
    run: (s, a, o) => client(s).getReportConfigs(a[0]!, { filter: o.filter as string | undefined }),
  },
  {
    name: "site-data",
    method: "getSiteData",
    description: "everything about one site: config, hardware, alerts, modeling (parts that fail are listed)",
    args: [{ name: "site", description: "site key" }],
    options: [
      { flags: "--no-hardware", description: "skip hardware details" },
      { flags: "--no-alerts", description: "skip alert triggers" },
      { flags: "--no-modeling", description: "skip modeling" },
    ],
    run: (s, a, o) =>
      client(s).getSiteData(a[0]!, {
        includeHardware: o.hardware !== false,
        includeAlerts: o.alerts !== false,
        includeModeling: o.modeling !== false,
      }),
  },
];

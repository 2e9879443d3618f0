/**
 * Response templates for the PowerTrack simulator, as JSON data in `data/`, derived from the
 * captured responses in `fixtures/powertrack/` (themselves from the scraped documentation of
 * dsd-hamsa/PowerTrack-API, commit 0cdaa62, `documentation/*.md`, and dsd-hamsa/powertrack-sdk; see
 * fixtures/powertrack/INDEX.md for the provenance of each file). Names, keys and addresses that
 * identified real customers were trimmed; the generator overwrites every per-site and per-device
 * member. Imported as JSON modules, so they ship with the package and nothing is read from a path
 * at run time. Callers clone before changing (the imported objects are shared).
 */
import siteConfigTemplate from "./data/site-config-template.json" with { type: "json" };
import viewSiteTemplate from "./data/view-site-template.json" with { type: "json" };
import inverterConfigTemplate from "./data/inverter-config-template.json" with { type: "json" };
import gatewayConfigTemplate from "./data/gateway-config-template.json" with { type: "json" };
import modelingInverterTemplate from "./data/modeling-inverter-template.json" with { type: "json" };
import pvConfigTemplate from "./data/pv-config-template.json" with { type: "json" };
import hardwareStatusTemplate from "./data/hardware-status-template.json" with { type: "json" };
import statusRegistersTemplate from "./data/status-registers-template.json" with { type: "json" };
import triggerTemplates from "./data/trigger-templates.json" with { type: "json" };
import driverSettingsTemplate from "./data/driver-settings-template.json" with { type: "json" };
import registerOffsetsTemplate from "./data/register-offsets-template.json" with { type: "json" };
import pvsystModules from "./data/pvsyst-modules.json" with { type: "json" };
import userPreferencesTemplate from "./data/user-preferences-template.json" with { type: "json" };
import reportingTemplate from "./data/reporting-template.json" with { type: "json" };
import auditLogTemplate from "./data/audit-log-template.json" with { type: "json" };
import efficiencyCurves from "./data/efficiency-curves.json" with { type: "json" };
import incidenceAngleCurves from "./data/incidence-angle-curves.json" with { type: "json" };

export const SITE_CONFIG_TEMPLATE: Record<string, unknown> = siteConfigTemplate;
export const VIEW_SITE_TEMPLATE: Record<string, unknown> = viewSiteTemplate;
export const INVERTER_CONFIG_TEMPLATE: Record<string, unknown> = inverterConfigTemplate;
export const GATEWAY_CONFIG_TEMPLATE: Record<string, unknown> = gatewayConfigTemplate;
export const MODELING_INVERTER_TEMPLATE: Record<string, unknown> = modelingInverterTemplate;
export const PV_CONFIG_TEMPLATE: Record<string, unknown> = pvConfigTemplate;
export const HARDWARE_STATUS_TEMPLATE: Record<string, unknown> = hardwareStatusTemplate;
export const STATUS_REGISTERS_TEMPLATE: Array<Record<string, unknown>> = statusRegistersTemplate;
export const TRIGGER_TEMPLATES: Record<string, Record<string, unknown>> = triggerTemplates;
export const DRIVER_SETTINGS_TEMPLATE: Array<Record<string, unknown>> = driverSettingsTemplate;
export const REGISTER_OFFSETS_TEMPLATE: Array<Record<string, unknown>> = registerOffsetsTemplate;
export const PVSYST_MODULES: Array<{ name: string; value: number }> = pvsystModules;
export const USER_PREFERENCES_TEMPLATE: Record<string, unknown> = userPreferencesTemplate;
export const REPORTING_TEMPLATE: Record<string, unknown> = reportingTemplate;
export const AUDIT_LOG_TEMPLATE: Array<Record<string, unknown>> = auditLogTemplate;
export const EFFICIENCY_CURVES: Array<{ name: string; value: number }> = efficiencyCurves;
export const INCIDENCE_ANGLE_CURVES: Array<{ name: string; value: number }> = incidenceAngleCurves;

import type { SimRequest, SimResponse } from "../kernel.js";
import { SimBodyError } from "../kernel.js";
import { EFFICIENCY_CURVES, INCIDENCE_ANGLE_CURVES, REPORTING_TEMPLATE, DRIVER_SETTINGS_TEMPLATE } from "./templates.js";
import { SimHttpError, type PowerTrackSimState } from "./state.js";

type Route = { method: string; pattern: RegExp; handle: (state: PowerTrackSimState, req: SimRequest, m: RegExpExecArray) => SimResponse };

const json = (body: unknown, status = 200): SimResponse => ({ status, body });
/** ASP.NET Web API's error body. */
const message = (status: number, text: string): SimResponse => ({ status, body: { message: text } });

const C = "(C\\d+)";
const S = "(S\\d+)";
const H = "(H\\d+)";

const routes: Route[] = [
  { method: "GET", pattern: new RegExp(`^/api/view/portfolio/${C}$`), handle: (s, _r, m) => json(s.portfolioView(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/view/site/${S}$`), handle: (s, _r, m) => json(s.siteView(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/edit/site/${S}$`), handle: (s, _r, m) => json(s.siteConfig(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/edit/sitehardware/${S}$`), handle: (s, _r, m) => json(s.siteHardware(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/edit/hardware/${H}$`), handle: (s, _r, m) => json(s.hardwareConfig(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/view/hardwarestatus/${H}$`), handle: (s, _r, m) => json(s.statusView(m[1]!)) },
  {
    method: "GET",
    pattern: new RegExp(`^/api/view/sitehardwareproduction/${S}$`),
    handle: (s, _r, m) => ({
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: s.productionViewJson(m[1]!),
    }),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/alerttrigger/${H}$`),
    handle: (s, _r, m) => {
      const key = m[1]!;
      const triggers = s.triggers(key);
      const { hardware } = s.hardware(key);
      return json({
        assetCode: hardware.functionCode,
        calculatedCapacity: 0,
        capacity: null,
        defaultTriggers: s.defaultTriggers(key),
        key,
        lastChanged:
          triggers
            .map((t) => String(t.lastChanged))
            .sort()
            .at(-1) ?? null,
        triggers,
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/view/activealerts/activesummary/(C\\d+|S\\d+|H\\d+)$`),
    handle: (s, _r, m) => json(s.activeSummary(m[1]!)),
  },
  { method: "GET", pattern: new RegExp(`^/api/edit/modeling/(S\\d+|H\\d+)$`), handle: (s, _r, m) => json(s.modeling(m[1]!)) },
  {
    method: "GET",
    pattern: /^\/api\/view\/pvcurvemodels\/(efficiencycurvemodels|incidenceanglemodels)$/,
    handle: (_s, _r, m) => json(m[1] === "efficiencycurvemodels" ? EFFICIENCY_CURVES : INCIDENCE_ANGLE_CURVES),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/view/pvsystmodules/(S\\d+|H\\d+)$`),
    handle: (s, _r, m) => {
      if (m[1]!.startsWith("S")) s.site(m[1]!);
      else s.hardware(m[1]!);
      return json(s.pvsystModules());
    },
  },
  { method: "GET", pattern: /^\/api\/view\/driversettings\/list\/(\d+)$/, handle: () => json(DRIVER_SETTINGS_TEMPLATE) },
  { method: "GET", pattern: new RegExp(`^/api/view/driversettings/${H}$`), handle: (s, _r, m) => json(s.driverSettings(m[1]!)) },
  {
    method: "GET",
    pattern: /^\/api\/lookuplist\/drivers\/(\d+)$/,
    handle: (_s, _r, m) =>
      json([
        { name: "(Select a driver)", value: 0, isGolden: false, isTest: false, refGolden: 0 },
        { name: `Standard driver for type ${m[1]}`, value: 19000 + Number(m[1]), isGolden: true, isTest: false, refGolden: 0 },
      ]),
  },
  { method: "GET", pattern: new RegExp(`^/api/view/registeroffsets/${H}$`), handle: (s, _r, m) => json(s.registerOffsets(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/view/sitelinks/${S}$`), handle: (s, _r, m) => json(s.siteLinks(m[1]!)) },
  { method: "GET", pattern: new RegExp(`^/api/view/siteshares/${S}$`), handle: (s, _r, m) => json(s.siteShares(m[1]!)) },
  { method: "GET", pattern: /^\/api\/reporting$/, handle: () => json(REPORTING_TEMPLATE) },
  { method: "GET", pattern: /^\/api\/userpreferences$/, handle: (s) => json(s.userPreferences()) },
  {
    method: "GET",
    pattern: /^\/api\/view\/chart\/builtin$/,
    handle: () =>
      json({
        chartMenuSections: [
          {
            name: "Overview",
            predefinedCharts: [
              { chartType: 255, name: "Overview" },
              { chartType: 15, name: "Production" },
            ],
          },
          { name: "KPI", predefinedCharts: [{ chartType: 1, name: "Losses" }] },
        ],
      }),
  },
  { method: "POST", pattern: /^\/api\/view\/chart$/, handle: (s, r) => json(s.chart(objectBody(r))) },
  { method: "POST", pattern: /^\/api\/node$/, handle: (s, r) => json(s.nodes(objectBody(r))) },
  { method: "POST", pattern: /^\/api\/auditlog$/, handle: (s, r) => json(s.auditLog(objectBody(r))) },
  { method: "POST", pattern: /^\/api\/view\/reportconfigs$/, handle: (s, r) => json(s.reportConfigs(objectBody(r))) },
  { method: "POST", pattern: /^\/api\/reportconfig$/, handle: (s, r) => json(s.postReportConfig(r.json())) },
  {
    method: "GET",
    pattern: new RegExp(`^/api/reportconfig/new/(C\\d+)/(\\d+)/undefined$`),
    handle: (s, _r, m) => json(s.reportConfigTemplate(m[1]!, Number(m[2]))),
  },
  { method: "POST", pattern: /^\/api\/edit\/pvsystmodule$/, handle: (s, r) => json(s.postPvsystModule(r.json())) },
  {
    method: "POST",
    pattern: /^\/api\/task\/start$/,
    handle: (_s, r) => {
      const body = objectBody(r);
      if (typeof body.sourceKey !== "string" || typeof body.command !== "number")
        return message(400, "command and sourceKey are required.");
      return json({});
    },
  },
  { method: "PUT", pattern: /^\/api\/edit\/site$/, handle: (s, r) => json(s.putSite(r.json())) },
  { method: "PUT", pattern: /^\/api\/edit\/hardware$/, handle: (s, r) => json(s.putHardware(r.json())) },
  { method: "PUT", pattern: /^\/api\/edit\/sitehardware$/, handle: (s, r) => json(s.putSiteHardware(r.json())) },
  { method: "PUT", pattern: /^\/api\/edit\/modeling$/, handle: (s, r) => json(s.putModeling(r.json())) },
  { method: "POST", pattern: /^\/api\/alerttrigger$/, handle: (s, r) => json(s.postTrigger(r.json())) },
  { method: "PUT", pattern: /^\/api\/alerttrigger$/, handle: (s, r) => json(s.putTrigger(r.json())) },
  {
    method: "DELETE",
    pattern: new RegExp(`^/api/alerttrigger/${H}/([A-Za-z0-9_-]+)$`),
    handle: (s, _r, m) => {
      s.deleteTrigger(m[1]!, m[2]!);
      return json(null);
    },
  },
];

function objectBody(req: SimRequest): Record<string, unknown> {
  const body = req.json<unknown>();
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimHttpError(400, "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>PowerTrack - Log in</title></head>
<body><form method="post" action="/Account/Login"><input name="UserName"><input name="Password" type="password"></form></body></html>`;

/** `ae_v` values seen in captures of the live web app (specs: powertrack.md, Auth). */
const OBSERVED_CLIENT_VERSIONS = new Set(["c75711", "9bacbb"]);

function checkAuth(state: PowerTrackSimState, req: SimRequest): SimResponse | null {
  const cookie = req.headers.cookie;
  const aeS = req.headers.ae_s;
  const aeV = req.headers.ae_v;
  if (!cookie || !aeS || !aeV) return message(401, "Authorization has been denied for this request.");
  // The client version must be one the web app has shipped: the spec saw c75711 and 9bacbb only
  // (the SDK's default 086665 was never observed), so anything else is refused like bad credentials.
  if (!OBSERVED_CLIENT_VERSIONS.has(aeV) && aeV !== state.credentials.aeV)
    return message(401, "Authorization has been denied for this request.");
  const session = /(?:^|;\s*)AESession=([^;]+)/.exec(cookie)?.[1];
  if (session !== state.sessionCookieValue() || aeS !== state.credentials.aeS)
    return message(401, "Authorization has been denied for this request.");
  if (state.sessionExpired(req.receivedAt)) {
    if (state.expiredResponse === "html") return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: LOGIN_PAGE };
    if (state.expiredResponse === "401") return message(401, "Authorization has been denied for this request.");
    return message(419, "Session expired.");
  }
  return null;
}

/** The PowerTrack web API: auth, Referer on PUTs, routing, and ASP.NET-style errors (404, 405, 400). */
export function createPowerTrackHandler(state: PowerTrackSimState) {
  return (req: SimRequest): SimResponse => {
    if (!req.path.startsWith("/api/")) return message(404, "Not found.");
    const denied = checkAuth(state, req);
    if (denied) return denied;
    const candidates = routes.filter((r) => r.pattern.test(req.path));
    if (candidates.length === 0) return message(404, `No HTTP resource was found that matches the request URI '${req.path}'.`);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) return message(405, `The requested resource does not support http method '${req.method}'.`);
    if (req.method === "PUT" && state.requireReferer && !/\/powertrack\/[A-Z]+\d+\//.test(req.headers.referer ?? "")) {
      return message(400, "A Referer header naming the PowerTrack page (…/powertrack/<key>/…) is required.");
    }
    try {
      return route.handle(state, req, route.pattern.exec(req.path)!);
    } catch (error) {
      if (error instanceof SimHttpError) return message(error.status, error.message);
      if (error instanceof SimBodyError) return message(400, "The request body is not valid JSON.");
      throw error;
    }
  };
}

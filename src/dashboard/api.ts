/** The service's API as the page uses it: same origin, the token (when given) from sessionStorage. */

export const API = "/api/v1";
const TOKEN_KEY = "openpower.token";

export interface SystemInfo {
  id: string;
  vendor: string;
  device: string;
  name: string | null;
  timeZone: string | null;
  capabilities: string[];
  cadenceSeconds: number | null;
  lastSeen: string | null;
  /** Gone from its vendor's list (no longer polled, history kept): since when. */
  retiredAt: string | null;
}
export interface SourceHealth {
  source: string;
  vendor: string;
  kind: string;
  state: "starting" | "ok" | "failing" | "stopped";
  cadenceSeconds: number;
  lastSuccess: string | null;
  lastErrorClass: string | null;
  consecutiveFailures: number;
  lagSeconds: number | null;
  backfill: { running: boolean; done: number; total: number; added: number };
}
export interface Health {
  status: "ok" | "degraded";
  now: string;
  sources: SourceHealth[];
}
export interface Flow {
  system: string;
  observedAt: string;
  pvW: number | null;
  loadW: number | null;
  gridW: number | null;
  batteryW: number | null;
  soc: number | null;
  evW: number | null;
}
export interface History {
  system: string;
  step: string;
  count: number;
  samples: {
    t: number[];
    pvW: (number | null)[];
    loadW: (number | null)[];
    gridW: (number | null)[];
    batteryW: (number | null)[];
    soc: (number | null)[];
    evW: (number | null)[];
  };
}
export interface EnergyDay {
  date: string;
  pvKwh: number | null;
  loadKwh: number | null;
  importKwh: number | null;
  exportKwh: number | null;
  chargeKwh: number | null;
  dischargeKwh: number | null;
}
export interface Price {
  source: string;
  channel: string;
  start: string;
  end: string;
  issuedAt: string;
  kind: string;
  estimate: boolean;
  perKwhCents: number;
  renewablesPct: number;
  descriptor: string;
  spike: string;
  advanced?: { lowCents: number; predictedCents: number; highCents: number } | null;
}
export interface Decision {
  at: string;
  system: string;
  mode: string;
  action: string;
  reason: string;
  explanation: string[];
  detail: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}${detail ? `: ${detail}` : ""}`);
  }
}

export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}
export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function handle<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  let title = `HTTP ${res.status}`;
  let detail = "";
  try {
    const p = (await res.json()) as { title?: string; detail?: string };
    title = p.title ?? title;
    detail = p.detail ?? "";
  } catch {
    // Not a problem document: the status says enough.
  }
  throw new ApiError(res.status, title, detail);
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return handle<T>(await fetch(`${API}${path}`, { headers: { accept: "application/json", ...authHeaders() }, signal }));
}
export async function post<T>(path: string, body: unknown): Promise<T> {
  return handle<T>(
    await fetch(`${API}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...authHeaders() },
      body: JSON.stringify(body),
    }),
  );
}
export const sys = (id: string) => `/systems/${encodeURIComponent(id)}`;

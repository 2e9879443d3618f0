import { get, type Flow, type Health, type Price, type SystemInfo } from "./api.js";
import { LOCALE } from "./format.js";
import { connectEvents } from "./live.js";

export type Change = "systems" | "health" | "flow" | "prices" | "connection" | "selected";

/**
 * The service's clock as the page sees it. The demo runs the service on an accelerated clock, so ages
 * are counted on the service's time: its `now` from /health, advanced at the rate it is seen to run.
 */
export class ServerClock {
  private first: [server: number, local: number] | null = null;
  private last: [server: number, local: number] | null = null;
  observe(serverMs: number): void {
    const local = Date.now();
    this.first ??= [serverMs, local];
    this.last = [serverMs, local];
  }
  /** A reading measured at `ms` proves the service's clock is at least there. */
  atLeast(ms: number): void {
    if (ms > this.now()) this.observe(ms);
  }
  get rate(): number {
    if (!this.first || !this.last || this.last[1] - this.first[1] < 2000) return 1;
    return Math.max(0, (this.last[0] - this.first[0]) / (this.last[1] - this.first[1]));
  }
  now(): number {
    if (!this.last) return Date.now();
    return this.last[0] + (Date.now() - this.last[1]) * this.rate;
  }
}

const SELECTED_KEY = "openpower.system";

/** What every view shares: the systems, their health and latest flows, the live connection. */
export class App {
  systems: SystemInfo[] = [];
  health: Health | null = null;
  readonly flows = new Map<string, Flow>();
  /** The latest price vintage's rows, as the live events bring them (views fetch their own on mount). */
  pricesVersion = 0;
  connected = false;
  readonly clock = new ServerClock();
  private readonly listeners = new Set<(change: Change) => void>();
  private stopEvents: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  selected: string | null = localStorage.getItem(SELECTED_KEY);

  on(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(change: Change): void {
    for (const l of this.listeners) l(change);
  }

  system(id: string | null = this.selected): SystemInfo | undefined {
    return this.systems.find((s) => s.id === id);
  }
  /** The zone a system counts its days in: its own, else this browser's. */
  zone(id: string | null = this.selected): string {
    return this.system(id)?.timeZone ?? Intl.DateTimeFormat(LOCALE).resolvedOptions().timeZone;
  }
  select(id: string): void {
    if (id === this.selected) return;
    this.selected = id;
    localStorage.setItem(SELECTED_KEY, id);
    this.emit("selected");
  }

  async start(): Promise<void> {
    await Promise.all([this.refreshSystems(), this.refreshHealth()]);
    this.stopEvents = connectEvents(
      (type, data) => this.onEvent(type, data),
      (connected) => {
        this.connected = connected;
        this.emit("connection");
      },
    );
    this.timer = setInterval(() => {
      void this.refreshHealth().catch(() => undefined);
      // New systems appear as the collector finds them.
      if (this.systems.length === 0 || this.systems.some((s) => s.lastSeen === null)) void this.refreshSystems().catch(() => undefined);
    }, 5000);
  }
  stop(): void {
    this.stopEvents?.();
    clearInterval(this.timer);
  }

  async refreshSystems(): Promise<void> {
    this.systems = (await get<{ systems: SystemInfo[] }>("/systems")).systems;
    if (!this.system()) {
      // Prefer a system with a battery: the most to see.
      const live = this.systems.filter((s) => !s.retiredAt);
      const pick = live.find((s) => s.capabilities.includes("batterySchedule")) ?? live[0] ?? this.systems[0];
      if (pick) this.selected = pick.id;
    }
    this.emit("systems");
  }
  async refreshHealth(): Promise<void> {
    this.health = await get<Health>("/health");
    this.clock.observe(Date.parse(this.health.now));
    this.emit("health");
  }

  private onEvent(type: string, data: unknown): void {
    if (type === "hello") this.clock.observe(Date.parse((data as { now: string }).now));
    else if (type === "sample") {
      const flow = data as Flow;
      this.clock.atLeast(Date.parse(flow.observedAt));
      const prev = this.flows.get(flow.system);
      if (!prev || Date.parse(prev.observedAt) <= Date.parse(flow.observedAt)) this.flows.set(flow.system, flow);
      const s = this.system(flow.system);
      if (s) s.lastSeen = flow.observedAt;
      this.emit("flow");
    } else if (type === "prices") {
      const rows = (data as { prices: unknown[] }).prices as Price[];
      if (rows.length > 0) this.pricesVersion++;
      this.emit("prices");
    }
  }
}

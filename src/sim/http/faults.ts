import { hash01ab } from "../random.js";
import type { FaultControls, FaultKind, FaultRule } from "./types.js";

/** Every fault kind. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "http500",
  "http502",
  "http503",
  "reset",
  "timeout",
  "truncate",
  "malformed",
  "lostResponse",
];
/** Kinds chosen from when a rule gives an error rate but no kinds: all but "timeout", which hangs clients without their own timeout. */
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = ["http500", "http502", "http503", "reset", "truncate", "malformed"];

/** What to do with one request. */
export interface FaultDecision {
  latencyMs: number;
  kind: FaultKind | null;
}

interface ActiveRule {
  method: string | undefined;
  matchPath: (path: string) => boolean;
  latency: [number, number];
  errorRate: number;
  kinds: readonly FaultKind[];
  remaining: number;
}

function invalid(message: string): never {
  throw new RangeError(`Invalid fault rule: ${message}`);
}

function compileRule(rule: FaultRule): ActiveRule {
  if (typeof rule !== "object" || rule === null) invalid("expected an object.");
  let latency: [number, number] = [0, 0];
  if (rule.latencyMs !== undefined) {
    const [lo, hi] = Array.isArray(rule.latencyMs) ? rule.latencyMs : [rule.latencyMs, rule.latencyMs];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi >= lo))
      invalid(`latencyMs must be ms >= 0 or [min, max], got ${JSON.stringify(rule.latencyMs)}.`);
    latency = [lo, hi];
  }
  const kinds = rule.kinds ?? DEFAULT_FAULT_KINDS;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !FAULT_KINDS.includes(k))) {
    invalid(`kinds must be a non-empty list of ${FAULT_KINDS.join(", ")}, got ${JSON.stringify(rule.kinds)}.`);
  }
  const errorRate = rule.errorRate ?? (rule.kinds ? 1 : 0);
  if (!(typeof errorRate === "number" && errorRate >= 0 && errorRate <= 1))
    invalid(`errorRate must be 0..1, got ${String(rule.errorRate)}.`);
  const times = rule.times ?? Number.POSITIVE_INFINITY;
  if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0)))
    invalid(`times must be a whole number > 0, got ${String(rule.times)}.`);

  let matchPath: (path: string) => boolean;
  const p = rule.path;
  if (p === undefined) matchPath = () => true;
  else if (p instanceof RegExp) {
    // A copy without g/y flags: `test` on those is stateful.
    const re = new RegExp(p.source, p.flags.replace(/[gy]/g, ""));
    matchPath = (path) => re.test(path);
  } else if (typeof p === "string") {
    if (p.endsWith("*")) {
      const prefix = p.slice(0, -1);
      matchPath = (path) => path.startsWith(prefix);
    } else matchPath = (path) => path === p;
  } else invalid(`path must be a string or RegExp, got ${String(p)}.`);

  return { method: rule.method?.toUpperCase(), matchPath, latency, errorRate, kinds: [...kinds], remaining: times };
}

/**
 * Fault rules and the deterministic choice among them: for request number `seq`, whether it fails,
 * which kind and how long it waits come from hash noise of (seed, seq), so the same request
 * sequence always meets the same faults.
 */
export class FaultInjector implements FaultControls {
  private rules: ActiveRule[] = [];
  private defaultRule: ActiveRule | null = null;

  constructor(
    private readonly seed: number,
    initial: FaultRule[] = [],
  ) {
    for (const rule of initial) this.add(rule);
  }

  /** No rule at all: the caller can skip fault handling entirely. */
  get idle(): boolean {
    return this.rules.length === 0 && this.defaultRule === null;
  }

  setDefault(rule: FaultRule | null): void {
    this.defaultRule = rule === null ? null : compileRule(rule);
  }

  add(rule: FaultRule): () => void {
    const active = compileRule(rule);
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.rules = [];
    this.defaultRule = null;
  }

  /** The decision for request `seq`, or null when no rule matches. */
  decide(method: string, path: string, seq: number): FaultDecision | null {
    let rule: ActiveRule | null = null;
    for (const r of this.rules) {
      if ((r.method === undefined || r.method === method) && r.matchPath(path)) {
        rule = r;
        break;
      }
    }
    if (rule) {
      if (--rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    } else if (
      this.defaultRule &&
      (this.defaultRule.method === undefined || this.defaultRule.method === method) &&
      this.defaultRule.matchPath(path)
    ) {
      rule = this.defaultRule;
      if (--rule.remaining <= 0) this.defaultRule = null;
    }
    if (!rule) return null;
    const [lo, hi] = rule.latency;
    const latencyMs = lo === hi ? lo : lo + (hi - lo) * hash01ab(this.seed, seq, 3);
    const fails = rule.errorRate > 0 && hash01ab(this.seed, seq, 1) < rule.errorRate;
    const kind = fails ? rule.kinds[Math.floor(hash01ab(this.seed, seq, 2) * rule.kinds.length)]! : null;
    return { latencyMs, kind };
  }
}

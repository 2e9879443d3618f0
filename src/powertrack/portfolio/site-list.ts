import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { ValidationError } from "../../core/errors/index.js";
import { parseCustomerKey, parseSiteKey } from "../keys.js";
import type { PortfolioMetrics } from "../models/portfolio.js";

export interface Site {
  key: string;
  name: string;
  metadata: Record<string, unknown>;
}

/** The SiteList JSON document (`portfolio/SiteList.json` in the SDK's scripts). */
export interface SiteListJson {
  metadata: { customer_id?: string; total_sites?: number; created_at?: string; source?: string } & Record<string, unknown>;
  sites: Array<{ key: string; name: string; metadata: Record<string, unknown> }>;
}

/** Anything that can list a customer's portfolio. */
interface PortfolioReader {
  getPortfolioOverview(customerId: string | number, options?: { signal?: AbortSignal }): Promise<PortfolioMetrics>;
  readonly clock: { now(): number };
}

/**
 * A list of sites in the SDK's SiteList JSON format:
 *
 * ```json
 * { "metadata": { "customer_id": "C1234", "total_sites": 2, "created_at": "…Z", "source": "…" },
 *   "sites": [ { "key": "S12345", "name": "…", "metadata": {} } ] }
 * ```
 *
 * It round-trips: a site's `metadata` member is read back as its metadata (the SDK nested it as
 * `{"metadata": {}}`). Other members of a site entry are kept in its metadata. Keys are
 * normalised ("38292" → "S38292", any number of digits).
 */
export class SiteList implements Iterable<Site> {
  readonly sites: readonly Site[];
  readonly metadata: SiteListJson["metadata"];

  constructor(
    sites: Iterable<{ key: string; name?: string | null; metadata?: Record<string, unknown> }>,
    metadata: SiteListJson["metadata"] = {},
  ) {
    const seen = new Set<string>();
    const list: Site[] = [];
    let i = 0;
    for (const s of sites) {
      const key = parseSiteKey(s.key, `sites[${i++}].key`);
      if (seen.has(key)) continue;
      seen.add(key);
      list.push({ key, name: s.name ?? key, metadata: { ...(s.metadata ?? {}) } });
    }
    this.sites = Object.freeze(list);
    this.metadata = { ...metadata };
  }

  get length(): number {
    return this.sites.length;
  }

  [Symbol.iterator](): Iterator<Site> {
    return this.sites[Symbol.iterator]();
  }

  at(index: number): Site | undefined {
    return this.sites.at(index);
  }

  keys(): string[] {
    return this.sites.map((s) => s.key);
  }

  /** The site with this key ("S38292" or "38292"), or undefined. */
  getByKey(key: string): Site | undefined {
    const k = parseSiteKey(key);
    return this.sites.find((s) => s.key === k);
  }

  filterByKeys(keys: Iterable<string>): SiteList {
    const wanted = new Set<string>([...keys].map((k) => parseSiteKey(k)));
    return new SiteList(
      this.sites.filter((s) => wanted.has(s.key)),
      { ...this.metadata, total_sites: this.sites.filter((s) => wanted.has(s.key)).length },
    );
  }

  /** The first `n` sites (the SDK scripts' `--limit`). */
  limit(n: number): SiteList {
    return new SiteList(this.sites.slice(0, Math.max(0, n)), {
      ...this.metadata,
      total_sites: Math.min(this.sites.length, Math.max(0, n)),
    });
  }

  toJSON(): SiteListJson {
    return {
      metadata: { ...this.metadata, total_sites: this.sites.length },
      sites: this.sites.map((s) => ({ key: s.key, name: s.name, metadata: { ...s.metadata } })),
    };
  }

  static fromJSON(value: unknown): SiteList {
    if (!value || typeof value !== "object" || !Array.isArray((value as { sites?: unknown }).sites)) {
      throw new ValidationError('A SiteList must be an object with a "sites" list.', { field: "sites", vendor: "powertrack" });
    }
    const doc = value as { metadata?: unknown; sites: unknown[] };
    const sites = doc.sites.map((entry, i) => {
      if (!entry || typeof entry !== "object")
        throw new ValidationError(`sites[${i}] must be an object with a key.`, { field: `sites[${i}]`, vendor: "powertrack" });
      const { key, name, metadata, ...rest } = entry as Record<string, unknown>;
      const meta = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
      return { key: key as string, name: typeof name === "string" ? name : null, metadata: { ...rest, ...meta } };
    });
    const metadata =
      doc.metadata && typeof doc.metadata === "object" && !Array.isArray(doc.metadata) ? (doc.metadata as SiteListJson["metadata"]) : {};
    return new SiteList(sites, metadata);
  }

  static fromJsonFile(path: string): SiteList {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new ValidationError(`Cannot read the site list ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`, {
        field: "file",
        vendor: "powertrack",
      });
    }
    try {
      return SiteList.fromJSON(JSON.parse(text));
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new ValidationError(`The site list ${path} is not valid JSON.`, { field: "file", vendor: "powertrack" });
    }
  }

  writeJsonFile(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
  }

  /** Sites from subdirectories named like site keys (`S38292`, any number of digits). */
  static fromDirectory(dir: string): SiteList {
    const names = readdirSync(dir).filter((n) => /^S\d+$/.test(n) && statSync(join(dir, n)).isDirectory());
    return new SiteList(
      names.sort().map((key) => ({ key })),
      { source: `directory ${dir}` },
    );
  }

  /** Every site of a customer's portfolio (`GET /api/view/portfolio/{C}`), keys and names. */
  static async fromCustomer(
    client: PortfolioReader,
    customerId: string | number,
    options: { signal?: AbortSignal } = {},
  ): Promise<SiteList> {
    const key = parseCustomerKey(customerId);
    const portfolio = await client.getPortfolioOverview(key, options);
    return new SiteList(
      portfolio.sites.map((s) => ({ key: s.key, name: s.name ?? s.key, metadata: {} })),
      {
        customer_id: key,
        total_sites: portfolio.sites.length,
        created_at: new Date(client.clock.now()).toISOString(),
        source: "openpower getPortfolioOverview",
      },
    );
  }
}

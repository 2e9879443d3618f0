import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors/index.js";
import { simAndClient } from "../test-support/sim-client.js";
import { SiteList } from "./site-list.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
let dir: string;
beforeEach(() => {
  mkdirSync(join(repo, "tmp"), { recursive: true });
  dir = mkdtempSync(join(repo, "tmp", "powertrack-sitelist-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("SiteList", () => {
  const doc = {
    metadata: {
      customer_id: "C1234",
      total_sites: 2,
      created_at: "2026-01-01T00:00:00.000Z",
      source: "PowerTrack SDK get_portfolio_overview",
    },
    sites: [
      { key: "S12345", name: "One", metadata: {} },
      { key: "S123456", name: "Two", metadata: { region: "NE" } },
    ],
  };

  it("reads the documented JSON format and writes it back unchanged (no nested metadata: the SDK bug)", () => {
    const list = SiteList.fromJSON(doc);
    expect(list.sites[0]!.metadata).toEqual({});
    expect(list.toJSON()).toEqual(doc);
    expect(SiteList.fromJSON(JSON.parse(JSON.stringify(list))).toJSON()).toEqual(doc);
  });

  it("round-trips through a file, and through JSON for any sites (property)", () => {
    const file = join(dir, "portfolio", "SiteList.json");
    SiteList.fromJSON(doc).writeJsonFile(file);
    expect(SiteList.fromJsonFile(file).toJSON()).toEqual(doc);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 9_999_999 }), { maxLength: 20 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
        (ids, meta) => {
          const list = new SiteList(ids.map((n) => ({ key: String(n), name: `Site ${n}`, metadata: meta })));
          expect(SiteList.fromJSON(JSON.parse(JSON.stringify(list))).toJSON()).toEqual(JSON.parse(JSON.stringify(list.toJSON())));
        },
      ),
    );
  });

  it("keeps other members of a site entry in its metadata, normalises keys, drops duplicates", () => {
    const list = SiteList.fromJSON({ sites: [{ key: "38292", name: "A", owner: "x" }, { key: "S38292" }] });
    expect(list.length).toBe(1);
    expect(list.at(0)).toEqual({ key: "S38292", name: "A", metadata: { owner: "x" } });
    expect(list.getByKey("38292")?.name).toBe("A");
    expect(() => SiteList.fromJSON({ sites: [{ key: "H1" }] })).toThrow(ValidationError);
    expect(() => SiteList.fromJSON({})).toThrow(ValidationError);
  });

  it("filters, limits and lists directories of any key length", () => {
    for (const name of ["S12345", "S1234567", "notasite", "S12"]) mkdirSync(join(dir, name));
    expect(SiteList.fromDirectory(dir).keys()).toEqual(["S12", "S12345", "S1234567"]);
    const list = SiteList.fromJSON(doc);
    expect(list.filterByKeys(["123456"]).keys()).toEqual(["S123456"]);
    expect(list.limit(1).keys()).toEqual(["S12345"]);
  });

  it("is built from a customer's portfolio", async () => {
    const { sim, client, close } = await simAndClient({ sites: 7 });
    try {
      const list = await SiteList.fromCustomer(client, sim.customers[0]!);
      expect(list.keys()).toEqual([...sim.sites]);
      expect(list.metadata).toMatchObject({ customer_id: sim.customers[0], total_sites: 7 });
      expect([...list].every((s) => s.name.length > 0)).toBe(true);
    } finally {
      await close();
    }
  });
});

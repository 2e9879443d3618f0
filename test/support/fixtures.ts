import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real captures in `fixtures/<vendor>` (see each INDEX.md), for tests of any layer: vendor
 * clients and simulators alike read them here, so a simulator's tests depend on no vendor's test
 * support. Test-only: nothing shipped reads fixtures.
 */
export type FixtureVendor = "alphaess" | "amber" | "goodwe" | "powertrack";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures");

export function fixtureDir(vendor: FixtureVendor): string {
  return join(ROOT, vendor);
}

/** A JSON fixture, parsed. */
export function readFixture<T = unknown>(vendor: FixtureVendor, name: string): T {
  return JSON.parse(readFileSync(join(fixtureDir(vendor), name), "utf8")) as T;
}

/** The JSON fixtures of a vendor, by file name. */
export function fixtureNames(vendor: FixtureVendor): string[] {
  return readdirSync(fixtureDir(vendor)).filter((f) => f.endsWith(".json"));
}

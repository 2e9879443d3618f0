import { fixtureDir, fixtureNames as namesOf, readFixture } from "../../../test/support/fixtures.js";

/** The real Amber captures in fixtures/amber (see its INDEX.md), through the shared loader in test/support. */
export const FIXTURE_DIR = fixtureDir("amber");

export function fixture<T = unknown>(name: string): T {
  return readFixture<T>("amber", name);
}

export function fixtureNames(): string[] {
  return namesOf("amber");
}

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromHex } from "../protocol/bytes.js";

const root = fileURLToPath(new URL("../../../fixtures/goodwe/", import.meta.url));

/** A recorded frame from fixtures/goodwe (MIT, © 2021 Marcel Blijleven; see fixtures/goodwe/INDEX.md). */
export function fixtureFrame(name: string): Uint8Array {
  return fromHex(readFileSync(`${root}${name}.hex`, "utf8"));
}

/** A synthesized SEMS body from fixtures/goodwe. */
export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(`${root}${name}.json`, "utf8")) as unknown;
}

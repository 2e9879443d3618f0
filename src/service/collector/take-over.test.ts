import { describe, expect, it } from "vitest";
import { POLL_RULES } from "./cadence.js";
import { firstPollAfterTakeOver } from "./take-over.js";

const T = 1_750_000_000_000;

describe("the first poll after a take-over", () => {
  it("waits the vendor's limit per source (plus 10%) from the claim when the last reading is older than a cadence", () => {
    expect(firstPollAfterTakeOver(T, POLL_RULES.alphaess, T - 3_600_000, 300_000)).toBe(T + 11_000);
  });

  it("waits until the source is due: one cadence after the last stored reading", () => {
    expect(firstPollAfterTakeOver(T, POLL_RULES.alphaess, T - 60_000, 300_000)).toBe(T + 240_000);
    // A fleet restarting cold (no earlier owner known): on schedule from what is stored, not all at once.
    expect(firstPollAfterTakeOver(null, POLL_RULES.alphaess, T - 60_000, 300_000)).toBe(T + 240_000);
  });

  it("polls at once what nobody polled and nothing is stored of", () => {
    expect(firstPollAfterTakeOver(null, POLL_RULES.alphaess, undefined, 300_000)).toBe(-Infinity);
    expect(firstPollAfterTakeOver(undefined, POLL_RULES.powertrack, undefined, 2_000_000)).toBe(-Infinity);
  });

  it("uses a rule's own hand-over limit where its floor is not a limit per source (PowerTrack)", () => {
    const rule = POLL_RULES.powertrack;
    expect(firstPollAfterTakeOver(T, rule, undefined, 2_000_000)).toBe(T + (rule.handOverMs ?? rule.floorMs) * 1.1);
  });
});

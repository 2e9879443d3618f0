/**
 * Amber renewables (the Python original's README example): the grid's renewable share per state.
 * No token is needed for this endpoint, and it does not use the rate-limit budget.
 *
 *   AMBER_TOKEN=psk_… npx tsx examples/amber-renewables.ts   # the live API
 *   npx tsx examples/amber-renewables.ts                     # the built-in simulator
 */
import { Amber, State, STATES } from "openpower/amber";
import { startAmberSimulator } from "openpower/sim";

const sim = process.env.AMBER_TOKEN ? null : await startAmberSimulator();
const amber = new Amber(sim ? { baseUrl: sim.url } : { token: process.env.AMBER_TOKEN });

try {
  console.log("Available states:", STATES);
  console.log("Current renewables:", await amber.getCurrentRenewables(State.VICTORIA, { previous: 0, next: 0 }));

  for (const state of STATES) {
    const series = await amber.getCurrentRenewables(state, { previous: 2, next: 4 });
    const line = series
      .map((r) => `${r.nemTime.slice(11, 16)} ${r.renewables.toFixed(1)}%${r.type === "CurrentRenewable" ? "*" : ""}`)
      .join("  ");
    console.log(`${state.toUpperCase().padEnd(4)} ${line}`);
  }
  console.log("(* = current; times are interval ends in NEM time, UTC+10)");
  console.log("Rate limits after renewables only:", amber.getRatelimits());
} finally {
  await sim?.close();
}

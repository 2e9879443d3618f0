import { VirtualClock } from "../sim/kernel.js";
import { startPowerTrackSimulator } from "../sim/powertrack/index.js";
import { describeConformance } from "../model/test-support/conformance.js";
import { clientFor } from "./test-support/sim-client.js";

// A site at midday a day after the history date, so today has production and yesterday is complete.
const START = Date.UTC(2026, 5, 10, 18);

describeConformance({
  name: "PowerTrack site",
  expected: ["powerFlow", "energyTotals", "powerHistory"],
  historyDate: "2026-06-09",
  async setup() {
    const clock = new VirtualClock({ mode: "manual", start: START });
    const sim = await startPowerTrackSimulator({ sites: 3, seed: 5, clock });
    const client = clientFor(sim);
    const system = client.site(sim.sites[0]!);
    return {
      system,
      async close() {
        client.close();
        await sim.close();
      },
    };
  },
});

// Small runs of the stream fault scenarios (the large ones are `npm run test:faults`):
// serve killed mid-stream and restarted, and the relay killed, restarted and frozen under
// one serve; each must end on the graph of one uninterrupted run, count for count.
import { describe, expect, it } from "vitest";
import { relayLoopScenario } from "./relay-loop.js";
import { serveKillScenario } from "./serve-kill.js";

describe("a Hubble stream through crashes and outages", () => {
  it("serve SIGKILLed three times mid-stream ends on the clean run's graph, the stored cursor moving on", async () => {
    const row = await serveKillScenario({ flows: 8_000, kills: 3, seed: 3, fillRate: 2_000 });
    expect(row.failures).toEqual([]);
    expect(row).toMatchObject({ tried: 3, lost: 0, countedTwice: 0 });
    // How many restarts commit before their kill depends on the machine's load; one at least does.
    expect(row.survived).toBeGreaterThan(0);
  }, 180_000);

  it("a relay killed three times and frozen once under serve: no connection lost or counted twice", async () => {
    const row = await relayLoopScenario({ flows: 8_000, kills: 3, freezes: 1, seed: 5 });
    expect(row.failures).toEqual([]);
    expect(row).toMatchObject({ tried: 4, survived: 4, lost: 0, countedTwice: 0 });
  }, 180_000);
});

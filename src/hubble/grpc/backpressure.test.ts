import { afterEach, describe, expect, it } from "vitest";
import type { HubbleEvent } from "../event.js";
import { captureFromJson, startReplay } from "../replay/index.js";
import type { RunningReplay } from "../replay/index.js";
import { CAPTURES, captureFlows, captureRecords } from "../replay/testdata/captures.js";
import { openFlowStream } from "./flow-stream.js";
import { flowsOf, waitUntil } from "./testdata/consume.js";

let replay: RunningReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

describe("backpressure from a slow consumer", () => {
  it("pauses reading at the queue bound and loses nothing when the consumer resumes", async () => {
    replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0" });
    const stream = openFlowStream({ address: replay.address, request: { number: 0 }, queue: { capacity: 20, maxBatch: 5 } });
    const batches = stream.batches();
    const events: HubbleEvent[] = [];
    const first = await batches.next();
    if (!first.done) events.push(...first.value);
    // The consumer stops pulling: the stream must pause with a bounded queue.
    await waitUntil(() => stream.state.paused);
    expect(stream.state.queued).toBeGreaterThanOrEqual(20);
    // grpc-js may hand over a message already in flight; nothing is dropped, so allow a few.
    expect(stream.state.queued).toBeLessThan(20 + 16);
    expect(stream.state.flowsReceived).toBeLessThan(400);
    for await (const batch of batches) events.push(...batch);
    expect(flowsOf(events)).toEqual(captureFlows(CAPTURES[0]));
    expect(stream.state.pauses).toBeGreaterThanOrEqual(1);
    expect(stream.state.paused).toBe(false);
  });

  it("stops the stream when the consumer leaves its loop early", async () => {
    replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0", rate: 1000, loop: true });
    const stream = openFlowStream({ address: replay.address });
    for await (const batch of stream.batches()) {
      if (batch.length > 0) break;
    }
    expect(stream.state.status).toBe("stopped");
  });
});

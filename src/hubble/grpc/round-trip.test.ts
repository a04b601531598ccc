import { afterEach, describe, expect, it } from "vitest";
import { captureFromJson, startReplay } from "../replay/index.js";
import type { RunningReplay } from "../replay/index.js";
import { CAPTURES, captureFlows, captureRecords } from "../replay/testdata/captures.js";
import { openFlowStream } from "./flow-stream.js";
import { fetchServerStatus } from "./server-status.js";
import { consume, flowsOf } from "./testdata/consume.js";

let replay: RunningReplay | undefined;

afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

describe("client and replay server over loopback gRPC", () => {
  it.each(CAPTURES)("delivers every flow of %s with its fields intact", async (name) => {
    replay = await startReplay(captureFromJson(captureRecords(name)), { listen: "127.0.0.1:0" });
    const stream = openFlowStream({ address: replay.address, request: { number: 0 } });
    const flows = flowsOf(await consume(stream));
    expect(flows).toEqual(captureFlows(name));
    expect(stream.state).toMatchObject({ status: "stopped", flowsReceived: 400, duplicatesDropped: 0, lastError: undefined });
    expect(stream.state.serverVersion).toMatch(/replay/);
  });

  it("reports the ring buffer in ServerStatus", async () => {
    replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0", capacity: 4095 });
    const status = await fetchServerStatus({ address: replay.address });
    expect(status).toMatchObject({ numFlows: 400, maxFlows: 4095, seenFlows: 400, numConnectedNodes: 1, numUnavailableNodes: 0 });
    expect(status.version).toMatch(/replay/);
    expect(status.uptimeNs).toBeGreaterThanOrEqual(0);
  });
});

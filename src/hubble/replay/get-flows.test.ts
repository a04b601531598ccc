import { afterEach, describe, expect, it } from "vitest";
import type { Flow } from "../../flows/index.js";
import { HubbleConnectionError, openFlowStream } from "../grpc/index.js";
import type { FlowsRequest } from "../grpc/index.js";
import { consume, flowsOf, waitUntil } from "../grpc/testdata/consume.js";
import { captureFromJson } from "./capture.js";
import { ReplayServer } from "./replay-server.js";
import { ReplaySource } from "./replay-source.js";
import { startReplay } from "./start-replay.js";
import type { RunningReplay } from "./start-replay.js";
import { CAPTURES, captureFlows, captureRecords } from "./testdata/captures.js";

const flows = captureFlows(CAPTURES[0]);
const at = (i: number): Flow => {
  const flow = flows[i];
  if (!flow) throw new Error(`no flow ${i}`);
  return flow;
};
const uptoTimes = (list: readonly Flow[]): string[] => list.map((f) => `${f.time.seconds}.${f.time.nanos}`);
const withoutTime = (f: Flow): Flow => ({ ...f, time: { seconds: 0, nanos: 0 } });

let replay: RunningReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

async function serve(options: Parameters<typeof startReplay>[1] = {}): Promise<string> {
  replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0", ...options });
  return replay.address;
}

async function fetch(address: string, request: FlowsRequest): Promise<Flow[]> {
  return flowsOf(await consume(openFlowStream({ address, request })));
}

describe("GetFlows semantics of the replay server", () => {
  it.each<[string, FlowsRequest, [number, number]]>([
    ["number N sends the last N", { number: 10 }, [390, 400]],
    ["first with number sends the oldest N", { number: 10, first: true }, [0, 10]],
    ["number 0 sends the whole buffer", { number: 0 }, [0, 400]],
    ["--all (2^64-1) sends the whole buffer", { number: 2n ** 64n - 1n }, [0, 400]],
    ["since starts at the first flow at or after it", { since: at(100).time }, [100, 400]],
    ["since with number caps the count", { since: at(100).time, number: 5 }, [100, 105]],
    ["until stops after the last flow not newer than it", { first: true, until: at(49).time }, [0, 50]],
    ["since and until select a window", { since: at(10).time, until: at(19).time }, [10, 20]],
  ])("%s", async (_name, request, [from, to]) => {
    const address = await serve();
    expect(uptoTimes(await fetch(address, request))).toEqual(uptoTimes(flows.slice(from, to)));
  });

  it("follows after the whole buffer when asked for every flow (2^64-1), as a fresh daemon asks", async () => {
    const address = await serve();
    const got = flowsOf(await consume(openFlowStream({ address, request: { follow: true, number: 2n ** 64n - 1n } }), (events) => flowsOf(events).length >= 400));
    expect(uptoTimes(got)).toEqual(uptoTimes(flows));
  });

  it("with a fill rate, sends what has arrived and the rest as it arrives, the same flows", async () => {
    const address = await serve({ fillRate: 1000 });
    const started = performance.now();
    const got = await fetch(address, { number: 0 });
    // 400 events at 1,000/s cannot have arrived in less than 0.4 s (a slower machine only takes longer).
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(uptoTimes(got)).toEqual(uptoTimes(flows));
    // Once they have arrived, a call gets them at once.
    const again = performance.now();
    expect(uptoTimes(await fetch(address, { number: 0 }))).toEqual(uptoTimes(flows));
    expect(performance.now() - again).toBeLessThan(performance.now() - started);
  });

  it("rejects first with follow as InvalidArgument, like Hubble", async () => {
    const address = await serve();
    const stream = openFlowStream({ address, request: { first: true, follow: true } });
    const error: unknown = await consume(stream).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HubbleConnectionError);
    expect(error).toMatchObject({ problem: "rejected", message: expect.stringMatching(/first cannot be specified with follow/) as unknown });
    expect(stream.state.status).toBe("stopped");
  });

  it("follows with the last N buffered flows, then live flows stamped now in capture order", async () => {
    const started = Date.now();
    const source = new ReplaySource(captureFromJson(captureRecords(CAPTURES[0])), { rate: 4000 });
    const server = new ReplayServer(source, { listen: "127.0.0.1:0" });
    replay = { source, server, address: await server.listen(), close: () => server.close() };
    const got = flowsOf(
      await consume(openFlowStream({ address: replay.address, request: { follow: true, number: 3 } }), (events) => {
        // Live replay starts once the backlog has arrived, so every live flow is seen.
        if (flowsOf(events).length === 3) source.start();
        return flowsOf(events).length >= 403;
      }),
    );
    source.stop();
    expect(uptoTimes(got.slice(0, 3))).toEqual(uptoTimes(flows.slice(397)));
    const live = got.slice(3);
    expect(live.map(withoutTime)).toEqual(flows.map(withoutTime));
    const nanos = live.map((f) => BigInt(f.time.seconds) * 1_000_000_000n + BigInt(f.time.nanos));
    expect(nanos.every((t, i) => i === 0 || t > (nanos[i - 1] ?? t))).toBe(true);
    expect(live[0]?.time.seconds).toBeGreaterThanOrEqual(Math.floor(started / 1000));
  });

  it("serves only the live replay with liveOnly: the ring starts empty", async () => {
    const started = Date.now();
    const source = new ReplaySource(captureFromJson(captureRecords(CAPTURES[0])), { rate: 4000, liveOnly: true });
    expect(source.ring.size).toBe(0);
    expect(source.ring.capacity).toBe(4095);
    const server = new ReplayServer(source, { listen: "127.0.0.1:0" });
    replay = { source, server, address: await server.listen(), close: () => server.close() };
    source.start();
    // Nothing is replayed before a reader comes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.ring.nextSeq).toBe(0);
    const stream = openFlowStream({ address: replay.address, request: { follow: true, since: { seconds: 0, nanos: 0 } } });
    const got = flowsOf(await consume(stream, (events) => flowsOf(events).length >= 50));
    source.stop();
    // Even from the beginning of time, nothing older than the live replay is there.
    expect(got.every((f) => f.time.seconds >= Math.floor(started / 1000))).toBe(true);
    expect(got.slice(0, 50).map(withoutTime)).toEqual(flows.slice(0, 50).map(withoutTime));
  });

  it("loops the capture with fresh timestamps", async () => {
    // A ring large enough that a slow (busy) machine cannot make the follower lose events.
    const address = await serve({ rate: 5000, loop: true, capacity: 100_000 });
    const got = flowsOf(await consume(openFlowStream({ address }), (e) => flowsOf(e).length >= 900));
    replay?.source.stop();
    // Following starts "now", somewhere in the capture: the content repeats every 400 flows.
    expect(got.slice(400, 900).map(withoutTime)).toEqual(got.slice(0, 500).map(withoutTime));
    expect(new Set(uptoTimes(got)).size).toBe(got.length);
  });

  it("tells a follower that fell behind the ring how many events it lost", async () => {
    const address = await serve({ rate: 50_000, loop: true, capacity: 500 });
    const stream = openFlowStream({ address, request: { follow: true }, queue: { capacity: 10, maxBatch: 10 } });
    const batches = stream.batches();
    const first = await batches.next();
    expect(first.done).toBe(false);
    // Not reading: the client pauses, the server stops writing, the ring moves on.
    const seqAtPause = replay?.source.ring.nextSeq ?? 0;
    await waitUntil(() => (replay?.source.ring.nextSeq ?? 0) > seqAtPause + 5000);
    let lost = 0;
    for await (const batch of batches) {
      lost += batch.filter((e) => e.kind === "lost-events").length;
      if (lost > 0) break;
    }
    expect(stream.state.lostEvents.HUBBLE_RING_BUFFER).toBeGreaterThan(0);
  });

  it("answers a request with filters as unimplemented", async () => {
    const address = await serve();
    const error: unknown = await fetch(address, { whitelist: [{ verdict: ["DROPPED"] }] }).catch((err: unknown) => err);
    expect(error).toMatchObject({ problem: "rejected", message: expect.stringMatching(/filters/) as unknown });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { Flow } from "../../flows/index.js";
import { ReplayServer, ReplaySource, captureFromJson } from "../replay/index.js";
import { CAPTURES, captureFlows, captureRecords } from "../replay/testdata/captures.js";
import { openFlowStream } from "./flow-stream.js";
import { resumeRequest } from "./resume.js";
import { consume, flowsOf, waitUntil } from "./testdata/consume.js";

const withoutTime = (f: Flow): Flow => ({ ...f, time: { seconds: 0, nanos: 0 } });

describe("the resume request", () => {
  it("is the original request before any flow arrived", () => {
    const original = { follow: true, number: 5 };
    expect(resumeRequest(original, undefined, 2000)).toBe(original);
  });

  it("follows from the last flow minus the overlap, without number or first", () => {
    const whitelist = [{ verdict: ["DROPPED"] }];
    expect(resumeRequest({ follow: true, number: 5, whitelist }, { seconds: 100, nanos: 500_000_000 }, 2000)).toEqual({
      follow: true,
      since: { seconds: 98, nanos: 500_000_000 },
      whitelist,
    });
  });

  it("never starts before the caller's own since", () => {
    expect(resumeRequest({ follow: true, since: { seconds: 99, nanos: 0 } }, { seconds: 100, nanos: 0 }, 2000).since).toEqual({ seconds: 99, nanos: 0 });
  });
});

let servers: ReplayServer[] = [];
let source: ReplaySource | undefined;
afterEach(async () => {
  source?.stop();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("resuming after the server is killed and restarted mid-stream", () => {
  it("delivers every live flow exactly once", async () => {
    const node = new ReplaySource(captureFromJson(captureRecords(CAPTURES[0])), { rate: 2000 });
    source = node;
    const first = new ReplayServer(node, { listen: "127.0.0.1:0" });
    servers.push(first);
    const address = await first.listen();
    const stream = openFlowStream({ address, backoff: { initialMs: 20, maxMs: 200 } });
    await waitUntil(() => stream.state.status === "connected");
    node.start();
    let killed = false;
    const restart = async (): Promise<void> => {
      first.kill();
      // Let the modelled node buffer flows the client has not seen while the server is down.
      // The ring starts with the 400 recorded flows; live replay appends 400 more.
      const seq = node.ring.nextSeq;
      await waitUntil(() => node.ring.nextSeq >= Math.min(seq + 50, 800));
      const second = new ReplayServer(node, { listen: address });
      servers.push(second);
      await second.listen();
    };
    const restarted: Promise<void>[] = [];
    const events = await consume(stream, (got) => {
      if (!killed && flowsOf(got).length >= 100) {
        killed = true;
        restarted.push(restart());
      }
      return flowsOf(got).length >= 400;
    });
    await Promise.all(restarted);
    const flows = flowsOf(events);
    expect(flows.map(withoutTime)).toEqual(captureFlows(CAPTURES[0]).map(withoutTime));
    expect(new Set(flows.map((f) => `${f.time.seconds}.${f.time.nanos}`)).size).toBe(400);
    expect(stream.state.reconnects).toBeGreaterThanOrEqual(1);
    expect(stream.state.duplicatesDropped).toBeGreaterThan(0);
    expect(stream.state.suspectedGaps).toBe(0);
    expect(stream.state.lastError?.name).toBe("HubbleConnectionError");
  });
});

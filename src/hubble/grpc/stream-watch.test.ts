import { describe, expect, it } from "vitest";
import { HubbleConnectionError } from "./errors.js";
import type { FlowStreamState } from "./stream-state.js";
import { StreamWatch } from "./stream-watch.js";
import type { ProbeAnswer, StreamChange } from "./stream-watch.js";

function state(extra: Partial<FlowStreamState>): FlowStreamState {
  return {
    status: "connected", address: "relay:4245", lastError: undefined, reconnects: 0, lastFlowTime: undefined,
    flowsReceived: 0, messagesReceived: 0, duplicatesDropped: 0, lostEvents: {}, nodeStatusChanges: {}, undecodable: 0, rejected: 0,
    suspectedGaps: 0, paused: false, pauses: 0, queued: 0, serverVersion: undefined, ...extra,
  };
}

/** A watch whose probe answers from a list, with every change recorded. */
function watchWith(answers: ProbeAnswer[], quietAfterMs?: number): { watch: StreamWatch; changes: StreamChange[]; probes: () => number } {
  const changes: StreamChange[] = [];
  let probes = 0;
  const watch = new StreamWatch({
    stallAfterMs: 30_000,
    ...(quietAfterMs === undefined ? {} : { quietAfterMs }),
    probe: () => {
      probes++;
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error("deadline exceeded")) : Promise.resolve(answer);
    },
    onChange: (change) => changes.push(change),
  });
  return { watch, changes, probes: () => probes };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("StreamWatch", () => {
  it("calls a silent stream stalled when the server's seen_flows grows, and connected again once messages come", async () => {
    const { watch, changes } = watchWith([{ kind: "answered", seenFlows: 900 }, { kind: "answered", seenFlows: 1_020 }]);
    expect(watch.observe(state({ messagesReceived: 10 }), 0)).toBe("connected");
    expect(watch.observe(state({ messagesReceived: 10 }), 29_000)).toBe("connected");
    expect(watch.observe(state({ messagesReceived: 10 }), 30_000)).toBe("connected"); // first probe
    await settle();
    expect(watch.observe(state({ messagesReceived: 10 }), 44_000)).toBe("connected");
    expect(watch.observe(state({ messagesReceived: 10 }), 45_000)).toBe("connected"); // second probe
    await settle();
    expect(watch.observe(state({ messagesReceived: 10 }), 46_000)).toBe("stalled");
    expect(changes).toEqual([{ kind: "stalled", silentMs: 45_000, detail: "the server saw 120 flows meanwhile" }]);
    expect(watch.observe(state({ messagesReceived: 11 }), 55_000)).toBe("connected");
    expect(changes.at(-1)).toEqual({ kind: "resumed", stalledMs: 10_000 });
    expect(watch.stalls).toBe(1);
  });

  it("calls a server that does not answer (frozen) stalled", async () => {
    const { watch, changes } = watchWith([]);
    watch.observe(state({ messagesReceived: 3 }), 0);
    watch.observe(state({ messagesReceived: 3 }), 30_000);
    await settle();
    expect(watch.observe(state({ messagesReceived: 3 }), 30_500)).toBe("stalled");
    expect(changes).toEqual([{ kind: "stalled", silentMs: 30_000, detail: "the server does not answer ServerStatus (deadline exceeded)" }]);
  });

  it("keeps a quiet cluster connected, and calls it stalled once seen_flows grows while nothing comes", async () => {
    const { watch, changes, probes } = watchWith([{ kind: "answered", seenFlows: 500 }, { kind: "answered", seenFlows: 500 }, { kind: "answered", seenFlows: 530 }]);
    watch.observe(state({}), 0);
    watch.observe(state({}), 30_000);
    await settle();
    expect(watch.observe(state({}), 40_000)).toBe("connected");
    expect(watch.observe(state({}), 45_000)).toBe("connected"); // second probe: still 500
    await settle();
    expect(watch.observe(state({}), 50_000)).toBe("connected");
    expect(watch.observe(state({}), 60_000)).toBe("connected"); // third probe: 530
    await settle();
    expect(watch.observe(state({}), 61_000)).toBe("stalled");
    expect(probes()).toBe(3);
    expect(changes).toEqual([{ kind: "stalled", silentMs: 60_000, detail: "the server saw 30 flows meanwhile" }]);
  });

  it("with quietAfterMs, tells a quiet stream early: two answers without new flows, and not quiet again once messages come", async () => {
    const { watch, changes } = watchWith([{ kind: "answered", seenFlows: 70 }, { kind: "answered", seenFlows: 70 }, { kind: "answered", seenFlows: 70 }, { kind: "answered", seenFlows: 70 }], 2_000);
    watch.observe(state({ messagesReceived: 5 }), 0);
    watch.observe(state({ messagesReceived: 5 }), 2_000); // first probe
    await settle();
    expect(watch.quiet).toBe(false);
    watch.observe(state({ messagesReceived: 5 }), 4_000); // second probe: no new flows
    await settle();
    expect(watch.quiet).toBe(true);
    watch.observe(state({ messagesReceived: 6 }), 5_000);
    expect(watch.quiet).toBe(false);
    expect(changes).toEqual([]);
  });

  it("with quietAfterMs, a frozen or busy server is never quiet, and stalled only after stallAfterMs", async () => {
    const { watch, changes } = watchWith([{ kind: "answered", seenFlows: 10 }, { kind: "answered", seenFlows: 90 }], 2_000);
    watch.observe(state({ messagesReceived: 5 }), 0);
    for (let t = 2_000; t <= 28_000; t += 2_000) {
      watch.observe(state({ messagesReceived: 5 }), t);
      await settle();
      expect(watch.quiet).toBe(false);
    }
    expect(changes).toEqual([]);
    expect(watch.observe(state({ messagesReceived: 5 }), 30_000)).toBe("connected"); // unanswered, silent 30 s
    await settle();
    expect(watch.observe(state({ messagesReceived: 5 }), 30_500)).toBe("stalled");
    expect(watch.quiet).toBe(false);
  });

  it("with a server without ServerStatus, takes silence alone for quiet and never calls the stream stalled", async () => {
    const { watch, changes } = watchWith([{ kind: "unsupported" }, { kind: "unsupported" }, { kind: "unsupported" }], 2_000);
    watch.observe(state({ messagesReceived: 1 }), 0);
    watch.observe(state({ messagesReceived: 1 }), 2_000);
    await settle();
    expect(watch.quiet).toBe(true);
    watch.observe(state({ messagesReceived: 1 }), 30_000);
    await settle();
    expect(watch.observe(state({ messagesReceived: 1 }), 31_000)).toBe("connected");
    expect(changes).toEqual([]);
  });

  it("never probes a stream paused by backpressure or not connected", () => {
    const { watch, probes } = watchWith([]);
    for (let t = 0; t <= 120_000; t += 10_000) watch.observe(state({ paused: true }), t);
    for (let t = 130_000; t <= 250_000; t += 10_000) watch.observe(state({ status: "reconnecting" }), t);
    expect(probes()).toBe(0);
  });

  it("ignores a probe answer that comes after a message did", async () => {
    const { watch, changes } = watchWith([{ kind: "unanswered", detail: "x" }]);
    watch.observe(state({ messagesReceived: 1 }), 0);
    watch.observe(state({ messagesReceived: 1 }), 30_000);
    watch.observe(state({ messagesReceived: 2 }), 30_100);
    await settle();
    expect(watch.observe(state({ messagesReceived: 2 }), 31_000)).toBe("connected");
    expect(changes).toEqual([]);
  });

  it("names each disconnect with its error and each reconnect with the time down, also when both fall between two observations", () => {
    const { watch, changes } = watchWith([]);
    const refused = new HubbleConnectionError("relay:4245", "unavailable", "connect ECONNREFUSED");
    watch.observe(state({}), 0);
    watch.observe(state({ status: "reconnecting", reconnects: 1, lastError: refused }), 1_000);
    watch.observe(state({ status: "connecting", reconnects: 1, lastError: refused }), 2_000);
    watch.observe(state({ status: "reconnecting", reconnects: 2, lastError: refused }), 3_000);
    expect(watch.observe(state({ status: "connected", reconnects: 2, lastError: refused }), 5_000)).toBe("connected");
    // Failed and back within one report interval.
    watch.observe(state({ status: "connected", reconnects: 3, lastError: refused }), 6_000);
    expect(changes).toEqual([
      { kind: "disconnected", error: "relay:4245: connect ECONNREFUSED", reconnects: 1 },
      { kind: "reconnected", downMs: 4_000, attempts: 2 },
      { kind: "disconnected", error: "relay:4245: connect ECONNREFUSED", reconnects: 3 },
      { kind: "reconnected", downMs: 0, attempts: 1 },
    ]);
    expect(watch.disconnects).toBe(2);
  });
});

import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { ServerWritableStream } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { captureFromJson } from "../replay/index.js";
import { CAPTURES, captureRecords } from "../replay/testdata/captures.js";
import { FLOW_CONTROL_WINDOW_BYTES } from "./channel.js";
import { openFlowStream } from "./flow-stream.js";
import type { FlowStream } from "./flow-stream.js";
import { hubbleMethods } from "./service-definitions.js";
import { waitUntil } from "./testdata/consume.js";

const identity = (b: Buffer): Buffer => b;

/** What the server side of one GetFlows call managed to hand to HTTP/2. */
interface Sender {
  /** Bytes whose write completed (accepted within the peer's flow-control window). */
  accepted: number;
  /** True once every message was accepted. */
  done: boolean;
}

let server: Server | undefined;
let stream: FlowStream | undefined;
afterEach(async () => {
  stream?.stop();
  stream = undefined;
  await new Promise<void>((resolve) => {
    if (!server) { resolve(); return; }
    server.tryShutdown(() => { resolve(); });
    server.forceShutdown();
  });
  server = undefined;
});

/**
 * A Hubble server whose GetFlows writes `totalBytes` of real flows (the first capture's
 * messages, repeated) as fast as HTTP/2 lets it, counting what each write's callback
 * confirms: a write completes once its data fits in the client's window.
 */
async function floodingServer(totalBytes: number): Promise<{ address: string; sender: Sender }> {
  const messages = captureFromJson(captureRecords(CAPTURES[0])).records.map((r) => Buffer.from(r.bytes));
  const sender: Sender = { accepted: 0, done: false };
  server = new Server();
  const m = hubbleMethods();
  server.addService({ GetFlows: { ...m.getFlows, requestDeserialize: identity, responseSerialize: identity } }, {
    GetFlows: (call: ServerWritableStream<Buffer, Buffer>) => {
      let queued = 0;
      let pending = 0;
      for (let i = 0; queued < totalBytes; i++) {
        const bytes = messages[i % messages.length] as Buffer;
        queued += bytes.length;
        pending++;
        call.write(bytes, () => {
          sender.accepted += bytes.length;
          if (--pending === 0) sender.done = true;
        });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server?.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => { if (err) reject(err); else resolve(p); });
  });
  return { address: `127.0.0.1:${port}`, sender };
}

describe("HTTP/2 flow control of the Hubble stream", () => {
  // While the ingest thread is busy (a commit, a collection) or has paused the stream
  // (backpressure), Hubble can only send what the window allows; the rest waits in its ring,
  // which overruns. A 64 KiB window (HTTP/2's default) would stop the sender after a few
  // hundred flows.
  it("lets Hubble send megabytes into a stream that is not being read", async () => {
    const { address, sender } = await floodingServer(4 * 1024 * 1024);
    // Capacity 10: the stream pauses after ten events and nobody pulls.
    stream = openFlowStream({ address, request: { number: 0 }, queue: { capacity: 10, maxBatch: 5 } });
    const batches = stream.batches();
    void batches.next();
    const s = stream;
    await waitUntil(() => s.state.paused);
    await waitUntil(() => sender.done);
    expect(sender.accepted).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(stream.state.flowsReceived).toBeLessThan(100);
  });

  it("stays a bound: a stream that is not being read holds at most the window", async () => {
    const { address, sender } = await floodingServer(3 * FLOW_CONTROL_WINDOW_BYTES);
    stream = openFlowStream({ address, request: { number: 0 }, queue: { capacity: 10, maxBatch: 5 } });
    const batches = stream.batches();
    void batches.next();
    const s = stream;
    await waitUntil(() => s.state.paused);
    // Writes complete up to the window (and what Node buffers around it), then stop.
    await waitUntil(() => sender.accepted >= FLOW_CONTROL_WINDOW_BYTES / 2);
    let last = -1;
    await waitUntil(() => {
      const settled = sender.accepted === last;
      last = sender.accepted;
      return settled && sender.accepted > 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sender.done).toBe(false);
    expect(sender.accepted).toBeLessThan(2 * FLOW_CONTROL_WINDOW_BYTES);
  });
});

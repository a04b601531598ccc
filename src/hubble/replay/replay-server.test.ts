import { Client, Metadata, credentials } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { hubbleMethods, openFlowStream } from "../grpc/index.js";
import { waitUntil } from "../grpc/testdata/consume.js";
import { messageType } from "../proto/index.js";
import { captureFromJson } from "./capture.js";
import { REPLAY_SERVER_VERSION } from "./replay-server.js";
import { startReplay } from "./start-replay.js";
import type { RunningReplay } from "./start-replay.js";
import { CAPTURES, captureRecords } from "./testdata/captures.js";

let replay: RunningReplay | undefined;
let client: Client | undefined;
afterEach(async () => {
  client?.close();
  await replay?.close();
  replay = undefined;
});

function decoder(typeName: string): (bytes: Buffer) => Record<string, unknown> {
  const type = messageType(typeName);
  return (bytes) => type.toObject(type.decode(bytes), { longs: Number, enums: String });
}

async function serve(): Promise<Client> {
  replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0", nodeName: "kind-control-plane" });
  client = new Client(replay.address, credentials.createInsecure());
  return client;
}

describe("the replay server's other RPCs", () => {
  it("lists its one node in GetNodes", async () => {
    const c = await serve();
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      c.makeUnaryRequest(hubbleMethods().getNodes.path, (b: Buffer) => b, decoder("observer.GetNodesResponse"), Buffer.alloc(0), new Metadata(), {}, (err, value) => {
        if (err || !value) reject(err ?? new Error("no reply"));
        else resolve(value);
      });
    });
    expect(reply.nodes).toEqual([
      expect.objectContaining({ name: "kind-control-plane", version: REPLAY_SERVER_VERSION, address: replay?.address, state: "NODE_CONNECTED", num_flows: 400, max_flows: 4095 }),
    ]);
  });

  it("announces its node through Peer/Notify", async () => {
    const c = await serve();
    const call = c.makeServerStreamRequest(hubbleMethods().peerNotify.path, (b: Buffer) => b, decoder("peer.ChangeNotification"), Buffer.alloc(0), new Metadata());
    const first = await new Promise<unknown>((resolve) => call.once("data", resolve));
    call.cancel();
    call.on("error", () => undefined);
    expect(first).toEqual({ name: "kind-control-plane", address: replay?.address, type: "PEER_ADDED" });
  });

  it("ends followers with UNAVAILABLE on close, so clients reconnect", async () => {
    replay = await startReplay(captureFromJson(captureRecords(CAPTURES[0])), { listen: "127.0.0.1:0" });
    const stream = openFlowStream({ address: replay.address, backoff: { initialMs: 1000, maxMs: 1000 } });
    await waitUntil(() => stream.state.status === "connected");
    await replay.close();
    replay = undefined;
    await waitUntil(() => stream.state.status === "reconnecting");
    expect(stream.state.lastError?.message).toMatch(/server shutting down/);
    stream.stop();
  });
});

// One benchmark client run in its own process: `node ingest-client.js raw|ours ADDRESS N`.
// Prints one JSON line (ClientResult) on stdout.
import { Client, credentials } from "@grpc/grpc-js";
import { ConnectionTracker, IdentityResolver } from "../src/flows/index.js";
import { openFlowStream } from "../src/hubble/grpc/index.js";
import { messageType } from "../src/hubble/proto/index.js";
import { runIngestLoop } from "../src/cli/ingest/index.js";
import type { ClientMode, ClientResult } from "./harness/client-process.js";

const [modeArg, address = "", countArg = "0"] = process.argv.slice(2);
const mode: ClientMode = modeArg === "raw" ? "raw" : "ours";
const count = Number(countArg);

/** Bare grpc-js: receive every message as bytes and discard it. */
function rawReceive(): Promise<number> {
  const request = Buffer.from(messageType("observer.GetFlowsRequest").encode({ number: count, first: true }).finish());
  const client = new Client(address, credentials.createInsecure(), { "grpc.max_receive_message_length": -1 });
  return new Promise((resolve, reject) => {
    let messages = 0;
    const call = client.makeServerStreamRequest("/observer.Observer/GetFlows", (b: Buffer) => b, (b: Buffer) => b, request);
    call.on("data", () => messages++);
    call.on("error", reject);
    call.on("end", () => {
      client.close();
      resolve(messages);
    });
  });
}

/** Ours: decode, normalize into identities and connections, count what comes out. */
async function oursReceive(): Promise<{ messages: number; flows: number; connections: number }> {
  const stream = openFlowStream({ address, request: { number: count, first: true, follow: false }, onFailure: "stop" });
  let messages = 0;
  let flows = 0;
  let connections = 0;
  const counted = (async function* () {
    for await (const batch of stream.batches()) {
      messages += batch.length;
      for (const e of batch) if (e.kind === "flow") flows++;
      yield batch;
    }
  })();
  await runIngestLoop(counted, {
    tracker: new ConnectionTracker(new IdentityResolver()),
    sink: { accept: (batch) => void (connections += batch.length) },
    idleFlushMs: 0,
  });
  return { messages, flows, connections };
}

const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const counts = mode === "raw" ? { messages: await rawReceive(), flows: 0, connections: 0 } : await oursReceive();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const result: ClientResult = {
  mode,
  ...counts,
  seconds,
  messagesPerSecond: counts.messages / seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(`${JSON.stringify(result)}\n`);

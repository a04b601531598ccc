import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureFromJson, startReplay } from "../replay/index.js";
import type { RunningReplay } from "../replay/index.js";
import { CAPTURES, captureRecords } from "../replay/testdata/captures.js";
import { parseHubbleAddress } from "./address.js";
import { HubbleConnectionError } from "./errors.js";
import { openFlowStream } from "./flow-stream.js";
import { consume, flowsOf, waitUntil } from "./testdata/consume.js";

let replay: RunningReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("Hubble addresses", () => {
  it.each([
    [undefined, { kind: "tcp", target: "localhost:4245", tls: false }],
    ["hubble-relay.kube-system.svc:80", { kind: "tcp", host: "hubble-relay.kube-system.svc", port: 80, tls: false }],
    ["tls://hubble-relay:443", { kind: "tcp", target: "hubble-relay:443", tls: true }],
    ["relay", { kind: "tcp", target: "relay:4245" }],
    ["[::1]:4245", { kind: "tcp", host: "[::1]", port: 4245 }],
    ["unix:///var/run/cilium/hubble.sock", { kind: "unix", path: "/var/run/cilium/hubble.sock", target: "unix:/var/run/cilium/hubble.sock" }],
    ["unix:/tmp/h.sock", { kind: "unix", path: "/tmp/h.sock" }],
  ])("%s", (text, expected) => {
    expect(parseHubbleAddress(text)).toMatchObject(expected);
  });

  it.each([
    ["http://relay:80", /unsupported scheme "http:\/\/"/],
    ["relay:99999", /invalid port "99999"/],
    ["relay:", /invalid port ""/],
    ["re lay:80", /expected host:port/],
    ["unix://", /needs a path/],
  ])("rejects %s", (text, message) => {
    expect(() => parseHubbleAddress(text)).toThrow(message);
    expect(() => openFlowStream({ address: text })).toThrow(HubbleConnectionError);
  });
});

describe("connecting", () => {
  it("reports an address where nothing listens as unavailable in one-shot use", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const error: unknown = await consume(openFlowStream({ address, onFailure: "stop" })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HubbleConnectionError);
    expect(error).toMatchObject({ problem: "unavailable", address });
    expect((error as Error).message.startsWith(`${address}: `)).toBe(true);
  });

  it("keeps retrying with backoff when following, and stops on request", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const stream = openFlowStream({ address, backoff: { initialMs: 5, maxMs: 20 } });
    await waitUntil(() => stream.state.reconnects >= 3);
    expect(["reconnecting", "connecting"]).toContain(stream.state.status);
    expect(stream.state.lastError).toMatchObject({ problem: "unavailable" });
    stream.stop();
    expect(stream.state.status).toBe("stopped");
    expect(await consume(stream)).toEqual([]);
  });

  it("streams from a unix socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hubble-sock-"));
    try {
      const socket = `unix://${join(dir, "hubble.sock")}`;
      replay = await startReplay(captureFromJson(captureRecords(CAPTURES[1])), { listen: socket });
      expect(replay.address).toBe(socket);
      const flows = flowsOf(await consume(openFlowStream({ address: socket, request: { number: 5 } })));
      expect(flows).toHaveLength(5);
    } finally {
      await replay?.close();
      replay = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Outages as an operator sees them: a real replay server process that is frozen (SIGSTOP)
// and killed under a running `serve`; the log, /status, /readyz and /metrics must say so.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_POLICIES } from "../src/daemon/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import { parseExposition } from "../src/metrics/testdata/exposition.js";
import { CLI, waitForOutput } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-outages-"));
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function start(args: readonly string[]): { child: ChildProcessWithoutNullStreams; log: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: "info" } });
  children.push(child);
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === "object" && address !== null ? address.port : 0); });
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Ready {
  readonly status: string;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly reason: string }[];
}

describe("serve through relay outages", () => {
  it("logs, reports and exposes a frozen relay as stalled and a killed one as reconnecting, then recovers from both", async () => {
    const capture = join(dir, "flows.ndjson");
    writeFileSync(capture, [...createFlowRun({ flows: 400, seed: 5 }).lines].map((line) => `${JSON.stringify(line)}\n`).join(""));
    writeFileSync(join(dir, "policies.yaml"), DEMO_POLICIES);
    const port = await freePort();
    const replayArgs = ["replay", "--file", capture, "--listen", `127.0.0.1:${port}`, "--rate", "200", "--loop", "--live-only"];
    let replay = start(replayArgs);
    await waitForOutput(replay.child, (t) => t.includes("listening on"), 30_000);

    const serve = start([
      "serve", "--hubble", `127.0.0.1:${port}`, "--policies", join(dir, "policies.yaml"), "--db", join(dir, "graph.db"),
      "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--stall-after", "2s", "--summary-interval", "1",
    ]);
    const urls = await waitForOutput(serve.child, (t) => /^api: /m.test(t) && /^metrics: /m.test(t), 60_000);
    const api = /^api: (http:\S+)$/m.exec(urls)?.[1] ?? "";
    const metrics = /^metrics: (http:\S+)$/m.exec(urls)?.[1] ?? "";
    const base = api.replace(/\/api\/v1$/, "");
    const streamStatus = async (): Promise<string> => ((await (await fetch(`${api}/status`)).json()) as { stream: { status: string } }).stream.status;
    const ready = async (): Promise<{ code: number; body: Ready }> => {
      const res = await fetch(`${base}/readyz`);
      return { code: res.status, body: (await res.json()) as Ready };
    };
    const gauge = async (name: string): Promise<number | undefined> => parseExposition(await (await fetch(metrics)).text()).find((s) => s.name === name)?.value;

    await until("a connected stream with flows", async () => ((await streamStatus()) === "connected" && (await gauge("hubble_auditor_flows_received_total")) !== undefined ? true : undefined));

    // Frozen: the TCP connection stays up, nothing arrives, ServerStatus gets no answer.
    replay.child.kill("SIGSTOP");
    await until("the stall", async () => ((await streamStatus()) === "stalled" ? true : undefined));
    const stalled = await ready();
    expect(stalled.code).toBe(503);
    expect(stalled.body.checks.find((c) => c.name === "hubble-stream")).toEqual({
      name: "hubble-stream", ok: false, reason: "stalled: connected, but nothing arrives while Hubble sees flows (or does not answer ServerStatus)",
    });
    expect(await gauge("hubble_auditor_stream_stalled")).toBe(1);
    expect(await gauge("hubble_auditor_stream_stalls_total")).toBe(1);
    expect(serve.log()).toMatch(/"level":40,.*"msg":"Hubble stream stalled: connected, but no messages arrive"/);

    replay.child.kill("SIGCONT");
    await until("recovery from the stall", async () => ((await streamStatus()) === "connected" ? true : undefined));
    expect((await ready()).code).toBe(200);
    expect(await gauge("hubble_auditor_stream_stalled")).toBe(0);
    await until("the recovery log line", () => Promise.resolve(serve.log().includes("Hubble stream delivers again after a stall") ? true : undefined), 5_000);

    // Killed: the stream fails, reconnects with backoff, and comes back when the relay does.
    const exited = new Promise((resolve) => replay.child.once("exit", resolve));
    replay.child.kill("SIGKILL");
    await exited;
    await until("reconnecting", async () => ((await streamStatus()) === "reconnecting" ? true : undefined));
    const down = await ready();
    expect(down.code).toBe(200); // within the 5-minute grace
    expect(down.body.checks.find((c) => c.name === "hubble-stream")?.reason).toMatch(/^reconnecting for \d+s \(not ready after 300s\); \/status has the last error$/);
    expect(JSON.stringify(down.body)).not.toContain(String(port));
    await until("the disconnect log line", () => Promise.resolve(/"level":40,.*"msg":"Hubble stream disconnected; reconnecting with backoff"/.test(serve.log()) ? true : undefined), 10_000);
    expect(await gauge("hubble_auditor_stream_disconnects_total")).toBe(1);

    replay = start(replayArgs);
    await waitForOutput(replay.child, (t) => t.includes("listening on"), 30_000);
    await until("the reconnect", async () => ((await streamStatus()) === "connected" ? true : undefined), 60_000);
    await until("the reconnect log line", () => Promise.resolve(serve.log().includes('"msg":"Hubble stream reconnected"') ? true : undefined), 5_000);

    const stopped = new Promise((resolve) => serve.child.once("exit", resolve));
    serve.child.kill("SIGTERM");
    expect(await stopped).toBe(0);
  }, 180_000);
});

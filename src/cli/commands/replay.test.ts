import { join } from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchServerStatus } from "../../hubble/grpc/index.js";
import { waitUntil } from "../../hubble/grpc/testdata/consume.js";
import { UsageError } from "../usage-error.js";
import { registerReplayCommand } from "./replay.js";

const CAPTURE = join(import.meta.dirname, "../../../../shared/data/hubble-otel/basic-sample-400-udp-flows.json");

function program(stop?: AbortSignal): Command {
  const root = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerReplayCommand(root, { logger: pino({ level: "silent" }), ...(stop ? { stop } : {}) });
  return root;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hubble-auditor replay", () => {
  it("serves the capture, prints the address and stops on request", async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const stop = new AbortController();
    const run = program(stop.signal).parseAsync(["node", "hubble-auditor", "replay", "--file", CAPTURE, "--listen", "127.0.0.1:0"]);
    await waitUntil(() => printed.some((line) => line.startsWith("listening on ")));
    const address = (printed.find((line) => line.startsWith("listening on ")) ?? "").slice("listening on ".length).trim();
    expect(await fetchServerStatus({ address })).toMatchObject({ numFlows: 400, seenFlows: 400 });
    stop.abort();
    await run;
  });

  it.each([
    [["--loop"], "--loop needs --rate"],
    [["--live-only"], "--live-only needs --rate"],
    [["--rate", "fast"], '--rate must be a non-negative number, got "fast"'],
    [["--tls-cert", "a.crt"], "--tls-cert and --tls-key must be given together"],
    [["--tls-client-ca", "ca.crt"], "--tls-client-ca needs --tls-cert and --tls-key"],
    [["--capacity", "0"], '--capacity must be a positive integer, got "0"'],
  ])("rejects %j with one clear line", async (args, message) => {
    const run = program().parseAsync(["node", "hubble-auditor", "replay", "--file", CAPTURE, ...args]);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it("requires --file", async () => {
    await expect(program().parseAsync(["node", "hubble-auditor", "replay"])).rejects.toThrow(/--file/);
  });
});

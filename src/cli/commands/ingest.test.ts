import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { graphTotals, openGraphStore, readCursor } from "../../graph/index.js";
import { UsageError } from "../usage-error.js";
import { registerIngestCommand } from "./ingest.js";

const CAPTURE = join(import.meta.dirname, "../../../../shared/data/hubble-otel/basic-sample-400-udp-flows.json");
const dir = await mkdtemp(join(tmpdir(), "ingest-command-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  let out = "";
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerIngestCommand(program, { logger: pino({ level: "silent" }), write: (text) => { out += text; } });
  await program.parseAsync(["ingest", ...args], { from: "user" });
  return out;
}

describe("hubble-auditor ingest", () => {
  it("ingests a file with a final progress line, and skips it when run again", async () => {
    const db = join(dir, "graph.db");
    expect(await run("--from", CAPTURE, "--db", db)).toMatch(/^flows 400 read \([\d,]+\/s\) · 0 lines rejected · 222 connections in \d+ flushes\n$/);
    expect(await run("--from", CAPTURE, "--db", db)).toMatch(/^flows 400 read .* · 400 skipped as already stored · 0 connections/);
    const store = openGraphStore({ path: db, access: "read-only" });
    // 74 DNS queries from the pods, and the DNS proxy forwarding each from the node (reserved:remote-node).
    expect(graphTotals(store, { window: { sinceMs: 0, untilMs: Date.UTC(2030, 0, 1) } })).toMatchObject({ connections: 74 + 74, requests: 74 });
    // Cilium 1.10 flows carry no uuid: the cursor keeps the flow's content key instead.
    expect(readCursor(store, `file:${CAPTURE}`)?.flowKey).toMatch(/^\d+\|\d+\|kind-control-plane\|/);
    store.close();
  });

  it("rejects a source that is neither a file nor an address", async () => {
    await expect(run("--from", join(dir, "missing.json"))).rejects.toThrow(UsageError);
    await expect(run("--from", CAPTURE, "--batch-keys", "0")).rejects.toThrow(new UsageError('--batch-keys must be a positive integer, got "0"'));
  });
});

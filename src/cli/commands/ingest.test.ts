import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { HOSTILE_NAMES, HOSTILE_NUMBERS, captureHead } from "../../hubble/testdata/hostile-records.js";
import { graphTotals, openGraphStore, queryGraph, readCursor } from "../../graph/index.js";
import { UsageError } from "../usage-error.js";
import { registerIngestCommand } from "./ingest.js";

const CAPTURE = join(import.meta.dirname, "../../../../shared/data/hubble-otel/basic-sample-400-udp-flows.json");
const dir = await mkdtemp(join(tmpdir(), "ingest-command-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  return (await runLogged(...args)).out;
}

async function runLogged(...args: string[]): Promise<{ out: string; logs: Record<string, unknown>[] }> {
  let out = "";
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } });
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerIngestCommand(program, { logger, write: (text) => { out += text; } });
  await program.parseAsync(["ingest", ...args], { from: "user" });
  return { out, logs };
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

  it("rejects and counts each hostile record of a file, naming line and field, and stores the valid flows beside them", async () => {
    const hostile = [...HOSTILE_NAMES, ...HOSTILE_NUMBERS];
    const valid = captureHead("basic-sample-400-tcp-flows.json", 40);
    const file = join(dir, "hostile.json");
    // Lines 1-20 valid, then the hostile records, then 20 more valid ones.
    writeFileSync(file, [...valid.slice(0, 20), ...hostile.map((h) => h.record), ...valid.slice(20)].map((r) => JSON.stringify(r)).join("\n") + "\n");
    const db = join(dir, "hostile.db");
    const { out, logs } = await runLogged("--from", file, "--db", db);
    expect(out).toMatch(new RegExp(`^flows 40 read \\([\\d,]+/s\\) · ${hostile.length} lines rejected · `));
    const skipped = logs.filter((l) => l.msg === "skipped an invalid record");
    expect(skipped.map((l) => [l.file, l.line, l.path])).toEqual(hostile.slice(0, 5).map((h, i) => [file, 21 + i, `$.${h.path}`]));
    expect(skipped[0]?.problem).toMatch(/^"..\/.." is not a valid namespace name \(DNS-1123 label/);
    expect(logs.find((l) => l.msg === "invalid records skipped")).toMatchObject({ rejected: hostile.length });
    const store = openGraphStore({ path: db, access: "read-only" });
    const window = { sinceMs: 0, untilMs: Date.UTC(2030, 0, 1) };
    const graph = queryGraph(store, { window });
    const totals = graphTotals(store, { window });
    store.close();
    // The lost-events record of 1e300 was refused, not stored as 1.8e19.
    expect(totals.lostEvents).toBe(0);
    expect(graph.identities.length).toBeGreaterThan(0);
    expect(new Set(graph.identities.flatMap((i) => (i.identity.kind === "workload" ? [i.identity.namespace] : [])))).toEqual(new Set(["bookinfo"]));
    expect(graph.edges.every((e) => e.port <= 65535)).toBe(true);
    expect(graph.skipped).toEqual([]);
  });

  it("rejects a source that is neither a file nor an address", async () => {
    await expect(run("--from", join(dir, "missing.json"))).rejects.toThrow(UsageError);
    await expect(run("--from", CAPTURE, "--batch-keys", "0")).rejects.toThrow(new UsageError('--batch-keys must be a positive integer, got "0"'));
  });
});

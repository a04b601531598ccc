import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { GraphStoreError } from "../../graph/index.js";
import { writeGraphWithBadNamespace } from "../../graph/testdata/bad-names.js";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { connection, workload, world } from "../../graph/testdata/connections.js";
import { UsageError } from "../usage-error.js";
import { registerGraphCommand } from "./graph.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const dir = await mkdtemp(join(tmpdir(), "graph-command-"));
const db = join(dir, "graph.db");
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

writeGraphFile(db, [
    connection(NOW - 2 * HOUR, workload("shop", "web"), workload("shop", "api")),
    connection(NOW - 2 * HOUR, workload("shop", "api"), workload("data", "pg"), { port: 5432, verdict: "DROPPED" }),
    connection(NOW - 48 * HOUR, workload("shop", "web"), world("203.0.113.5"), { port: 443 }),
  ]);

async function run(...args: string[]): Promise<string> {
  let out = "";
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerGraphCommand(program, { now: () => NOW, write: (text) => { out += text; } });
  await program.parseAsync(["graph", "--db", db, ...args], { from: "user" });
  return out;
}

describe("hubble-auditor graph", () => {
  it("prints the last 24 hours as a table by default", async () => {
    const lines = (await run()).trimEnd().split("\n");
    expect(lines[0]).toBe("window 2026-02-28T12:00:00.000Z to 2026-03-01T12:00:00.000Z");
    expect(lines[1]).toMatch(/^SOURCE\s+DESTINATION\s+PORT\s+CONN\s+REQ\s+DROPPED\s+VERDICTS\s+LAST SEEN$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ["shop/api", "data/pg", "TCP/5432", "1"],
      ["shop/web", "shop/api", "TCP/8080", "1"],
    ]);
  });

  it("takes windows as durations or RFC 3339 times, and filters by namespace or workload", async () => {
    const all = JSON.parse(await run("--since", "3d", "-o", "json")) as { edges: { destination: string }[] };
    expect(all.edges.map((e) => e.destination)).toEqual(["data/Deployment/pg", "shop/Deployment/api", "world:203.0.113.5"]);
    const old = JSON.parse(await run("--since", "2026-02-26T00:00:00Z", "--until", "24h", "-o", "json")) as { edges: unknown[] };
    expect(old.edges).toHaveLength(1);
    const data = JSON.parse(await run("--namespace", "data", "-o", "json")) as { edges: unknown[] };
    expect(data.edges).toHaveLength(1);
    expect(await run("--workload", "shop/nothing")).toBe("window 2026-02-28T12:00:00.000Z to 2026-03-01T12:00:00.000Z\nno traffic observed in this window\n");
  });

  it("draws Graphviz output", async () => {
    const dot = await run("-o", "dot");
    expect(dot).toContain('[label="pg\\nDeployment"]');
    expect(dot).toContain('color="red"');
  });

  it("leaves out, with a note naming it, an identity stored with a name that is not valid", async () => {
    const bad = join(dir, "bad-names.db");
    writeGraphWithBadNamespace(bad, NOW - HOUR);
    let out = "";
    let notes = "";
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerGraphCommand(program, { now: () => NOW, write: (text) => { out += text; }, note: (text) => { notes += text; } });
    await program.parseAsync(["graph", "--db", bad, "-o", "dot"], { from: "user" });
    expect(notes).toMatch(/^note: "\.\.\/\.\.\/Deployment\/x" left out with its 2 edges: /);
    expect(out).not.toContain("../..");
    expect(out).toContain('[label="web\\nDeployment"]');
  });

  it("prints totals and top talkers with --top", async () => {
    const out = await run("--top", "1");
    expect(out).toContain("3 identities, 2 edges, 2 connections, 0 requests, 1 dropped, 0 events lost");
    expect(out).toMatch(/shop\/Deployment\/api\s+sent 1\s+received 1\s+dropped 1\s+peers 2/);
  });

  it("rejects bad options with a usage error and a missing database with its name", async () => {
    await expect(run("-o", "yaml")).rejects.toThrow(new UsageError('-o must be one of table, json, dot, got "yaml"'));
    await expect(run("--since", "soon")).rejects.toThrow(UsageError);
    const program = new Command().exitOverride();
    registerGraphCommand(program);
    await expect(program.parseAsync(["graph", "--db", join(dir, "none.db")], { from: "user" })).rejects.toThrow(GraphStoreError);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { connection, workload } from "../../graph/testdata/connections.js";
import { policyCommandDeps } from "../setup/policy-files.js";
import { registerWhatIfCommand } from "./whatif.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const dir = await mkdtemp(join(tmpdir(), "whatif-command-"));
const db = join(dir, "graph.db");
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

writeGraphFile(db, [
    connection(NOW - 3_600_000, workload("shop", "web"), workload("shop", "db"), { port: 5432 }),
    connection(NOW - 3_600_000, workload("shop", "api"), workload("shop", "db"), { port: 5432 }),
  ]);

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: api } } }]
      ports: [{ port: 5432 }]
    - from: [{ podSelector: { matchLabels: { app: batch } } }]
`;

async function run(...args: string[]): Promise<{ out: string; code: number }> {
  let out = "";
  let code = 0;
  const deps = policyCommandDeps(() => undefined, { write: (t) => { out += t; }, setExitCode: (c) => { code = c; } });
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerWhatIfCommand(program, { ...deps, now: () => NOW });
  await program.parseAsync(["whatif", "--db", db, ...args], { from: "user" });
  return { out, code };
}

describe("hubble-auditor whatif", () => {
  it("lists observed connections the proposal drops and its unused rules, exit code 1", async () => {
    const file = join(dir, "db.yaml");
    await writeFile(file, POLICY);
    const { out, code } = await run("--policies", file);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe("window 2026-02-22T12:00:00.000Z to 2026-03-01T12:00:00.000Z");
    expect(lines[1]).toBe("would drop: ingress of shop/Deployment/db: shop/Deployment/web -> shop/Deployment/db TCP/5432 (1 connections, 0 requests) [isolated by netpol/shop/db-ingress]");
    expect(lines.some((l) => l.startsWith("unused: allow rule netpol/shop/db-ingress spec.ingress[1]"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^1 policies: 1 observed edges dropped, 2 more under default-deny, \d+ unused rules or pieces$/);
    expect(code).toBe(1);
  });

  it("prints JSON on request", async () => {
    const file = join(dir, "db2.yaml");
    await writeFile(file, POLICY);
    const report = JSON.parse((await run("--policies", file, "-o", "json")).out) as { window: unknown; dropped: unknown[] };
    expect(report.dropped).toHaveLength(1);
    expect(report.window).toEqual({ since: "2026-02-22T12:00:00.000Z", until: "2026-03-01T12:00:00.000Z" });
  });
});

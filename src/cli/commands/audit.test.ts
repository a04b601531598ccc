import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { connection, side, workload, world } from "../../graph/testdata/connections.js";
import { loadPolicyFiles } from "../../policy/sources/index.js";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";
import { UsageError } from "../usage-error.js";
import { registerAuditCommand } from "./audit.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const dir = await mkdtemp(join(tmpdir(), "audit-command-"));
const db = join(dir, "graph.db");
const policies = join(dir, "policies.yaml");
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
  - from: [{podSelector: {matchLabels: {app: batch}}}]
    ports: [{port: 9090}]
`;

await writeFile(policies, POLICY);
writeGraphFile(db, [
    connection(NOW - 2 * HOUR, workload("shop", "web"), workload("shop", "api")),
    connection(NOW - 2 * HOUR, workload("shop", "api"), world("203.0.113.5", ["api.stripe.com"]), { port: 443 }),
    connection(NOW - 3 * HOUR, workload("shop", "web"), workload("shop", "api"), { port: 9000, verdict: "DROPPED", ingress: side("DROPPED", "drop"), egress: undefined }),
    connection(NOW - 30 * 24 * HOUR, workload("shop", "batch"), workload("shop", "api"), { port: 9090 }),
  ]);

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAuditCommand(program, {
    loadPolicyDocuments: async (paths) => ({ documents: (await loadPolicyFiles(paths)).documents, fileProblems: 0 }),
    loadKubernetesDocuments: () => Promise.resolve(yamlDocuments(POLICY)),
    write: (text) => { out += text; },
    warn: (text) => { err += text; },
    now: () => NOW,
  });
  await program.parseAsync(["audit", "--db", db, ...args], { from: "user" });
  return { out, err };
}

interface JsonReport {
  readonly window: { readonly since: string };
  readonly findings: readonly { readonly id: string; readonly evidence: Record<string, unknown> }[];
  readonly summary: { readonly policyDropped: number };
}

describe("hubble-auditor audit", () => {
  it("audits the last 7 days against policy files, with the last match from the whole history", async () => {
    const report = JSON.parse((await run("--policies", policies, "-o", "json")).out) as JsonReport;
    expect(report.window.since).toBe(new Date(NOW - 7 * 24 * HOUR).toISOString());
    const ids = report.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([
      "would-be-drop:egress:shop/Deployment/api",
      "would-be-drop:egress:shop/Deployment/web",
      "policy-drop:shop/Deployment/web -> shop/Deployment/api TCP/9000",
      "unused-allow:netpol/shop/api:spec.ingress[1]",
    ]));
    const unused = report.findings.find((f) => f.id === "unused-allow:netpol/shop/api:spec.ingress[1]");
    expect(unused?.evidence.lastMatched).toBe(new Date(NOW - 30 * 24 * HOUR).toISOString());
    const drop = report.findings.find((f) => f.id === "would-be-drop:egress:shop/Deployment/web");
    expect(JSON.stringify(drop?.evidence)).toContain('"sourceIp":"10.0.0.1"');
  });

  it("takes the window from --since and --until, and the policies from the cluster", async () => {
    const old = JSON.parse((await run("--kubernetes", "--since", "40d", "--until", "20d", "-o", "json")).out) as JsonReport;
    expect(old.findings.map((f) => f.id)).toEqual(["would-be-drop:egress:shop/Deployment/batch", "unused-allow:netpol/shop/api:spec.ingress[0]"]);
  });

  it("prints a table by default and narrows to a namespace", async () => {
    const { out } = await run("--policies", policies, "--namespace", "shop");
    expect(out).toMatch(/^shop\s+2\s+1\/0\s+2\s+0%\s+1\s+4$/m);
    expect(out).toMatch(/^high\s+would-be-drop\s+shop\s+/m);
  });

  it("documents every option in --help", () => {
    const program = new Command();
    registerAuditCommand(program, { loadPolicyDocuments: () => Promise.resolve({ documents: [], fileProblems: 0 }), write: () => undefined, warn: () => undefined });
    const help = program.commands.find((c) => c.name() === "audit")?.helpInformation() ?? "";
    for (const option of ["--db", "--policies", "--kubernetes", "--kubeconfig", "--context", "--namespace", "--since", "--until", "--semantics", "--output"]) {
      expect(help).toContain(option);
    }
  });

  it("rejects bad invocations with one-line usage errors", async () => {
    await expect(run()).rejects.toThrow(new UsageError("give the policies to audit against: --policies PATH... or --kubernetes"));
    await expect(run("--policies", policies, "--kubernetes")).rejects.toThrow(new UsageError("give either --policies or --kubernetes, not both"));
    await expect(run("--policies", policies, "-o", "yaml")).rejects.toThrow(new UsageError('-o must be table or json, got "yaml"'));
    await expect(run("--policies", policies, "--semantics", "strict")).rejects.toThrow(UsageError);
    await expect(run("--policies", policies, "--since", "soon")).rejects.toThrow(UsageError);
    await expect(run("--policies", policies, "--context", "x")).rejects.toThrow(new UsageError("--kubeconfig and --context need --kubernetes"));
  });
});

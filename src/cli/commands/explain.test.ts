import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { policyCommandDeps } from "../setup/policy-files.js";
import { UsageError } from "../usage-error.js";
import { registerExplainCommand } from "./explain.js";

const dir = await mkdtemp(join(tmpdir(), "explain-command-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = join(dir, "cluster.yaml");
await writeFile(
  file,
  `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-7d9f-abcde, namespace: shop, labels: {app: web}, ownerReferences: [{kind: ReplicaSet, name: web-7d9f}]}
  spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
  status: {podIP: 10.0.0.5}
- apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: shop, labels: {app: db}}
  status: {podIP: 10.0.0.6}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web, namespace: shop}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress: [{from: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: http}]}]
`,
);

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const warn = (text: string): void => {
    err += text;
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: warn, writeOut: () => undefined });
  registerExplainCommand(program, policyCommandDeps(warn, { write: (t) => (out += t), setExitCode: () => undefined }));
  await program.parseAsync(["explain", "--policies", file, ...args], { from: "user" });
  return { out, err };
}

describe("hubble-auditor explain", () => {
  it("explains an allowed connection in words, naming the rule", async () => {
    const r = await run("--from", "shop/db-0", "--to", "shop/web", "--port", "8080/TCP");
    expect(r.out).toBe(
      [
        "shop/db-0 -> shop/web on 8080/TCP: ALLOWED (semantics: cilium)",
        "Egress of shop/db-0: not isolated (no policy enables default deny here), so traffic is allowed.",
        "Ingress of shop/web: allowed by rule:",
        "  - netpol/shop/web spec.ingress[0].from[0]",
        "",
      ].join("\n"),
    );
  });

  it("explains a default deny, by IP address and named port on the wrong protocol", async () => {
    const r = await run("--from", "10.0.0.6", "--to", "10.0.0.5", "--port", "8080/udp");
    expect(r.out).toContain("10.0.0.6 -> 10.0.0.5 on 8080/UDP: DENIED");
    expect(r.out).toContain("Ingress of 10.0.0.5: denied by default; isolated by netpol/shop/web and no rule allows 8080/UDP from 10.0.0.6.");
  });

  it("an address outside the cluster is the world", async () => {
    const r = await run("--from", "203.0.113.9", "--to", "shop/web", "--port", "8080");
    expect(r.out).toContain(": DENIED");
  });

  it("warns when a workload has no Pod object", async () => {
    const r = await run("--from", "shop/ghost", "--to", "shop/web", "--port", "8080/TCP");
    expect(r.err).toBe("warning: no Pod object for shop/ghost; using only its namespace labels\n");
  });

  it.each([
    [["--from", "shop/db-0", "--to", "web", "--port", "80"], '--to: peer must be ns/workload or an IP address, got "web"'],
    [["--from", "shop/db-0", "--to", "shop/web", "--port", "http"], '--port must look like 80/TCP, got "http"'],
    [["--from", "shop/db-0", "--to", "shop/web", "--port", "80", "--semantics", "calico"], '--semantics must be cilium or upstream, got "calico"'],
  ])("usage error %j", async (args, message) => {
    await expect(run(...args)).rejects.toThrow(new UsageError(message));
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";
import { policyCommandDeps } from "../setup/policy-files.js";
import { UsageError } from "../usage-error.js";
import { registerPoliciesCheckCommand } from "./policies-check.js";
import { registerPoliciesExplainCommand } from "./policies-explain.js";

const dir = await mkdtemp(join(tmpdir(), "policies-explain-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NP = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
  egress: []
`;

const CNP = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  egressDeny: [{toEntities: [world]}]
  egress: [{toEndpoints: [{matchLabels: {app: db}}], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec:
  podSelector: {}
  ingress: [{ports: [{port: 8080, endPort: 80}]}]
`;

const np = join(dir, "np.yaml");
const cnp = join(dir, "cnp.yaml");
await writeFile(np, NP);
await writeFile(cnp, CNP);

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const warn = (text: string): void => {
    err += text;
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const deps = policyCommandDeps(warn, { write: (t) => (out += t) });
  registerPoliciesCheckCommand(program, deps);
  registerPoliciesExplainCommand(program, { ...deps, loadKubernetesDocuments: () => Promise.resolve(yamlDocuments(NP, "cluster")) });
  await program.parseAsync(["policies", "explain", ...args], { from: "user" });
  return { out, err };
}

describe("hubble-auditor policies explain", () => {
  it("prints a block per target from files, with the bad policy reported and skipped", async () => {
    const r = await run(np, cnp);
    const blocks = r.out.split("\n\n");
    expect(blocks).toHaveLength(3);
    // The broken policy's only rule is skipped, so it isolates shop's pods and allows nothing.
    expect(blocks.shift()).toMatch(/^ingress allow +shop: all +netpol\/shop\/broken spec +none +none$/m);
    // Targets sort by selector: all, any:app=api, k8s:app=db.
    expect(blocks[0]).toMatch(/^TYPE +TARGET +SOURCE RULES +PEER +PORT\/PROTOCOL\n/);
    expect(blocks[0]).toMatch(/^egress deny +shop: any:app=api +cnp\/shop\/api spec\.egressDeny\[0\] +entity:world +all$/m);
    expect(blocks[0]).toMatch(/^egress allow +cnp\/shop\/api spec\.egress\[0\] +any:app=db, k8s:io\.kubernetes\.pod\.namespace=shop +5432\/TCP$/m);
    expect(blocks[0]).toMatch(/\ningress: not isolated \(allowed unless a deny rule matches\)\negress: isolated \(default deny\) by cnp\/shop\/api$/);
    expect(blocks[1]).toMatch(/^ingress allow +shop: k8s:app=db +netpol\/shop\/db spec\.ingress\[0\] +k8s:app=api, k8s:io\.kubernetes\.pod\.namespace=shop +5432\/TCP$/m);
    // `egress: []` with Egress in policyTypes isolates and allows nothing.
    expect(blocks[1]).toMatch(/^egress allow +netpol\/shop\/db spec +none +none$/m);
    expect(r.err).toBe(`problem: ${cnp}#1 NetworkPolicy shop/broken spec.ingress[0].ports[0].endPort: endPort 80 is less than port 8080 (rule spec.ingress[0] ignored: the policy allows less than written)\n`);
  });

  it("-o json gives the same rows as data", async () => {
    const json = JSON.parse((await run(np, "-o", "json")).out) as { targets: { target: string; rows: { type: string; policy: string; path: string; peers: string[]; ports: string[] }[] }[] };
    expect(json.targets.map((t) => t.target)).toEqual(["shop: k8s:app=db"]);
    expect(json.targets[0]?.rows).toEqual([
      expect.objectContaining({ type: "ingress allow", policy: "netpol/shop/db", path: "spec.ingress[0]", peers: ["k8s:app=api, k8s:io.kubernetes.pod.namespace=shop"], ports: ["5432/TCP"] }),
      expect.objectContaining({ type: "egress allow", policy: "netpol/shop/db", path: "spec", peers: ["none"], ports: ["none"] }),
    ]);
  });

  it("k8s reads the cluster's policies", async () => {
    expect((await run("k8s")).out).toBe((await run(np)).out);
  });

  it("rejects bad invocations with one-line usage errors", async () => {
    await expect(run("k8s", np)).rejects.toThrow(new UsageError("policies explain takes either k8s or files and directories, not both"));
    await expect(run(np, "-o", "yaml")).rejects.toThrow(new UsageError('-o must be table or json, got "yaml"'));
    await expect(run(np, "--context", "prod")).rejects.toThrow(new UsageError("--kubeconfig and --context need k8s as a policy source"));
  });

  it("a policy path that does not exist is an error naming it", async () => {
    await expect(run(join(dir, "missing"))).rejects.toThrow(`cannot read policies from ${join(dir, "missing")}: no such file or directory`);
  });
});

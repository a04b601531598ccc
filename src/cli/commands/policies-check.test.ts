import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPathError } from "../../policy/sources/index.js";
import { policyCommandDeps } from "../setup/policy-files.js";
import { registerPoliciesCheckCommand } from "./policies-check.js";

const dir = await mkdtemp(join(tmpdir(), "policies-check-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GOOD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: dns}
spec:
  endpointSelector: {}
  egress: [{toEntities: [kube-apiserver]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
`;

const BAD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec:
  podSelector: {}
  ingress: [{}, {}, {ports: [{port: 8080, endPort: 80}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: regex, namespace: shop}
spec:
  endpointSelector: {}
  ingress: [{toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{path: "/(a)\\\\1"}]}}]}]
`;

const good = join(dir, "good");
const bad = join(dir, "bad");
await mkdir(good);
await mkdir(bad);
await writeFile(join(good, "policies.yaml"), GOOD);
await writeFile(join(bad, "policies.yaml"), BAD);
await writeFile(join(bad, "syntax.yaml"), "kind: [unclosed\n");

async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  let exitCode: number | undefined;
  const warn = (text: string): void => {
    err += text;
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: warn, writeOut: () => undefined });
  registerPoliciesCheckCommand(program, policyCommandDeps(warn, { write: (t) => (out += t), setExitCode: (c) => (exitCode = c) }));
  await program.parseAsync(["policies", "check", ...args], { from: "user" });
  return { out, err, exitCode };
}

describe("hubble-auditor policies check", () => {
  it("summarises valid files and notes ignored kinds", async () => {
    const r = await run(good);
    expect(r.out).toBe(
      [
        `ignored: ${join(good, "policies.yaml")} Service web: kind Service is not used by the policy model`,
        "NetworkPolicy: 1",
        "CiliumNetworkPolicy: 0",
        "CiliumClusterwideNetworkPolicy: 1",
        "Namespace: 0, Pod: 0",
        "namespaces with policies: 1, rule sections: 3, host policies (not evaluated): 0",
        "problems: 0",
        "",
      ].join("\n"),
    );
    expect(r.err).toBe("");
    expect(r.exitCode).toBeUndefined();
  });

  it("names file, document, object and field of each problem, with its effect; the rest still loads", async () => {
    const r = await run(good, bad);
    const file = join(bad, "policies.yaml");
    expect(r.out).toContain(
      `problem: ${file}#0 NetworkPolicy shop/broken spec.ingress[2].ports[0].endPort: endPort 80 is less than port 8080 (rule spec.ingress[2] ignored: the policy allows less than written)`,
    );
    expect(r.out).toContain(
      `problem: ${file}#1 CiliumNetworkPolicy shop/regex spec.ingress[0].toPorts[0].rules.http[0].path: a backreference is not supported by RE2, which Cilium uses`,
    );
    expect(r.out).toContain("NetworkPolicy: 2\nCiliumNetworkPolicy: 1\n");
    expect(r.out).toContain("problems: 3 (1 while reading files, reported on stderr)\n");
    expect(r.err).toMatch(/^problem: .*syntax\.yaml, document 0, line \d+: invalid YAML/m);
    expect(r.exitCode).toBeUndefined();
  });

  it("--strict turns problems into exit code 1", async () => {
    expect((await run("--strict", bad)).exitCode).toBe(1);
    expect((await run("--strict", good)).exitCode).toBeUndefined();
  });

  it("a path that does not exist is an error naming it, and nothing is summarised", async () => {
    const missing = join(dir, "missing");
    const outcome = run(good, missing);
    await expect(outcome).rejects.toThrow(new PolicyPathError([{ file: missing, message: "no such file or directory" }]));
    await expect(outcome).rejects.toThrow(`cannot read policies from ${missing}: no such file or directory`);
  });

  it("a directory without policy files is a warning, not an error or a problem", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    const r = await run("--strict", empty);
    expect(r.err).toBe(`warning: ${empty}: no policy files (*.yaml, *.yml, *.json) in this directory\n`);
    expect(r.out).toContain("NetworkPolicy: 0\n");
    expect(r.out).toContain("problems: 0\n");
    expect(r.exitCode).toBeUndefined();
  });
});

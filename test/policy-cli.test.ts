/**
 * The policy commands through the built command line (`npm run build` makes dist; CI builds
 * it in `npm ci`): exit codes and one-line usage errors come from the real entry point.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeGraphFile } from "../src/graph/testdata/graph-file.js";

const MAIN = join(import.meta.dirname, "../dist/src/cli/main.js");
const dir = await mkdtemp(join(tmpdir(), "policy-cli-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = join(dir, "good.yaml");
const bad = join(dir, "bad.yaml");
const flows = join(dir, "flows.json");
await writeFile(good, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}}\n");
await writeFile(bad, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {x: [1]}}}\n");
await writeFile(flows, "");
// An empty graph: the commands that read one get as far as the policies without failing on it.
const db = join(dir, "graph.db");
writeGraphFile(db, []);

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(MAIN))("policy commands through the built CLI", () => {
  it("policies check: 0 when clean, 1 with --strict and a problem", async () => {
    expect((await cli("policies", "check", "--strict", good)).code).toBe(0);
    const r = await cli("policies", "check", "--strict", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("spec.podSelector.matchLabels.x: label value must be a string (policy ignored: it isolates no pod and allows nothing)");
  });

  it("usage errors exit 2 with one line", async () => {
    const r = await cli("simulate", "--policies", good, "--flows", flows, "-o", "xml");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hubble-auditor: -o must be jsonl or table, got "xml"\n');
    const missing = await cli("simulate", "--policies", good);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    ["policies check", (missing: string) => ["policies", "check", good, missing]],
    ["simulate", (missing: string) => ["simulate", "--policies", good, missing, "--flows", flows]],
    ["explain", (missing: string) => ["explain", "--policies", missing, "--from", "b/x", "--to", "a/y", "--port", "80/TCP"]],
    ["whatif", (missing: string) => ["whatif", "--policies", missing, "--db", db]],
    ["audit", (missing: string) => ["audit", "--policies", missing, "--db", db]],
  ])("%s: a policy path that does not exist is one error line naming it, exit code 2 and no output", async (_name, args) => {
    const missing = join(dir, "no-such-policies.yaml");
    const r = await cli(...args(missing));
    expect(r).toEqual({ code: 2, stdout: "", stderr: `hubble-auditor: cannot read policies from ${missing}: no such file or directory\n` });
  });

  it("a directory without policy files is a warning on stderr, not an error", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty);
    const r = await cli("simulate", "--policies", empty, "--flows", flows, "--strict");
    expect(r).toEqual({ code: 0, stdout: "", stderr: `warning: ${empty}: no policy files (*.yaml, *.yml, *.json) in this directory\n` });
  });

  it("audit --kubernetes against an API server that refuses connections fails in seconds, naming it and the cause", async () => {
    const kubeconfig = join(dir, "kubeconfig.yaml");
    await writeFile(kubeconfig, [
      "apiVersion: v1", "kind: Config", "current-context: down",
      "clusters: [{name: down, cluster: {server: 'https://127.0.0.1:1'}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: down, context: {cluster: down, user: u}}]", "",
    ].join("\n"));
    const started = performance.now();
    const r = await cli("audit", "--kubernetes", "--kubeconfig", kubeconfig, "--db", db);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const last = r.stderr.trimEnd().split("\n").at(-1);
    expect(last).toMatch(/^hubble-auditor: cannot list NetworkPolicy objects from the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(retried for 5 s\): GET \/apis\/networking\.k8s\.io\/v1\/networkpolicies\?limit=500 failed: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });

  it("explain prints the verdict in words", async () => {
    const r = await cli("explain", "--policies", good, "--from", "b/x", "--to", "a/y", "--port", "80/TCP");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^b\/x -> a\/y on 80\/TCP: DENIED \(semantics: cilium\)\n/);
  });
  it("test exits 0 when every case passes, 1 when one fails, 2 for a bad matrix naming file, line and field", async () => {
    const matrix = (expect: string): string => `cases:\n  - {from: {namespace: b, labels: {app: x}}, to: {namespace: a, labels: {app: y}}, port: 80, expect: ${expect}}\n`;
    const [pass, fail, broken] = [join(dir, "pass.yaml"), join(dir, "fail.yaml"), join(dir, "broken.yaml")];
    await Promise.all([writeFile(pass, matrix("deny")), writeFile(fail, matrix("allow")), writeFile(broken, matrix("maybe"))]);
    expect((await cli("test", pass, "--policies", good)).code).toBe(0);
    const failed = await cli("test", fail, "--policies", good, "-o", "junit");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('<failure message="expected allow, policies say denied for b{app=x} -&gt; a{app=y} 80/TCP: ingress: default deny (isolated by netpol/a/p)" type="policy">');
    const bad = await cli("test", broken, "--policies", good);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(`problem: ${broken}:2: cases[0].expect: must be allow or deny\nhubble-auditor: bad matrix: ${broken}:2: cases[0].expect: must be allow or deny\n`);
  });
});

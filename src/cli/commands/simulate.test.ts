import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPathError } from "../../policy/sources/index.js";
import { flowReader, policyCommandDeps } from "../setup/policy-files.js";
import { UsageError } from "../usage-error.js";
import { registerSimulateCommand } from "./simulate.js";

const dir = await mkdtemp(join(tmpdir(), "simulate-command-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {role: frontend}}}]
    ports: [{port: 5432}]
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-ssh, namespace: default}
spec:
  endpointSelector: {}
  ingressDeny: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
`;

function endpoint(role: string, id: number): Record<string, unknown> {
  const labels = [`k8s:role=${role}`, "k8s:io.kubernetes.pod.namespace=default"];
  return { ID: id, identity: 1000 + id, namespace: "default", labels, pod_name: `${role}-0` };
}

function flowLine(src: [string, string], dst: [string, string], port: number, reply = false): string {
  const [srcRole, srcIp] = src;
  const [dstRole, dstIp] = dst;
  const l4 = { TCP: { source_port: reply ? port : 40000, destination_port: reply ? 40000 : port, flags: reply ? { ACK: true } : { SYN: true } } };
  const flow = {
    time: "2026-01-01T00:00:00Z",
    verdict: "FORWARDED",
    IP: { source: srcIp, destination: dstIp, ipVersion: "IPv4" },
    l4,
    source: endpoint(srcRole, 1),
    destination: endpoint(dstRole, 2),
    Type: "L3_L4",
    node_name: "n1",
    is_reply: reply,
  };
  return JSON.stringify({ flow, node_name: "n1", time: "2026-01-01T00:00:00Z" });
}

const FRONTEND: [string, string] = ["frontend", "10.0.0.1"];
const DB: [string, string] = ["db", "10.0.0.2"];
const OTHER: [string, string] = ["other", "10.0.0.3"];
const policyDir = join(dir, "policies");
const flowFile = join(dir, "flows.json");
await mkdir(policyDir);
await writeFile(join(policyDir, "policies.yaml"), POLICIES);
await writeFile(
  flowFile,
  `${[flowLine(FRONTEND, DB, 5432), flowLine(OTHER, DB, 5432), "{not json", flowLine(FRONTEND, DB, 22), flowLine(DB, FRONTEND, 5432, true)].join("\n")}\n`,
);

interface Run {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number | undefined;
}

async function run(...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  let exitCode: number | undefined;
  const warn = (text: string): void => {
    err += text;
  };
  const deps = policyCommandDeps(warn, { write: (t) => (out += t), setExitCode: (c) => (exitCode = c) });
  const program = new Command().exitOverride().configureOutput({ writeErr: warn, writeOut: () => undefined });
  registerSimulateCommand(program, { ...deps, readFlows: flowReader(warn) });
  await program.parseAsync(["simulate", ...args], { from: "user" });
  return { out, err, exitCode };
}

const verdicts = (out: string): string[] =>
  out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { index: number; verdict: string; ingress: { verdict: string } })
    .map((r) => `${r.index}:${r.verdict}/${r.ingress.verdict}`);

describe("hubble-auditor simulate", () => {
  it("prints one JSON line per flow, in input order, and reports the bad line", async () => {
    const r = await run("--policies", policyDir, "--flows", flowFile);
    expect(verdicts(r.out)).toEqual(["0:allowed/allowed", "1:denied/denied", "2:denied/denied", "3:allowed/allowed"]);
    const lines = r.out.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      index: 0,
      verdict: "allowed",
      egress: { verdict: "not-isolated", rules: [] },
      ingress: { verdict: "allowed", rules: [{ policy: "netpol/default/db", action: "allow", path: "spec.ingress[0].from[0]" }] },
      unsupported: [],
    });
    expect(lines[2]).toMatchObject({ ingress: { rules: [{ policy: "cnp/default/no-ssh", action: "deny" }] } });
    expect(lines[3]).toMatchObject({ reply: true, verdict: "allowed" });
    expect(r.err).toMatch(/^skipped .*flows\.json:3: /m);
    expect(r.exitCode).toBeUndefined();
  });

  it("--semantics upstream lets an ipBlock match a pod address, as the Kubernetes spec does", async () => {
    const r = await run("--policies", policyDir, "--flows", flowFile, "--semantics", "upstream");
    expect(verdicts(r.out)).toEqual(["0:allowed/allowed", "1:allowed/allowed", "2:denied/denied", "3:allowed/allowed"]);
  });

  it("-o table prints a header and one row per flow in order", async () => {
    const r = await run("--policies", policyDir, "--flows", flowFile, "-o", "table");
    const rows = r.out.trimEnd().split("\n");
    expect(rows[0]).toBe("INDEX  VERDICT  EGRESS        INGRESS       RULES");
    expect(rows.slice(1).map((l) => l.split(/\s+/).slice(0, 4).join(" "))).toEqual([
      "0 allowed not-isolated allowed",
      "1 denied not-isolated denied",
      "2 denied not-isolated denied",
      "3 allowed not-isolated allowed",
    ]);
    expect(rows[3]).toContain("cnp/default/no-ssh:spec.ingressDeny[0]");
  });

  it("--strict sets exit code 1 when a policy has problems, and still simulates", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, POLICIES.replace("port: 5432", "port: 70000"));
    const r = await run("--policies", bad, "--flows", flowFile, "--strict");
    expect(r.exitCode).toBe(1);
    expect(r.err).toContain("problem: ");
    expect(r.err).toContain("spec.ingress[0].ports[0].port: port 70000 is out of range 1-65535");
    expect(verdicts(r.out)).toHaveLength(4);
  });

  it.each([
    [["--semantics", "k8s"], '--semantics must be cilium or upstream, got "k8s"'],
    [["-o", "xml"], '-o must be jsonl or table, got "xml"'],
  ])("usage error %j", async (extra, message) => {
    await expect(run("--policies", policyDir, "--flows", flowFile, ...extra)).rejects.toThrow(new UsageError(message));
  });

  it("a policy path that does not exist is an error naming it, not a run where everything is allowed", async () => {
    const missing = join(dir, "no-such-policies");
    let out = "";
    let err = "";
    const deps = policyCommandDeps((t) => (err += t), { write: (t) => (out += t), setExitCode: () => undefined });
    const program = new Command().exitOverride();
    registerSimulateCommand(program, { ...deps, readFlows: flowReader(() => undefined) });
    await expect(program.parseAsync(["simulate", "--policies", policyDir, missing, "--flows", flowFile, "-o", "table"], { from: "user" })).rejects.toThrow(
      new PolicyPathError([{ file: missing, message: "no such file or directory" }]),
    );
    expect(out).toBe("");
    expect(err).toBe("");
  });

  it("a missing required option is a commander usage error", async () => {
    await expect(run("--policies", policyDir)).rejects.toMatchObject({ code: "commander.missingMandatoryOptionValue" });
  });
});

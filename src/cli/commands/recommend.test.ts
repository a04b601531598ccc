import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { list } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { writeGraphWithBadNamespace } from "../../graph/testdata/bad-names.js";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { connection, workload, world } from "../../graph/testdata/connections.js";
import { UsageError } from "../usage-error.js";
import { RecommendationIncompleteError, registerRecommendCommand } from "./recommend.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const dir = await mkdtemp(join(tmpdir(), "recommend-command-"));
const db = join(dir, "graph.db");
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

writeGraphFile(db, [
    connection(NOW - 2 * HOUR, workload("shop", "web"), workload("shop", "api")),
    connection(NOW - 2 * HOUR, workload("shop", "api"), world("203.0.113.5", ["api.example.com."]), { port: 443 }),
    connection(NOW - 2 * HOUR, workload("shop", "api"), workload("data", "pg"), { port: 5432, verdict: "DROPPED" }),
    connection(NOW - 30 * 24 * HOUR, workload("shop", "web"), workload("shop", "old"), { port: 9000 }),
  ]);

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRecommendCommand(program, { now: () => NOW, write: (t) => { out += t; }, warn: (t) => { err += t; } });
  await program.parseAsync(["recommend", ...(args.includes("--db") ? [] : ["--db", db]), ...args], { from: "user" });
  return { out, err };
}

const names = (yaml: string): string[] =>
  parseAllDocuments(yaml).map((d) => {
    const o = d.toJS() as { kind: string; metadata: { namespace: string; name: string } };
    return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
  });

describe("hubble-auditor recommend", () => {
  it("prints validated CiliumNetworkPolicies for the last 7 days as YAML, with a summary on stderr", async () => {
    const { out, err } = await run("--kind", "cilium");
    // No namespace named: workload policies only, no namespace-wide default-deny.
    expect(names(out)).toEqual(["CiliumNetworkPolicy shop/api-ingress", "CiliumNetworkPolicy shop/api-egress", "CiliumNetworkPolicy shop/web-egress"]);
    expect(out).toContain("matchName: api.example.com");
    expect(err).toMatch(/^window 2026-02-22T12:00:00.000Z to 2026-03-01T12:00:00.000Z\n3 policies from 2 observed edges\nCiliumNetworkPolicy: replayed 2 forwarded flows of the window: 0 denied\n/);
    expect(err).toContain("by the rules alone (as under default-deny)");
  });

  it("writes a default-deny for each namespace named, and for all with --default-deny all", async () => {
    const named = await run("--kind", "cilium", "--namespace", "shop", "data");
    expect(names(named.out).filter((n) => n.endsWith("default-deny"))).toEqual(["CiliumNetworkPolicy data/default-deny", "CiliumNetworkPolicy shop/default-deny"]);
    const all = await run("--kind", "networkpolicy", "--default-deny", "all", "-o", "json");
    const list = JSON.parse(all.out) as { items: { metadata: { name: string; namespace: string } }[] };
    expect(list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).filter((n) => n.endsWith("default-deny"))).toEqual(["data/default-deny", "shop/default-deny"]);
  });

  it("includes dropped traffic when asked and honours an RFC 3339 window", async () => {
    const { out } = await run("--kind", "networkpolicy", "--include-drops", "--since", "2026-01-01T00:00:00Z", "-o", "json");
    const list = JSON.parse(out) as { kind: string; items: { metadata: { name: string; namespace: string } }[] };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "data/pg-ingress", "shop/api-ingress", "shop/api-egress", "shop/old-ingress", "shop/web-egress",
    ]);
  });

  it("writes per-namespace files and a kustomization to a directory or a tar archive", async () => {
    await run("--kind", "both", "--namespace", "shop", "data", "-o", `dir:${join(dir, "out")}`);
    expect(readFileSync(join(dir, "out", "kustomization.yaml"), "utf8")).toContain("- shop.yaml");
    expect(existsSync(join(dir, "out", "shop.yaml"))).toBe(true);
    const archive = join(dir, "policies.tgz");
    await run("--kind", "cilium", "--namespace", "shop", "data", "-o", `tar:${archive}`);
    const entries: string[] = [];
    await list({ file: archive, onReadEntry: (e) => { entries.push(e.path); } });
    expect(entries).toEqual(["data.yaml", "shop.yaml", "kustomization.yaml"]);
  });

  it("refuses, naming each workload and why, when a policy cannot be written least-privilege, unless --allow-partial", async () => {
    const cron = join(dir, "cron.db");
    const report = { ...workload("shop", "report"), labels: {}, ciliumLabels: ["k8s:io.kubernetes.pod.namespace=shop", "k8s:io.cilium.k8s.policy.serviceaccount=default"] };
    writeGraphFile(cron, [connection(NOW - HOUR, report, workload("shop", "api")), connection(NOW - HOUR, workload("shop", "web"), workload("shop", "api"))]);
    let err = "";
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    let out = "";
    registerRecommendCommand(program, { now: () => NOW, write: (t) => { out += t; }, warn: (t) => { err += t; } });
    await expect(program.parseAsync(["recommend", "--db", cron, "--kind", "networkpolicy"], { from: "user" })).rejects.toBeInstanceOf(RecommendationIncompleteError);
    expect(out).toBe("");
    expect(err).toContain("refused (NetworkPolicy, left out): shop/Deployment/report: no selector selects shop/report alone: its pods carry no stable label");
    expect(err).toContain("refused (NetworkPolicy, left out): shop/Deployment/api: ingress of shop/api: no selector matches shop/report alone");
    const partial = await run("--db", cron, "--kind", "networkpolicy", "--allow-partial");
    expect(names(partial.out)).toEqual(["NetworkPolicy shop/web-egress"]);
  });

  it.each([
    [["--kind", "calico"], '--kind must be one of networkpolicy, cilium, both, got "calico"'],
    [["--kind", "cilium", "-o", "xml"], '-o must be yaml, json, dir:PATH or tar:FILE, got "xml"'],
    [["--kind", "cilium", "--since", "yesterday"], "--since: expected a duration"],
    [["--kind", "cilium", "--world-prefix", "40"], '--world-prefix must be an integer from 8 to 32, got "40"'],
    [["--kind", "cilium", "--default-deny", "some"], '--default-deny must be one of named, all, none, got "some"'],
    [["--kind", "cilium", "--dns-names", "all"], '--dns-names must be pattern or exact, got "all"'],
    [["--kind", "cilium", "--public-ingress-threshold", "1"], '--public-ingress-threshold must be an integer of at least 2, got "1"'],
    [["--kind", "cilium", "--namespace", "Shop/../x"], 'namespace "Shop/../x" is not a valid Kubernetes namespace name'],
  ])("rejects %j with one line", async (args, message) => {
    const failure = run(...args);
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(message);
  });
});

describe("hubble-auditor recommend on a graph holding a stored bad namespace", () => {
  it("leaves that identity out with a warning that names it, and writes the rest safely", async () => {
    const bad = join(dir, "bad-names.db");
    writeGraphWithBadNamespace(bad, NOW - HOUR);
    const out = join(dir, "bad-out");
    const { err } = await run("--db", bad, "--kind", "both", "-o", `dir:${out}`);
    expect(err).toContain(`warning: "../../Deployment/x": left out with its 2 edges, no policies written for it: namespace "../.." is not a valid namespace name (DNS-1123 label`);
    expect(existsSync(join(out, "shop.yaml"))).toBe(true);
    const policies = names(readFileSync(join(out, "shop.yaml"), "utf8"));
    expect(policies).toContain("NetworkPolicy shop/web-egress");
    // shop/lonely's only peer was the bad identity: it is left out too.
    expect(policies.some((p) => p.includes("lonely"))).toBe(false);
    const tar = join(dir, "bad.tar");
    await run("--db", bad, "--kind", "cilium", "-o", `tar:${tar}`);
    const entries: string[] = [];
    await list({ file: tar, onReadEntry: (e) => { entries.push(e.path); } });
    expect(entries.sort()).toEqual(["kustomization.yaml", "shop.yaml"]);
  });
});

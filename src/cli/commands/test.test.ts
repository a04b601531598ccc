import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import type { WorkloadIdentity } from "../../flows/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { connection, workload, world } from "../../graph/testdata/connections.js";
import { loadPolicyFiles } from "../../policy/sources/index.js";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";
import { parseXml } from "../../policy-tests/testdata/xml-tree.js";
import { SEED_POLICIES } from "../../policy-tests/testdata/seed-policies.js";
import { policiesToYaml, recommendPolicies } from "../../recommend/index.js";
import { UsageError } from "../usage-error.js";
import { registerTestCommand } from "./test.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const dir = await mkdtemp(join(tmpdir(), "test-command-"));
const file = (name: string): string => join(dir, name);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function withLabels(w: WorkloadIdentity, extra: readonly string[]): WorkloadIdentity {
  return { ...w, ciliumLabels: [...w.ciliumLabels, ...extra] };
}

const web = workload("shop", "web");
const api = workload("shop", "api");
const postgres = workload("shop", "postgres");
const batch = workload("shop", "batch");
const coredns = withLabels(workload("kube-system", "coredns"), ["k8s:k8s-app=kube-dns"]);
await writeFile(file("policies.yaml"), SEED_POLICIES);
writeGraphFile(file("graph.db"), [
  connection(NOW - 2 * HOUR, web, api),
  connection(NOW - 2 * HOUR, api, postgres, { port: 5432 }),
  connection(NOW - 2 * HOUR, web, coredns, { port: 53, protocol: "UDP" }),
  connection(NOW - 2 * HOUR, api, coredns, { port: 53, protocol: "UDP" }),
  connection(NOW - 2 * HOUR, api, world("203.0.113.9", ["api.stripe.com."]), { port: 443 }),
  // batch has no Pod object: only the graph knows its labels.
  connection(NOW - 3 * HOUR, batch, postgres, { port: 5432 }),
]);

await writeFile(file("shop.yaml"), `cases:
  - {name: web calls api, from: shop/web, to: shop/api, port: http, expect: allow}
  - {name: api calls its database, from: shop/api, to: shop/postgres, port: 5432, expect: allow}
  - {name: dns, from: shop/web, to: kube-system/coredns, port: 53, protocol: UDP, expect: allow}
  - {name: web may not reach the database, from: shop/web, to: shop/postgres, port: 5432, expect: deny}
`);
await writeFile(file("RUNBOOK.md"), `# Runbook

| Source | Destination | Port | Expected | Name |
|---|---|---|---|---|
| shop/api | fqdn:api.stripe.com | 443 | allow | payments |
| shop/web | ip:203.0.113.9 | 443 | deny | web stays inside |
`);
await writeFile(file("broken.yaml"), `cases:
  - {from: shop/web, to: shop/api, port: 8080, expect: allow}
  - {from: shop/web, to: shop/api, port: 8080, expect: perhaps}
`);
await writeFile(file("wrong.yaml"), `cases:
  - {name: web reaches the database, from: shop/web, to: shop/postgres, port: 5432, expect: allow}
  - {name: web calls api, from: shop/web, to: shop/api, port: 8080, expect: allow}
`);
await writeFile(file("history.yaml"), `cases:
  - {name: batch is denied, from: shop/batch, to: shop/postgres, port: 5432, expect: deny}
  - {name: nightly job, from: shop/api, to: shop/postgres, port: 5433, expect: deny}
  - {name: never used, from: shop/web, to: kube-system/coredns, port: 53, protocol: TCP, expect: allow}
`);

interface Run {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

async function run(...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  let code = 0;
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerTestCommand(program, {
    loadPolicyDocuments: async (paths) => ({ documents: (await loadPolicyFiles(paths)).documents, fileProblems: 0 }),
    loadKubernetesDocuments: () => Promise.resolve(yamlDocuments(SEED_POLICIES, "cluster")),
    write: (text) => { out += text; },
    warn: (text) => { err += text; },
    setExitCode: (c) => { code = c; },
    now: () => NOW,
  });
  await program.parseAsync(["test", ...args], { from: "user" });
  return { out, err, code };
}

describe("hubble-auditor test", () => {
  it("passes the seed matrix against the seed policies: exit code 0, the table names the deciding rules", async () => {
    const { out, code } = await run(file("shop.yaml"), "--policies", file("policies.yaml"));
    expect(code).toBe(0);
    expect(out).toMatch(/^PASS +web calls api +shop\/web +shop\/api +http\/TCP +allow +allowed +egress: allowed by netpol\/shop\/web spec\.egress\[0\]\.to\[0\]; ingress: allowed by netpol\/shop\/api spec\.ingress\[0\]\.from\[0\]$/m);
    expect(out).toMatch(/^PASS +web may not reach the database .* deny +denied +egress: default deny \(isolated by netpol\/shop\/default-deny, netpol\/shop\/dns, netpol\/shop\/web\)/m);
    expect(out).toContain("4 cases: 4 passed, 0 failed\n");
  });

  it("reads Markdown tables and several matrices in one run, with policies from the cluster", async () => {
    const { out, code } = await run(file("shop.yaml"), file("RUNBOOK.md"), "--policies", "k8s", "-o", "json");
    expect(code).toBe(0);
    const json = JSON.parse(out) as { results: { name: string; file: string; line: number; status: string }[] };
    expect(json.results.map((r) => `${r.name} ${r.file.endsWith("RUNBOOK.md") ? "md" : "yaml"}:${r.line} ${r.status}`)).toEqual([
      "web calls api yaml:2 pass", "api calls its database yaml:3 pass", "dns yaml:4 pass", "web may not reach the database yaml:5 pass",
      "payments md:5 pass", "web stays inside md:6 pass",
    ]);
  });

  it("fails with exit code 1, and the JUnit file carries the rule", async () => {
    const { out, code } = await run(file("wrong.yaml"), "--policies", file("policies.yaml"), "-o", "junit");
    expect(code).toBe(1);
    const root = parseXml(out);
    const cases = root.children[0]?.children.filter((c) => c.name === "testcase") ?? [];
    expect(cases.map((c) => c.attributes.name)).toEqual(["web reaches the database", "web calls api"]);
    expect(cases[0]?.children.find((c) => c.name === "failure")?.attributes.message).toBe(
      "expected allow, policies say denied for shop/web -> shop/postgres 5432/TCP: egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/web); ingress: default deny (isolated by netpol/shop/default-deny, netpol/shop/postgres)",
    );
    expect(cases[1]?.children.map((c) => c.name)).toEqual(["system-out"]);
  });

  it("prints TAP", async () => {
    const { out, code } = await run(file("wrong.yaml"), "--policies", file("policies.yaml"), "-o", "tap");
    expect(code).toBe(1);
    expect(out.split("\n").slice(0, 3)).toEqual(["TAP version 13", "1..2", "not ok 1 - web reaches the database"]);
    expect(out).toContain("\nok 2 - web calls api\n");
  });

  it("with --db: resolves workloads from observed identities, fails on observed forwarded, warns on stale", async () => {
    const { out, code } = await run(file("history.yaml"), "--policies", file("policies.yaml"), "--db", file("graph.db"), "--since", "1d");
    expect(code).toBe(1);
    expect(out.split("\n")[0]).toBe(`window ${new Date(NOW - 24 * HOUR).toISOString()} to ${new Date(NOW).toISOString()}, semantics cilium`);
    expect(out).toMatch(/^FAIL +batch is denied .* deny +denied +OBSERVED FORWARDED \(1\) +egress: default deny \(isolated by netpol\/shop\/default-deny, netpol\/shop\/dns\)/m);
    expect(out).toMatch(/^PASS +nightly job .* not seen /m);
    expect(out).toMatch(/^WARN +never used .* allow +allowed +STALE +egress: allowed by netpol\/shop\/dns spec\.egress\[0\]\.to\[0\]/m);
    expect(out).toContain("  expected deny but observed forwarded: 1 connections got through in the window (enforcing would break them)\n");
    expect(out).toContain("3 cases: 2 passed, 1 failed, 1 stale (warnings, not failures)\n");
  });

  it("a stale case alone does not fail the run", async () => {
    await writeFile(file("stale.yaml"), "cases: [{from: shop/web, to: kube-system/coredns, port: 53, protocol: TCP, expect: allow}]\n");
    const { code, out } = await run(file("stale.yaml"), "--policies", file("policies.yaml"), "--db", file("graph.db"));
    expect(code).toBe(0);
    expect(out).toContain("1 cases: 1 passed, 0 failed, 1 stale (warnings, not failures)\n");
  });

  it("refuses a bad matrix with exit code 2, naming file, line and field, before testing anything", async () => {
    let err = "";
    await expect(run(file("broken.yaml"), file("shop.yaml"), "--policies", file("policies.yaml")).catch((e: unknown) => {
      err = String(e);
      throw e;
    })).rejects.toThrow(new UsageError(`bad matrix: ${file("broken.yaml")}:3: cases[1].expect: must be allow or deny`));
    expect(err).not.toContain("more problems");
  });

  it("refuses a workload it cannot resolve without a graph, saying what would resolve it", async () => {
    await writeFile(file("batch.yaml"), "cases:\n  - from: shop/batch\n    to: shop/postgres\n    port: 5432\n    expect: deny\n");
    await expect(run(file("batch.yaml"), "--policies", file("policies.yaml"))).rejects.toThrow(
      new UsageError(`bad matrix: ${file("batch.yaml")}:2: cases[0].from: workload shop/batch: no Pod object in the policy inputs and no observed traffic to look it up in (give a graph database with --db, or write the endpoint as {namespace, labels})`),
    );
  });

  it.each([
    [["missing.yaml", "--policies", "P"], "cannot read matrix missing.yaml: no such file"],
    [["S", "--policies", "P", "-o", "xml"], '-o must be one of table, junit, json, tap, got "xml"'],
    [["S"], "give the policies to test: --policies PATH... or --policies k8s"],
    [["S", "--policies", "k8s", "P"], "--policies takes either k8s or files and directories, not both"],
    [["S", "--policies", "P", "--context", "prod"], "--kubeconfig and --context need --policies k8s"],
    [["S", "--policies", "P", "--semantics", "strict"], '--semantics must be cilium or upstream, got "strict"'],
    [["S", "--policies", "P", "--since", "1d"], "--since and --until choose the window of --db's traffic: give --db too"],
  ])("refuses %j", async (args, message) => {
    const resolved = args.map((a) => (a === "S" ? file("shop.yaml") : a === "P" ? file("policies.yaml") : a === "missing.yaml" ? "missing.yaml" : a));
    await expect(run(...resolved)).rejects.toThrow(new UsageError(message));
  });

  it("documents every option in --help", () => {
    const program = new Command();
    registerTestCommand(program, { loadPolicyDocuments: () => Promise.resolve({ documents: [], fileProblems: 0 }), write: () => undefined, warn: () => undefined, setExitCode: () => undefined });
    const test = program.commands.find((c) => c.name() === "test");
    const help = test?.helpInformation() ?? "";
    for (const option of ["--policies", "--kubeconfig", "--context", "--semantics", "--db", "--since", "--until", "--output"]) expect(help).toContain(option);
    const generate = test?.commands.find((c) => c.name() === "generate")?.helpInformation() ?? "";
    for (const option of ["--db", "--since", "--until", "--max-deny-probes", "--output"]) expect(generate).toContain(option);
  });
});

describe("hubble-auditor test generate", () => {
  it("writes a matrix from observed traffic that passes against the recommendation for the same window", async () => {
    const { err } = await run("generate", "--db", file("graph.db"), "--since", "1d", "-o", file("generated.yaml"));
    const generated = await readFile(file("generated.yaml"), "utf8");
    expect(err).toBe(`wrote ${generated.match(/expect:/g)?.length ?? 0} cases to ${file("generated.yaml")}\n`);
    expect(generated).toContain("from: shop/batch\n    to: shop/postgres\n    port: 5432\n    protocol: TCP\n    expect: allow");
    expect(generated).toContain("from: shop/web\n    to: shop/postgres\n    port: 5432\n    protocol: TCP\n    expect: deny");

    const store = openGraphStore({ path: file("graph.db"), access: "read-only" });
    const graph = queryGraph(store, { window: { sinceMs: NOW - 24 * HOUR, untilMs: NOW } });
    store.close();
    for (const kind of ["cilium", "networkpolicy"] as const) {
      const result = recommendPolicies(graph, { kind, defaultDeny: "all" });
      if (!result.ok) throw new Error(JSON.stringify(result.failure));
      await writeFile(file(`recommended-${kind}.yaml`), policiesToYaml(result.recommendation.policies));
      const { out, code } = await run(file("generated.yaml"), "--policies", file(`recommended-${kind}.yaml`), "--db", file("graph.db"), "--since", "1d");
      expect(out).not.toMatch(/^(FAIL|WARN) /m);
      // 6 observed (identity, identity, port) triples and 7 deny probes, worked out from the graph above.
      expect(out).toContain("13 cases: 13 passed, 0 failed, 0 stale (warnings, not failures)\n");
      expect(code).toBe(0);
    }
  });

  it("writes to stdout, the same for the same graph", async () => {
    const first = await run("generate", "--db", file("graph.db"), "--since", "1d", "--max-deny-probes", "2");
    const second = await run("generate", "--db", file("graph.db"), "--since", "1d", "--max-deny-probes", "2");
    expect(first.out).toBe(second.out);
    expect(first.out.match(/expect: deny/g)).toHaveLength(2);
    await expect(run("generate", "--db", file("graph.db"), "--max-deny-probes", "0")).rejects.toThrow(new UsageError('--max-deny-probes must be a positive integer, got "0"'));
  });
});

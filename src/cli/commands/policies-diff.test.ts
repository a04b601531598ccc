import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { connection, workload } from "../../graph/testdata/connections.js";
import { writeGraphFile } from "../../graph/testdata/graph-file.js";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";
import { policyCommandDeps } from "../setup/policy-files.js";
import { UsageError } from "../usage-error.js";
import { NEEDS_DB, registerPoliciesDiffCommand } from "./policies-diff.js";

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const dir = await mkdtemp(join(tmpdir(), "policies-diff-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const web = workload("shop", "web");
const api = workload("shop", "api");
const batch = workload("shop", "batch");
const db = workload("shop", "db");
const graph = join(dir, "graph.db");
writeGraphFile(graph, [
  connection(NOW - 2 * HOUR, web, api),
  connection(NOW - 2 * HOUR, web, api, { port: 9090 }),
  connection(NOW - 3 * HOUR, batch, api),
  connection(NOW - 3 * HOUR, api, db, { port: 5432 }),
  // Outside the default 7-day window.
  connection(NOW - 30 * 24 * HOUR, web, db, { port: 5432 }),
]);

const OLD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}, {port: 9090}]
  - from: [{podSelector: {matchLabels: {app: batch}}}]
    ports: [{port: 8080}]
`;

// Narrows web -> api to 8080, drops the batch peer, and denies api -> db (db had no policy).
const NEW_API = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
`;
const NEW_DB = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-deny, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {app: api}}], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
`;

const oldFile = join(dir, "old.yaml");
const newDir = join(dir, "new");
await writeFile(oldFile, OLD);
await mkdir(newDir);
await writeFile(join(newDir, "api.yaml"), NEW_API);
await writeFile(join(newDir, "db.yaml"), NEW_DB);

/** What the fake cluster holds; OLD unless a test says otherwise. */
let cluster = OLD;

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = "";
  let err = "";
  const warn = (text: string): void => {
    err += text;
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerPoliciesDiffCommand(program, {
    ...policyCommandDeps(warn, { write: (t) => (out += t) }),
    loadKubernetesDocuments: () => Promise.resolve(yamlDocuments(cluster, "cluster")),
    now: () => NOW,
  });
  await program.parseAsync(["policies", "diff", ...args], { from: "user" });
  return { out, err };
}

interface JsonDiff {
  readonly old: string;
  readonly new: string;
  readonly compared: number;
  readonly changes: readonly { from: string; to: string; protocol: string; port: number; change: string; new: { ingress: { text: string } } }[];
}

function changes(json: JsonDiff): string[] {
  return json.changes.map((c) => `${c.from} -> ${c.to} ${c.protocol}/${c.port} ${c.change}: ${c.new.ingress.text}`);
}

describe("hubble-auditor policies diff", () => {
  it("lists what a narrowed port, a removed peer and an added deny change over the last 7 days", async () => {
    const json = JSON.parse((await run(oldFile, newDir, "--db", graph, "-o", "json")).out) as JsonDiff;
    expect(json.compared).toBe(4);
    expect(changes(json)).toEqual([
      "shop/Deployment/api -> shop/Deployment/db TCP/5432 allowed-to-denied: ingress denied by cnp/shop/db-deny spec.ingressDeny[0].fromEndpoints[0]",
      "shop/Deployment/batch -> shop/Deployment/api TCP/8080 allowed-to-denied: ingress denied by default: isolated by netpol/shop/api, no rule allows it",
      "shop/Deployment/web -> shop/Deployment/api TCP/9090 allowed-to-denied: ingress denied by default: isolated by netpol/shop/api, no rule allows it",
    ]);
  });

  it("the other way round every change is denied -> allowed; k8s stands for the cluster's policies", async () => {
    const json = JSON.parse((await run(newDir, "k8s", "--db", graph, "-o", "json")).out) as JsonDiff;
    expect(json.new).toBe("k8s");
    expect(json.changes.map((c) => `${c.from} -> ${c.to} ${c.protocol}/${c.port} ${c.change}`)).toEqual([
      "shop/Deployment/api -> shop/Deployment/db TCP/5432 denied-to-allowed",
      "shop/Deployment/batch -> shop/Deployment/api TCP/8080 denied-to-allowed",
      "shop/Deployment/web -> shop/Deployment/api TCP/9090 denied-to-allowed",
    ]);
  });

  it("--since widens the window: web -> db, seen 30 days ago, is isolated by the deny-only policy (Cilium enables default deny for it)", async () => {
    const json = JSON.parse((await run(oldFile, newDir, "--db", graph, "--since", "60d", "-o", "json")).out) as JsonDiff;
    expect(json.compared).toBe(5);
    expect(changes(json)).toContain(
      "shop/Deployment/web -> shop/Deployment/db TCP/5432 allowed-to-denied: ingress denied by default: isolated by cnp/shop/db-deny, no rule allows it",
    );
  });

  it("prints a table and a Markdown comment", async () => {
    const table = (await run(oldFile, newDir, "--db", graph)).out;
    expect(table.split("\n").slice(0, 3)).toEqual(["over observed traffic from 2026-02-22T12:00:00.000Z to 2026-03-01T12:00:00.000Z", `old: ${oldFile}`, `new: ${newDir}`]);
    expect(table).toMatch(/^allowed -> denied +shop\/Deployment\/web +shop\/Deployment\/api +TCP\/9090 +egress not isolated +ingress denied by default: isolated by netpol\/shop\/api, no rule allows it$/m);
    expect(table).toContain("3 of 4 observed connections change: 3 allowed -> denied, 0 denied -> allowed\n");
    const md = (await run(oldFile, newDir, "--db", graph, "-o", "markdown")).out;
    expect(md).toContain("#### Allowed → denied (the change would break these): 3\n");
    expect(md).toContain("| `shop/Deployment/api` | `shop/Deployment/db` | TCP/5432 | egress not isolated<br>ingress not isolated | ingress denied by cnp/shop/db-deny spec.ingressDeny[0].fromEndpoints[0] |");
    expect(md).not.toContain("Denied → allowed");
  });

  it("the same policies on both sides change nothing", async () => {
    expect((await run(oldFile, "k8s", "--db", graph)).out).toContain("0 of 4 observed connections change: 0 allowed -> denied, 0 denied -> allowed\n");
  });

  it("both sides resolve named ports on the same Pods: files without Pods against the cluster's", async () => {
    // web -> api on 8080 is allowed by port name; only the cluster has the Pod that names 8080 "http".
    const named = (name: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
`;
    const file = join(dir, "named.yaml");
    await writeFile(file, named("api-by-name"));
    cluster = `${named("api-by-name")}---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]}
`;
    try {
      const json = JSON.parse((await run("k8s", file, "--db", graph, "-o", "json")).out) as JsonDiff;
      expect(json.changes).toEqual([]);
    } finally {
      cluster = OLD;
    }
  });

  it("rejects bad invocations with one-line usage errors", async () => {
    await expect(run(oldFile, newDir)).rejects.toThrow(new UsageError(NEEDS_DB));
    await expect(run(oldFile, newDir, "--db", graph, "-o", "yaml")).rejects.toThrow(new UsageError('-o must be table, json or markdown, got "yaml"'));
    await expect(run(oldFile, newDir, "--db", graph, "--semantics", "strict")).rejects.toThrow(new UsageError('--semantics must be cilium or upstream, got "strict"'));
    await expect(run(oldFile, newDir, "--db", graph, "--kubeconfig", "x")).rejects.toThrow(new UsageError("--kubeconfig and --context need k8s as a policy source"));
    await expect(run(oldFile, newDir, "--db", graph, "--since", "soon")).rejects.toThrow(UsageError);
  });

  it("--matrix compares the connections a test matrix names instead of observed ones, with --db only resolving ns/workload", async () => {
    const matrix = join(dir, "matrix.yaml");
    await writeFile(matrix, `cases:
  - {from: shop/web, to: shop/api, port: 9090, expect: allow}
  - {from: shop/batch, to: shop/api, port: 8080, expect: allow}
  - {from: {namespace: shop, labels: {app: web}}, to: {namespace: shop, labels: {app: api}}, port: 8080-8081, expect: allow}
`);
    const json = JSON.parse((await run(oldFile, newDir, "--matrix", matrix, "--db", graph, "-o", "json")).out) as JsonDiff & { over: string; window?: unknown };
    expect(json).toMatchObject({ over: "matrix", compared: 4 });
    expect(json.window).toBeUndefined();
    // web -> api 8080 is allowed on both sides, 8081 on neither; 9090 and batch's 8080 lose their rules.
    expect(changes(json)).toEqual([
      "shop/web -> shop/api TCP/9090 allowed-to-denied: ingress denied by default: isolated by netpol/shop/api, no rule allows it",
      "shop/batch -> shop/api TCP/8080 allowed-to-denied: ingress denied by default: isolated by netpol/shop/api, no rule allows it",
    ]);
    const table = (await run(oldFile, newDir, "--matrix", matrix, "--db", graph)).out;
    expect(table.split("\n")[0]).toBe("over the cases of the test matrix");
    expect(table).toContain("2 of 4 matrix probes change: 2 allowed -> denied, 0 denied -> allowed\n");
    // Without a graph, the labels form still resolves; ns/workload has nothing to look it up in.
    const labels = join(dir, "labels.yaml");
    await writeFile(labels, "cases:\n  - {from: {namespace: shop, labels: {app: web}}, to: {namespace: shop, labels: {app: api}}, port: 9090, expect: allow}\n");
    expect(changes(JSON.parse((await run(oldFile, newDir, "--matrix", labels, "-o", "json")).out) as JsonDiff)).toHaveLength(1);
    await expect(run(oldFile, newDir, "--matrix", matrix)).rejects.toThrow(/^bad matrix: .*matrix\.yaml:2: cases\[0\]\.from: /);
  });

  it("a graph database that does not exist is an error naming it", async () => {
    await expect(run(oldFile, newDir, "--db", join(dir, "missing.db"))).rejects.toThrow(join(dir, "missing.db"));
  });
});

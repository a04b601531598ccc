// Recommendations for the hand-built captures of the hard cases, one golden file per case
// (both kinds: the summary with refusals and warnings, then the YAML; regenerate on purpose
// with UPDATE_GOLDEN=1), plus the property each case exists for.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recommendationSummary } from "../src/cli/commands/recommend-report.js";
import type { ObservedGraph } from "../src/graph/index.js";
import { policiesToYaml, recommendPolicies } from "../src/recommend/index.js";
import type { RecommendOptions, Recommendation } from "../src/recommend/index.js";
import { CAPTURE_NAMES, writeCaptureFile } from "./captures/index.js";
import type { CaptureName } from "./captures/index.js";
import { graphOfFile } from "./replay-harness.js";

const GOLDEN = join(import.meta.dirname, "captures/golden");
const dir = mkdtempSync(join(tmpdir(), "recommend-cases-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function graphOf(name: CaptureName): Promise<ObservedGraph> {
  const file = join(dir, `${name}.ndjson`);
  await writeCaptureFile(name, file);
  return graphOfFile(file);
}

function recommend(graph: ObservedGraph, options: RecommendOptions): Recommendation {
  const result = recommendPolicies(graph, options);
  if (!result.ok) throw new Error(result.failure.messages.join("\n"));
  return result.recommendation;
}

/** Every namespace with an observed workload, system ones included: each gets a default-deny. */
function namespacesOf(graph: ObservedGraph): string[] {
  return [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))].sort();
}

function spec(r: Recommendation, name: string, namespace?: string): string {
  return JSON.stringify(r.policies.find((p) => p.name === name && (namespace === undefined || p.namespace === namespace))?.object.spec);
}

describe.each(CAPTURE_NAMES.map((n) => [n]))("hand-built capture %s", (name) => {
  it("matches its golden recommendation", async () => {
    const graph = await graphOf(name);
    const namespaces = namespacesOf(graph);
    const text = (["cilium", "networkpolicy"] as const)
      .map((kind) => {
        const r = recommend(graph, { kind, namespaces, l7: kind === "cilium" });
        return `# ${kind} --namespace ${namespaces.join(" ")}${kind === "cilium" ? " --l7" : ""}\n${recommendationSummary(r).replace(/^/gm, "# ")}${policiesToYaml(r.policies)}`;
      })
      .join("\n");
    mkdirSync(GOLDEN, { recursive: true });
    const file = join(GOLDEN, `${name}.yaml`);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, "utf8"));
  });
});

describe("what each hard case shows", () => {
  it("world-identity-pod: the pod is a CIDR peer, never a subject, and a warning names it", async () => {
    const r = recommend(await graphOf("world-identity-pod"), { kind: "cilium" });
    expect(r.policies.some((p) => p.namespace === "legacy")).toBe(false);
    expect(spec(r, "scanner-egress")).toContain('"toCIDR":["10.244.9.23/32"]');
    expect(spec(r, "api-ingress")).toContain('"fromCIDR":["10.244.9.23/32"]');
    expect(r.warnings.filter((w) => w.kind === "world-identity-pod").map((w) => w.message)[0]).toContain("legacy/batch-runner-5c8d7b9f64-hq4zt (10.244.9.23) has Cilium's world identity");
  });

  it("l7-world-proxy: the server's L7 records name the client by its managed identity, so rules use endpoints", async () => {
    const r = recommend(await graphOf("l7-world-proxy"), { kind: "cilium", l7: true });
    const text = JSON.stringify(r.policies.map((p) => p.object));
    expect(text).not.toContain("CIDR");
    expect(text).toContain("fromEndpoints");
  });

  it("cronjob-no-template-labels: selected by its own service account in CiliumNetworkPolicy, refused in NetworkPolicy", async () => {
    const graph = await graphOf("cronjob-no-template-labels");
    const cilium = recommend(graph, { kind: "cilium" });
    expect(cilium.refusals).toEqual([]);
    expect(spec(cilium, "report-egress")).toContain('"endpointSelector":{"matchLabels":{"io.cilium.k8s.policy.serviceaccount":');
    const np = recommend(graph, { kind: "networkpolicy" });
    expect(np.refusals.find((x) => x.subject.endsWith("/CronJob/report"))?.reason).toContain("no stable label");
  });

  it("bare-pod-sharing-labels: two principals told apart by service account, never one selector for both", async () => {
    const graph = await graphOf("bare-pod-sharing-labels");
    const cilium = recommend(graph, { kind: "cilium" });
    expect(spec(cilium, "web-egress")).toContain('"io.cilium.k8s.policy.serviceaccount":"web"');
    expect(spec(cilium, "web-debug-egress")).toContain('"io.cilium.k8s.policy.serviceaccount":"debug"');
    const np = recommend(graph, { kind: "networkpolicy" });
    expect(np.refusals.map((x) => x.subject).sort()).toEqual(["web/Deployment/api", "web/Deployment/web", "web/Pod/web-debug"]);
  });

  it("node-local-dns: DNS to the host gets UDP and TCP 53 with DNS rules; NetworkPolicy cannot select the host", async () => {
    const graph = await graphOf("node-local-dns");
    const cilium = recommend(graph, { kind: "cilium" });
    expect(spec(cilium, "checkout-egress")).toContain('{"toEntities":["host"],"toPorts":[{"ports":[{"port":"53","protocol":"TCP"},{"port":"53","protocol":"UDP"}],"rules":{"dns":[{"matchPattern":"*"}]}}]}');
    expect(cilium.warnings.some((w) => w.kind === "fqdn-without-dns")).toBe(false);
    const np = recommend(graph, { kind: "networkpolicy" });
    expect(np.refusals.every((x) => x.outcome === "breaks-traffic" && x.reason.includes("host entity"))).toBe(true);
  });

  it("udp-no-is-reply: what other records settle is used, what nothing settles is reported and not allowed", async () => {
    const graph = await graphOf("udp-no-is-reply");
    const unknown = graph.edges.filter((e) => (e.unknown ?? 0) > 0);
    expect(unknown.map((e) => `${e.source} -> ${e.destination} ${e.protocol}/${e.port} ${e.unknown ?? 0}`)).toEqual(["media/Deployment/sfu -> media/Deployment/relay UDP/50231 1"]);
    const r = recommend(graph, { kind: "cilium" });
    expect(r.validation.CiliumNetworkPolicy?.unknownDirection).toBe(1);
    expect(JSON.stringify(r.policies.map((p) => p.object))).not.toContain("50231");
  });

  it("dns-proxy-upstream: coredns admits the DNS proxy's upstream leg from the host and remote nodes", async () => {
    const r = recommend(await graphOf("dns-proxy-upstream"), { kind: "cilium", namespaces: ["kube-system", "shop"] });
    expect(spec(r, "coredns-ingress")).toContain('{"fromEntities":["host","remote-node"],"toPorts":[{"ports":[{"port":"53","protocol":"TCP"},{"port":"53","protocol":"UDP"}]}]}');
  });

  it("icmp: CiliumNetworkPolicy icmps by type and family; NetworkPolicy says it would break the echo", async () => {
    const graph = await graphOf("icmp");
    const cilium = recommend(graph, { kind: "cilium" });
    expect(spec(cilium, "netshoot-egress")).toContain('"icmps":[{"fields":[{"type":8,"family":"IPv4"}]}]');
    expect(spec(cilium, "netshoot-egress")).toContain('"icmps":[{"fields":[{"type":128,"family":"IPv6"}]}]');
    const np = recommend(graph, { kind: "networkpolicy" });
    expect(np.refusals.length).toBeGreaterThan(0);
    expect(np.refusals.every((x) => x.outcome === "breaks-traffic" && /ICMPv[46] type/.test(x.reason))).toBe(true);
  });

  it("two-clusters: each cluster's policies select its own pods and name their peers' cluster", async () => {
    const r = recommend(await graphOf("two-clusters"), { kind: "cilium", defaultDeny: "all" });
    expect(r.clusters).toEqual(["east", "west"]);
    expect(r.policies.every((p) => p.name.endsWith(`-${p.cluster}`))).toBe(true);
    expect(spec(r, "api-ingress-west")).toContain('"io.cilium.k8s.policy.cluster":"west"');
    expect(spec(r, "api-ingress-west")).toContain('"fromEndpoints":[{"matchLabels":{"app":"frontend","io.cilium.k8s.policy.cluster":"east"}}]');
  });

  it("audit-verdicts: AUDIT-only traffic is left out unless asked, and its evidence then says so", async () => {
    const graph = await graphOf("audit-verdicts");
    const plain = recommend(graph, { kind: "cilium" });
    expect(plain.warnings.find((w) => w.kind === "excluded-traffic")?.message).toContain("AUDIT verdicts");
    expect(JSON.stringify(plain.policies.map((p) => p.object))).not.toContain('"6379"');
    const audited = recommend(graph, { kind: "cilium", includeAudit: true });
    expect(JSON.stringify(audited.policies.map((p) => p.object))).toContain("with an AUDIT verdict (a policy in audit mode would deny them; allowed by --include-audit)");
  });

  it("kube-apiserver-multi: Cilium's kube-apiserver entity; an ipBlock cannot match an API server on a node", async () => {
    const graph = await graphOf("kube-apiserver-multi");
    expect(spec(recommend(graph, { kind: "cilium" }), "config-operator-egress")).toContain('"toEntities":["kube-apiserver"]');
    expect(recommend(graph, { kind: "networkpolicy" }).refusals.every((x) => x.reason.includes("runs on a node"))).toBe(true);
  });

  it("public-ingress: a port many internet addresses reach is opened to the world with a warning", async () => {
    const r = recommend(await graphOf("public-ingress"), { kind: "cilium" });
    expect(spec(r, "ingress-nginx-controller-ingress")).toContain('{"fromEntities":["world"],"toPorts":[{"ports":[{"port":"443","protocol":"TCP"}]}]}');
    expect(r.warnings.some((w) => w.kind === "public-ingress")).toBe(true);
  });

  it("http-query: HTTP rules allow the observed paths with their query strings", async () => {
    const r = recommend(await graphOf("http-query"), { kind: "cilium", l7: true });
    expect(JSON.stringify(r.policies.map((p) => p.object))).toContain('"path":"/api/search\\\\?.*"');
  });
});

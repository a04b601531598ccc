import { describe, expect, it } from "vitest";
import { edge, entity, graphOf, wl, worldAt } from "../audit/testdata/observed.js";
import { parseYamlMatrix } from "./parse-yaml-matrix.js";
import { runMatrix, type RunMatrixInput } from "./run-matrix.js";
import { seedView } from "./testdata/seed-policies.js";
import type { CaseResult } from "./case-result.js";

const { view, pods } = seedView();

function run(yaml: string, extra: Partial<RunMatrixInput> = {}): readonly CaseResult[] {
  const parsed = parseYamlMatrix(yaml, "m.yaml");
  expect(parsed.problems).toEqual([]);
  const result = runMatrix({ cases: parsed.cases, view, semantics: "cilium", pods, ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.report.results;
}

function row(r: CaseResult): string {
  return `${r.status} ${r.verdict} | ${r.rule}`;
}

const ISOLATED_WEB_EGRESS = "egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/web)";

describe("runMatrix on the seed app", () => {
  it("decides the app tier, its database, DNS egress and a denied probe, with the deciding rules", () => {
    const results = run(`
cases:
  - {name: web calls api, from: shop/web, to: shop/api, port: http, expect: allow}
  - {name: api calls its database, from: shop/api, to: shop/postgres, port: 5432, expect: allow}
  - {name: dns, from: shop/web, to: kube-system/coredns, port: 53, protocol: UDP, expect: allow}
  - {name: web may not reach the database, from: shop/web, to: shop/postgres, port: 5432, expect: deny}
`);
    expect(results.map(row)).toEqual([
      // web's egress rule and api's ingress rule both name the port `http`, api's Pod object says 8080.
      "pass allowed | egress: allowed by netpol/shop/web spec.egress[0].to[0]; ingress: allowed by netpol/shop/api spec.ingress[0].from[0]",
      "pass allowed | egress: allowed by netpol/shop/api spec.egress[0].to[0]; ingress: allowed by netpol/shop/postgres spec.ingress[0].from[0]",
      // kube-system has no policy: coredns's ingress is not isolated.
      "pass allowed | egress: allowed by netpol/shop/dns spec.egress[0].to[0]; ingress: not isolated",
      `pass denied | ${ISOLATED_WEB_EGRESS}; ingress: default deny (isolated by netpol/shop/default-deny, netpol/shop/postgres)`,
    ]);
    expect(results.map((r) => r.probe)).toEqual([
      "shop/web -> shop/api 8080/TCP", "shop/api -> shop/postgres 5432/TCP", "shop/web -> kube-system/coredns 53/UDP", "shop/web -> shop/postgres 5432/TCP",
    ]);
    expect(results[3]?.explanation).toContain("shop/web -> shop/postgres on 5432/TCP: DENIED (semantics: cilium)");
  });

  it("fails a case the policies contradict and shows the rule that decided", () => {
    const [r] = run("cases: [{from: shop/web, to: shop/postgres, port: 5432, expect: allow}]");
    expect(r?.status).toBe("fail");
    expect(r?.policy).toBe("fail");
    expect(r?.rule).toBe(`${ISOLATED_WEB_EGRESS}; ingress: default deny (isolated by netpol/shop/default-deny, netpol/shop/postgres)`);
  });

  it("reads every endpoint form", () => {
    const results = run(`
cases:
  - {from: {namespace: shop, labels: {app: api}}, to: ip:198.51.100.7, port: 443, expect: allow}
  - {from: shop/api, to: "cidr:198.51.100.0/25", port: 443, expect: allow}
  - {from: shop/api, to: "cidr:198.51.100.128/25", port: 443, expect: deny}
  - {from: shop/api, to: fqdn:api.stripe.com, port: 443, expect: allow}
  - {from: shop/api, to: fqdn:evil.example.com, port: 443, expect: deny}
  - {from: shop/api, to: entity:kube-apiserver, port: 6443, expect: allow}
  - {from: entity:world, to: shop/web, port: 8000-8010, expect: allow}
  - {from: entity:host, to: shop/api, port: 8080, expect: allow}
  - {from: ip:10.0.1.10, to: shop/api, port: 8080, expect: allow}
`);
    expect(results.map(row)).toEqual([
      // The address is outside the cluster: its ingress is not Cilium's to enforce.
      "pass allowed | egress: allowed by cnp/shop/api-external spec.egress[1].toCIDRSet[0]; ingress: not enforced (not-a-cilium-endpoint)",
      "pass allowed | egress: allowed by cnp/shop/api-external spec.egress[1].toCIDRSet[0]; ingress: not enforced (not-a-cilium-endpoint)",
      // .128/25 is the except of the CIDR rule: nothing else allows it.
      "pass denied | egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/api, cnp/shop/api-external)",
      "pass allowed | egress: allowed by cnp/shop/api-external spec.egress[0].toFQDNs[0]; ingress: not enforced (not-a-cilium-endpoint)",
      "pass denied | egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/api, cnp/shop/api-external)",
      "pass allowed | egress: allowed by cnp/shop/api-external spec.egress[2].toEntities[0]; ingress: not enforced (not-a-cilium-endpoint)",
      "pass allowed | egress: not enforced (not-a-cilium-endpoint); ingress: allowed by cnp/shop/web-public spec.ingress[0].fromEntities[0]",
      // Cilium allows ingress from the pod's own node by default (allow-localhost); host policies are not modelled.
      "pass allowed | egress: not enforced (host-endpoint); ingress: allowed (traffic with the local node)",
      // 10.0.1.10 is web's Pod: the address is web, and web may call api on 8080.
      "pass allowed | egress: allowed by netpol/shop/web spec.egress[0].to[0]; ingress: allowed by netpol/shop/api spec.ingress[0].from[0]",
    ]);
    expect(results.map((r) => r.probe)).toEqual([
      "shop{app=api} -> ip:198.51.100.7 443/TCP",
      "shop/api -> cidr:198.51.100.0/25(198.51.100.0) 443/TCP",
      "shop/api -> cidr:198.51.100.128/25(198.51.100.128) 443/TCP",
      "shop/api -> fqdn:api.stripe.com 443/TCP",
      "shop/api -> fqdn:evil.example.com 443/TCP",
      "shop/api -> entity:kube-apiserver 6443/TCP",
      "entity:world -> shop/web 8000/TCP",
      "entity:host -> shop/api 8080/TCP",
      "ip:10.0.1.10 -> shop/api 8080/TCP",
    ]);
  });

  it("needs every probe of a case to agree: a CIDR at both ends, a range at every port", () => {
    const results = run(`
cases:
  - {from: shop/api, to: "cidr:198.51.100.0/24", port: 443, expect: allow}
  - {from: entity:world, to: shop/web, port: 8000-8011, expect: allow}
`);
    // 198.51.100.255 is in the except; 8011 is past the rule's endPort.
    expect(results.map((r) => `${r.status} ${r.verdict} ${r.probe}`)).toEqual([
      "fail mixed shop/api -> cidr:198.51.100.0/24(198.51.100.255) 443/TCP",
      "fail mixed entity:world -> shop/web 8011/TCP",
    ]);
  });

  it("decides ICMP by type, echo request when no port is given, and SCTP", () => {
    const results = run(`
cases:
  - {from: shop/api, to: ip:8.8.8.8, protocol: ICMP, expect: allow}
  - {from: shop/api, to: ip:8.8.8.8, protocol: ICMP, port: EchoReply, expect: deny}
  - {from: shop/web, to: ip:8.8.8.8, protocol: ICMP, port: 8, expect: deny}
  - {from: shop/web, to: shop/api, port: 8080, protocol: SCTP, expect: deny}
`);
    expect(results.map((r) => `${r.status} ${r.verdict} ${r.probe}`)).toEqual([
      "pass allowed shop/api -> ip:8.8.8.8 ICMPv4/type 8",
      "pass denied shop/api -> ip:8.8.8.8 ICMPv4/type 0",
      "pass denied shop/web -> ip:8.8.8.8 ICMPv4/type 8",
      "pass denied shop/web -> shop/api 8080/SCTP",
    ]);
    expect(results[0]?.rule).toBe("egress: allowed by cnp/shop/api-external spec.egress[3].toEntities[0] and spec.egress[3].icmps[0].fields[0]: ICMPv4 type 8 (EchoRequest); ingress: not enforced (not-a-cilium-endpoint)");
  });

  it("refuses a workload it cannot resolve, and a named port no Pod object declares, naming file, line and field", () => {
    const parsed = parseYamlMatrix(`cases:
  - {from: shop/batch, to: shop/api, port: 8080, expect: deny}
  - from: shop/web
    to: "cidr:198.51.100.0/24"
    port: https
    expect: deny
`, "m.yaml");
    const result = runMatrix({ cases: parsed.cases, view, semantics: "cilium", pods });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      { file: "m.yaml", line: 2, field: "cases[0].from", message: "workload shop/batch: no Pod object in the policy inputs and no observed traffic to look it up in (give a graph database with --db, or write the endpoint as {namespace, labels})" },
      { file: "m.yaml", line: 5, field: "cases[1].port", message: "named port https/TCP: no Pod object of cidr:198.51.100.0/24 in the policy inputs declares it; write the number" },
    ]);
  });
});

describe("runMatrix under each semantics profile", () => {
  const MATRIX = "cases: [{from: shop/web, to: entity:host, port: 10250, expect: allow}]";

  it.each([
    // Cilium allows only ingress from the local host by default; egress to it needs policy (toEntities: host).
    ["cilium", "fail denied | egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/web)"],
    // The NetworkPolicy specification: traffic to and from the pod's node is always allowed.
    ["upstream", "pass allowed | egress: allowed (traffic with the local node); ingress: not enforced (host-endpoint)"],
  ] as const)("%s", (semantics, expected) => {
    const { view: v, pods: p } = seedView(semantics);
    const parsed = parseYamlMatrix(MATRIX, "m.yaml");
    const result = runMatrix({ cases: parsed.cases, view: v, semantics, pods: p });
    expect(result.ok ? result.report.results.map(row) : result.problems).toEqual([expected]);
    expect(result.ok ? result.report.semantics : undefined).toBe(semantics);
  });
});

describe("runMatrix against observed traffic", () => {
  const web = wl("shop", "web");
  const api = wl("shop", "api");
  const postgres = wl("shop", "postgres");
  const batch = wl("shop", "batch");
  const graph = graphOf([
    edge(web, api, 8080),
    edge(web, postgres, 5432, { connections: { FORWARDED: 3 } }),
    edge(batch, postgres, 5432, { connections: { DROPPED: 4 } }),
    edge(api, worldAt("203.0.113.9", ["api.stripe.com."]), 443),
    edge(api, entity("kube-apiserver"), 6443),
  ]);

  it("labels expected-deny traffic that got through, and expected-allow traffic never seen", () => {
    const results = run(`
cases:
  - {from: shop/web, to: shop/api, port: 8080, expect: allow}
  - {from: shop/web, to: shop/postgres, port: 5432, expect: deny}
  - {from: shop/batch, to: shop/postgres, port: 5432, expect: deny}
  - {from: shop/api, to: shop/postgres, port: 5432, expect: allow}
  - {from: shop/api, to: fqdn:api.stripe.com, port: 443, expect: allow}
  - {from: shop/api, to: entity:kube-apiserver, port: 6443, expect: allow}
`, { graph });
    expect(results.map((r) => `${r.status} ${r.policy} ${r.history?.kind ?? "-"} ${r.history?.passed ?? "-"}`)).toEqual([
      "pass pass observed 10",
      // Policies deny it, but 3 connections got through: enforcing would break them.
      "fail pass observed-forwarded 3",
      // Dropped traffic did not get through: nothing would break.
      "pass pass not-observed 0",
      // Policies allow it but it never ran in the window: a warning, not a failure.
      "warn pass stale 0",
      // The name resolves to the observed address, whose edge is counted.
      "pass pass observed 10",
      "pass pass observed 10",
    ]);
    expect(results[4]?.probe).toBe("shop/api -> fqdn:api.stripe.com 443/TCP");
  });

  it("resolves ns/workload from observed identities when no Pod object has it", () => {
    const [r] = run("cases: [{from: shop/batch, to: shop/postgres, port: 5432, expect: deny}]", { graph });
    expect(r?.rule).toBe("egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns); ingress: default deny (isolated by netpol/shop/default-deny, netpol/shop/postgres)");
  });
});

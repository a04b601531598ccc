import { describe, expect, it } from "vitest";
import { edge, entity, graphOf, wl, worldAt } from "../audit/testdata/observed.js";
import { generateMatrix, type GeneratedCase } from "./generate-matrix.js";
import { matrixToYaml } from "./matrix-yaml.js";
import { parseYamlMatrix } from "./parse-yaml-matrix.js";

const web = wl("shop", "web");
const api = wl("shop", "api");
const postgres = wl("shop", "postgres");
const batch = wl("shop", "batch");
const coredns = wl("kube-system", "coredns");
const graph = graphOf([
  edge(web, api, 8080),
  edge(api, postgres, 5432),
  edge(web, coredns, 53, { protocol: "UDP" }),
  edge(api, coredns, 53, { protocol: "UDP" }),
  edge(api, coredns, 53, { protocol: "TCP" }),
  edge(api, worldAt("203.0.113.9"), 443),
  edge(batch, postgres, 5432, { connections: { DROPPED: 4 } }),
  edge(entity("host"), api, 8080),
  edge(web, api, 9090, { connections: { AUDIT: 2 } }),
]);

function text(c: GeneratedCase): string {
  return `${c.expect} ${c.from} -> ${c.to} ${c.port}/${c.protocol}`;
}

describe("generateMatrix", () => {
  it("allows what carried allowed traffic and probes ports workloads serve to others, in a fixed order", () => {
    expect(generateMatrix(graph, { maxDenyProbes: 100 }).map(text)).toEqual([
      // Dropped (batch -> postgres) and audit-only (web -> api 9090) traffic is not allowed traffic.
      "allow entity:host -> shop/api 8080/TCP",
      "allow shop/api -> ip:203.0.113.9 443/TCP",
      "allow shop/api -> kube-system/coredns 53/TCP",
      "allow shop/api -> kube-system/coredns 53/UDP",
      "allow shop/api -> shop/postgres 5432/TCP",
      "allow shop/web -> kube-system/coredns 53/UDP",
      "allow shop/web -> shop/api 8080/TCP",
      // api serves 8080, postgres 5432, coredns 53 over TCP and UDP; web reached coredns on 53
      // over UDP, so 53/TCP is not probed for it.
      "deny kube-system/coredns -> shop/api 8080/TCP",
      "deny kube-system/coredns -> shop/postgres 5432/TCP",
      "deny shop/batch -> kube-system/coredns 53/TCP",
      "deny shop/batch -> kube-system/coredns 53/UDP",
      "deny shop/batch -> shop/api 8080/TCP",
      "deny shop/batch -> shop/postgres 5432/TCP",
      "deny shop/postgres -> kube-system/coredns 53/TCP",
      "deny shop/postgres -> kube-system/coredns 53/UDP",
      "deny shop/postgres -> shop/api 8080/TCP",
      "deny shop/web -> shop/postgres 5432/TCP",
    ]);
  });

  it("keeps the first deny probes when bounded", () => {
    expect(generateMatrix(graph, { maxDenyProbes: 3 }).filter((c) => c.expect === "deny").map(text)).toEqual([
      "deny kube-system/coredns -> shop/api 8080/TCP",
      "deny kube-system/coredns -> shop/postgres 5432/TCP",
      "deny shop/batch -> kube-system/coredns 53/TCP",
    ]);
  });

  it("writes a YAML matrix that reads back as the same cases", () => {
    const cases = generateMatrix(graph, { maxDenyProbes: 100 });
    const yaml = matrixToYaml(cases, ["from the test graph"]);
    expect(yaml.split("\n").slice(0, 2)).toEqual(["# from the test graph", "# 7 allow cases from observed traffic, 10 deny probes"]);
    const parsed = parseYamlMatrix(yaml, "generated.yaml");
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases.map((c) => `${c.expect} ${c.text.from} -> ${c.text.to} ${c.text.port}`)).toEqual(cases.map(text));
  });
});

import { describe, expect, it } from "vitest";
import { dotString, graphToDot, graphToTable } from "./render.js";
import { workload, world } from "./testdata/connections.js";
import type { ObservedGraph } from "./graph-types.js";

describe("dotString", () => {
  it.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash\\l", '"back\\\\slash\\\\l"'],
    ["line\nbreak\u0007", '"linebreak"'],
    ["", '""'],
  ])("%j is written as %s", (text, dot) => {
    expect(dotString(text)).toBe(dot);
  });
});

describe("graphToDot", () => {
  it("groups workloads by namespace and marks dropped traffic", () => {
    const web = workload("shop", "web");
    const out = world("203.0.113.5");
    const graph: ObservedGraph = {
      window: { sinceMs: 0, untilMs: 1 },
      identities: [{ identity: web, firstSeenMs: 0, lastSeenMs: 0 }, { identity: out, firstSeenMs: 0, lastSeenMs: 0 }],
      edges: [{
        source: web.key, destination: out.key, protocol: "TCP", port: 443, firstSeenMs: 0, lastSeenMs: 0,
        connections: 3, connectionsByVerdict: { FORWARDED: 2, DROPPED: 1 }, requests: 0, requestsByVerdict: {}, existing: 0,
        dropReasons: { POLICY_DENIED: 1 }, sides: [], http: [], dns: [],
      }],
    };
    expect(graphToDot(graph)).toBe([
      "digraph observed {",
      "  rankdir=LR;",
      '  node [shape=box, fontname="Helvetica"];',
      '  edge [fontname="Helvetica", fontsize=10];',
      '  subgraph "cluster_0" {',
      '    label="shop";',
      '    "n0" [label="web\\nDeployment"];',
      "  }",
      '  "n1" [label="world(203.0.113.5)"];',
      '  "n0" -> "n1" [label="TCP/443\\n3 conn, 1 dropped", color="red"];',
      "}",
      "",
    ].join("\n"));
  });
});

describe("graphToTable", () => {
  it("escapes control characters in names, so a stored name cannot break a row", () => {
    const bad = workload("shop", "web\nFAKE ROW");
    const out = world("203.0.113.5");
    const graph: ObservedGraph = {
      window: { sinceMs: 0, untilMs: 1 },
      identities: [{ identity: bad, firstSeenMs: 0, lastSeenMs: 0 }, { identity: out, firstSeenMs: 0, lastSeenMs: 0 }],
      edges: [{
        source: bad.key, destination: out.key, protocol: "TCP", port: 443, firstSeenMs: 0, lastSeenMs: 0,
        connections: 1, connectionsByVerdict: { FORWARDED: 1 }, requests: 0, requestsByVerdict: {}, existing: 0,
        dropReasons: {}, sides: [], http: [], dns: [],
      }],
    };
    const lines = graphToTable(graph).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^shop\/web\\u000aFAKE ROW {2}world\(203\.0\.113\.5\)/);
  });
});

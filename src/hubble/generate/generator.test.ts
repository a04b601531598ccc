import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { FlowJson, GetFlowsResponseJson } from "./jsonpb.js";
import { createFlowRun, InvalidGenerateOptionsError } from "./generator.js";
import { writeNdjson } from "./ndjson.js";

async function ndjson(options: Parameters<typeof writeNdjson>[1]): Promise<string> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on("data", (b: Buffer) => parts.push(b));
  await writeNdjson(out, options);
  out.end();
  return Buffer.concat(parts).toString("utf8");
}

/** The `ns/workload` or `reserved:entity` text of one side of a flow. */
function peer(endpoint: FlowJson["source"], names: readonly string[] | undefined): string {
  const workload = endpoint.workloads?.[0];
  if (workload !== undefined && endpoint.namespace !== undefined) return `${endpoint.namespace}/${workload.name}`;
  const entity = (endpoint.labels ?? []).find((l) => l.startsWith("reserved:")) ?? "?";
  return names?.[0] === undefined ? entity : `${entity}(${names[0]})`;
}

/** Edge key of a request-direction flow, in the ground truth's format. */
function edgeKeyOf(f: FlowJson): string | undefined {
  if (f.is_reply === true) return undefined;
  const [proto, ports] = "TCP" in f.l4 ? ["TCP", f.l4.TCP] : ["UDP", f.l4.UDP];
  if (proto === "TCP" && "TCP" in f.l4 && f.l4.TCP.flags?.SYN !== true) return undefined;
  if (proto === "UDP" && ports.destination_port !== 53) return undefined;
  return `${peer(f.source, undefined)} -> ${peer(f.destination, f.destination_names)} ${proto}/${ports.destination_port}`;
}

function flowsOf(lines: Iterable<GetFlowsResponseJson>): FlowJson[] {
  const out: FlowJson[] = [];
  for (const l of lines) if ("flow" in l) out.push(l.flow);
  return out;
}

describe("createFlowRun", () => {
  it("writes the same bytes for the same seed and different bytes for another", async () => {
    const a = await ndjson({ flows: 3000, seed: 5, lostEvents: 0.01 });
    const b = await ndjson({ flows: 3000, seed: 5, lostEvents: 0.01 });
    const c = await ndjson({ flows: 3000, seed: 6, lostEvents: 0.01 });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("produces exactly the requested number of lines", async () => {
    for (const flows of [0, 1, 17, 2500]) {
      const text = await ndjson({ flows, seed: 3, lostEvents: 0.05 });
      expect(text.split("\n").filter((l) => l.length > 0)).toHaveLength(flows);
    }
  });

  it("reports counts that match the lines", () => {
    const run = createFlowRun({ flows: 5000, seed: 8, lostEvents: 0.01 });
    const lines = [...run.lines];
    const truth = run.summary();
    const flows = flowsOf(lines);
    expect(truth.lines).toBe(5000);
    expect(truth.flows).toBe(flows.length);
    expect(truth.lostEventNotices).toBe(5000 - flows.length);
    const verdicts: Record<string, number> = {};
    for (const f of flows) verdicts[f.verdict] = (verdicts[f.verdict] ?? 0) + 1;
    expect(truth.byVerdict).toEqual(verdicts);
    expect(truth.byEventType["1"]).toBe(flows.filter((f) => f.event_type.type === 1).length);
    expect(truth.isReply.absent).toBe(flows.filter((f) => f.is_reply === undefined).length);
    expect(truth.firstTime).toBe(lines[0]?.time);
  });

  it("shows every intended edge, with its kind of verdict, once the run is long enough", () => {
    const run = createFlowRun({ flows: 20_000, seed: 2 });
    const flows = flowsOf(run.lines);
    const truth = run.summary();
    expect(truth.exercisedEdges.map((e) => e.edge.key).sort()).toEqual(truth.intendedEdges.map((e) => e.key).sort());
    const seen = new Map<string, Set<string>>();
    for (const f of flows) {
      const key = edgeKeyOf(f);
      if (key === undefined) continue;
      seen.set(key, (seen.get(key) ?? new Set()).add(f.verdict));
    }
    for (const edge of truth.intendedEdges) {
      const verdicts = seen.get(edge.key);
      expect(verdicts, edge.key).toBeDefined();
      if (edge.enforcement.startsWith("deny")) expect(verdicts?.has("DROPPED"), edge.key).toBe(true);
      if (edge.enforcement === "audit") expect(verdicts?.has("AUDIT"), edge.key).toBe(true);
    }
    for (const kind of ["web -> shop/api TCP/8080", "shop/api -> reserved:world(api.stripe.com) TCP/443",
      "shop/worker -> kube-system/coredns UDP/53", "monitoring/prometheus -> reserved:kube-apiserver TCP/6443"]) {
      expect(truth.intendedEdges.some((e) => e.key.endsWith(kind))).toBe(true);
    }
  });

  it("grows to thousands of workloads and more than 10k intended edges", () => {
    const run = createFlowRun({ flows: 1000, seed: 4, workloads: 2500 });
    const lineCount = [...run.lines].length;
    const truth = run.summary();
    expect(lineCount).toBe(1000);
    expect(run.topology.workloads.size).toBe(2500);
    expect(truth.intendedEdges.length).toBeGreaterThan(10_000);
    expect(new Set(truth.intendedEdges.map((e) => e.key)).size).toBe(truth.intendedEdges.length);
    expect(run.topology.nodes.length).toBeGreaterThan(3);
  });

  it("rejects options out of range with every problem named", () => {
    expect(() => createFlowRun({ flows: -1, nodes: 1, lostEvents: 2 })).toThrow(InvalidGenerateOptionsError);
    try {
      createFlowRun({ flows: -1, nodes: 1, lostEvents: 2 });
    } catch (err) {
      expect(err instanceof InvalidGenerateOptionsError ? err.problems.map((p) => p.path) : []).toEqual(["flows", "nodes", "lostEvents"]);
    }
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventBatches, readFlowFile } from "../../src/hubble/index.js";
import type { FileProblem, FileRecord, HubbleEvent, RecordProblem } from "../../src/hubble/index.js";
import { buildCapture, CAPTURE_CASES, CAPTURE_NAMES, writeCaptureFile } from "./index.js";
import type { CaptureName } from "./index.js";
import { checkCaseFacts } from "./case-facts.js";
import { endpointsOf, flowsOf, hasFlags, labelMap } from "./flow-queries.js";
import { SAFE_ALPHABET, TEMPLATE_HASH_ALPHABET } from "./names.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "captures-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readBack(name: CaptureName): Promise<{ records: FileRecord[]; problems: FileProblem[]; rejected: number; path: string }> {
  const path = join(dir, `${name}.json`);
  await writeCaptureFile(name, path);
  const problems: FileProblem[] = [];
  const reader = readFlowFile(path, { onProblem: (p) => problems.push(p) });
  const records: FileRecord[] = [];
  for await (const record of reader) records.push(record);
  return { records, problems, rejected: reader.stats.rejected, path };
}

async function decode(path: string): Promise<{ events: HubbleEvent[]; problems: RecordProblem[] }> {
  const problems: RecordProblem[] = [];
  const events: HubbleEvent[] = [];
  for await (const batch of eventBatches(readFlowFile(path), { batchSize: 64, onProblem: (p) => problems.push(p) })) events.push(...batch);
  return { events, problems };
}

/** Flow members in flow.proto declaration order (protojson's output order). */
const FLOW_KEY_ORDER = [
  "time", "uuid", "verdict", "drop_reason", "ethernet", "IP", "l4", "source", "destination", "Type", "node_name",
  "source_names", "destination_names", "l7", "reply", "event_type", "source_service", "destination_service",
  "traffic_direction", "policy_match_type", "trace_observation_point", "trace_reason", "drop_reason_desc", "is_reply",
  "interface", "Summary", "egress_allowed_by", "ingress_allowed_by",
];

const SAFE = `[${SAFE_ALPHABET}]`;
const HASH = `[${TEMPLATE_HASH_ALPHABET}]`;
const POD_NAME_SHAPES: Readonly<Record<string, (workload: string) => RegExp>> = {
  Deployment: (w) => new RegExp(`^${w}-${HASH}{6,10}-${SAFE}{5}$`),
  DaemonSet: (w) => new RegExp(`^${w}-${SAFE}{5}$`),
  StatefulSet: (w) => new RegExp(`^${w}-\\d+$`),
  CronJob: (w) => new RegExp(`^${w}-\\d{8}-${SAFE}{5}$`),
  Pod: (w) => new RegExp(`^${w}$`),
};

describe.each(CAPTURE_NAMES)("capture %s", (name) => {
  const lines = buildCapture(name);
  const flows = flowsOf(lines);

  it("round-trips through an NDJSON file and the flow-file reader with no line rejected", async () => {
    const { records, problems, rejected, path } = await readBack(name);
    expect(problems).toEqual([]);
    expect(rejected).toBe(0);
    expect(records.map((r) => r.value)).toEqual(lines);
    // Go's json.Encoder escapes <, > and & inside strings; the reader must undo it.
    expect(/[<>&]/.test(await readFile(path, "utf8"))).toBe(false);
    const decoded = await decode(path);
    expect(decoded.problems).toEqual([]);
    expect(decoded.events.map((e) => e.kind)).toEqual(lines.map(() => "flow"));
    // An absent is_reply must come through as "unknown", not as false.
    const unknown = decoded.events.map((e) => (e.kind === "flow" ? e.flow.isReply : "not a flow"));
    expect(unknown).toEqual(flows.map((f) => f.is_reply));
  });

  it("shows what the case is built to show", () => {
    checkCaseFacts(name, lines);
  });

  it("is deterministic and sized for a test fixture", () => {
    expect(buildCapture(name)).toEqual(lines);
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(lines.length).toBeLessThanOrEqual(300);
    expect(CAPTURE_CASES[name].description).not.toContain("\n");
  });

  it("has strictly increasing times repeated at the top level, and members in declaration order", () => {
    for (const [i, line] of lines.entries()) {
      expect(line.time).toBe(line.flow.time);
      expect(line.node_name).toBe(line.flow.node_name);
      if (i > 0) expect(Date.parse(line.time) >= Date.parse(lines[i - 1]?.time ?? "")).toBe(true);
      const keys = Object.keys(line.flow);
      expect(keys).toEqual(FLOW_KEY_ORDER.filter((k) => keys.includes(k)));
    }
    expect(new Set(lines.map((l) => l.time)).size).toBe(lines.length);
  });

  it("prints endpoints as Cilium does: sorted labels, namespace and cluster labels matching, controller pod names", () => {
    for (const endpoint of endpointsOf(flows)) {
      expect([...endpoint.labels].sort()).toEqual(endpoint.labels);
      const labels = labelMap(endpoint);
      if (labels.size === 0) continue;
      expect(labels.get("io.kubernetes.pod.namespace")).toBe(endpoint.namespace ?? labels.get("io.kubernetes.pod.namespace"));
      expect(labels.get("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name")).toBe(labels.get("io.kubernetes.pod.namespace"));
      if (endpoint.cluster_name !== undefined) expect(labels.get("io.cilium.k8s.policy.cluster")).toBe(endpoint.cluster_name);
      for (const w of endpoint.workloads ?? []) expect(endpoint.pod_name).toMatch(POD_NAME_SHAPES[w.kind]?.(w.name) ?? /^$/);
    }
  });

  it("flags SYN-ACKs as replies and SYNs as requests wherever is_reply is present", () => {
    for (const flow of flows) {
      if (flow.is_reply === undefined || flow.Type !== "L3_L4") continue;
      if (hasFlags(flow, "SYN", "ACK")) expect(flow.is_reply).toBe(true);
      if (hasFlags(flow, "SYN")) expect(flow.is_reply).toBe(false);
      if (flow.is_reply) expect(flow.reply).toBe(true);
    }
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// From the sources, or from dist/ when the fault suite runs the built copy.
const CANDIDATES = ["../../../../shared/data/hubble-otel", "../../../../../shared/data/hubble-otel"].map((p) => join(import.meta.dirname, p));

/** The real captures, one parsed GetFlowsResponse per line. */
export const CAPTURE_DIR = CANDIDATES.find((dir) => existsSync(dir)) ?? CANDIDATES[0] ?? "";

/** The first `count` records of a real capture. */
export function captureHead(name: string, count: number): Record<string, unknown>[] {
  return readFileSync(join(CAPTURE_DIR, name), "utf8").split("\n").filter((l) => l.trim() !== "").slice(0, count).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A record that must be refused: why it is hostile, the record, and the field the problem must name. */
export interface HostileRecord {
  readonly what: string;
  readonly record: unknown;
  readonly path: string;
}

// The first flow of the TCP capture: productpage -> reviews on 9080, with every field a real Cilium 1.10 flow has.
const [base] = captureHead("basic-sample-400-tcp-flows.json", 1);

function edited(change: (flow: Record<string, Record<string, unknown>>) => void): unknown {
  const record = structuredClone(base) as { flow: Record<string, Record<string, unknown>> };
  change(record.flow);
  return record;
}

function sourceNamespace(namespace: string): unknown {
  return edited((f) => {
    f.source = { ...f.source, namespace };
  });
}

function sourceLabel(label: string): unknown {
  return edited((f) => {
    f.source = { ...f.source, labels: [...(f.source?.labels as string[]), label] };
  });
}

function destinationPort(port: unknown): unknown {
  return edited((f) => {
    f.l4 = { TCP: { source_port: 35128, destination_port: port } };
  });
}

/** Names a cluster must never make us store; each can be sent over gRPC as well as written to a file. */
export const HOSTILE_NAMES: readonly HostileRecord[] = [
  { what: "namespace ../..", record: sourceNamespace("../.."), path: "flow.source.namespace" },
  { what: "namespace /", record: sourceNamespace("/"), path: "flow.source.namespace" },
  { what: "namespace UPPER", record: sourceNamespace("UPPER"), path: "flow.source.namespace" },
  { what: "a namespace with a newline", record: sourceNamespace("a\nb"), path: "flow.source.namespace" },
  { what: "a 64-character namespace", record: sourceNamespace("n".repeat(64)), path: "flow.source.namespace" },
  { what: "a unicode namespace", record: sourceNamespace("prodüction"), path: "flow.source.namespace" },
  { what: "an empty label key", record: sourceLabel("k8s:=x"), path: "flow.source.labels[7]" },
  { what: "a label key with two slashes", record: sourceLabel("k8s:a/b/c=x"), path: "flow.source.labels[7]" },
  { what: "a label value of 64 characters", record: sourceLabel(`k8s:tier=${"v".repeat(64)}`), path: "flow.source.labels[7]" },
  { what: "a pod name with a slash", record: edited((f) => { f.destination = { ...f.destination, pod_name: "../../etc" }; }), path: "flow.destination.pod_name" },
  { what: "an owner name in upper case", record: edited((f) => { f.source = { ...f.source, workloads: [{ name: "Web", kind: "Deployment" }] }; }), path: "flow.source.workloads[0].name" },
];

/** Numbers out of range or of the wrong JSON type: only a file can carry them (a wire uint32 is an integer). */
export const HOSTILE_NUMBERS: readonly HostileRecord[] = [
  { what: "port 99999999999", record: destinationPort(99999999999), path: "flow.l4.TCP.destination_port" },
  { what: "port -1", record: destinationPort(-1), path: "flow.l4.TCP.destination_port" },
  { what: "port 1.5", record: destinationPort(1.5), path: "flow.l4.TCP.destination_port" },
  { what: 'port "80"', record: destinationPort("80"), path: "flow.l4.TCP.destination_port" },
  { what: "port 70000", record: destinationPort(70000), path: "flow.l4.TCP.destination_port" },
  { what: "lost events 1e300", record: { lost_events: { source: "PERF_EVENT_RING_BUFFER", num_events_lost: 1e300 } }, path: "lost_events.num_events_lost" },
  { what: "a null flow", record: { flow: null }, path: "flow" },
];

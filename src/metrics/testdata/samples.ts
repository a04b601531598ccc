import type { Connection, Identity, SideVerdict, WorkloadIdentity } from "../../flows/index.js";
import { flow } from "../../flows/testdata/flow-builder.js";
import type { HubbleEvent } from "../../hubble/index.js";
import type { AuditorMetrics } from "../auditor-metrics.js";
import type { StreamSnapshot } from "../stream.js";

/** A Deployment identity. */
export function workload(namespace: string, name = "app"): WorkloadIdentity {
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster: "", namespace, workloadKind: "Deployment", name,
    labels: { app: name }, namespaceLabels: {}, serviceAccount: name, ciliumLabels: [`k8s:app=${name}`],
  };
}

/** The host identity (not in a namespace). */
export const HOST: Identity = { kind: "reserved", key: "reserved:host", entity: "host", ip: "", dnsNames: [], ciliumLabels: ["reserved:host"] };

/** A side verdict; DROPPED sides carry `reason`. */
export function sideOf(verdict: SideVerdict["verdict"], reason = "POLICY_DENIED"): SideVerdict {
  return { verdict, dropReason: verdict === "DROPPED" ? reason : undefined, source: verdict === "DROPPED" ? "drop" : "policy-verdict", policies: [] };
}

/** A connection event; a forwarded new TCP/8080 connection unless `extra` says otherwise. */
export function conn(from: Identity, to: Identity, extra: Partial<Connection> = {}): Connection {
  const time = { seconds: 1_700_000_000, nanos: 0 };
  return {
    kind: "new", time, lastTime: time, source: from, destination: to, protocol: "TCP", port: 8080, verdict: "FORWARDED",
    dropReason: undefined, egress: sideOf("FORWARDED"), ingress: sideOf("FORWARDED"), l7: undefined,
    sourceIp: "10.0.0.1", destinationIp: "10.0.0.2", nodes: ["node-a"], events: 1, ...extra,
  };
}

/** A connection dropped by policy at one side. */
export function dropped(from: Identity, to: Identity, direction: "ingress" | "egress", reason = "POLICY_DENIED"): Connection {
  const drop = sideOf("DROPPED", reason);
  return conn(from, to, {
    verdict: "DROPPED", dropReason: reason,
    egress: direction === "egress" ? drop : sideOf("FORWARDED"),
    ingress: direction === "ingress" ? drop : undefined,
  });
}

/** A flow event at `ms`. */
export function flowEvent(ms: number, verdict: "FORWARDED" | "DROPPED" = "FORWARDED", type: "L3_L4" | "L7" = "L3_L4"): HubbleEvent {
  return { kind: "flow", flow: flow({ at: ms, verdict, type }), nodeName: "node-a" };
}

/** A stream state snapshot; connected with no history unless `extra` says otherwise. */
export function streamState(extra: Partial<StreamSnapshot> = {}): StreamSnapshot {
  return {
    status: "connected", reconnects: 0, lastFlowTime: undefined, lostEvents: {}, nodeStatusChanges: {},
    undecodable: 0, rejected: 0, suspectedGaps: 0, paused: false, ...extra,
  };
}

/**
 * Drives every update method once, so each metric (and each labelled metric with at least
 * one label set) appears in the exposition.
 */
export function exerciseAll(metrics: AuditorMetrics, nowMs = 1_700_000_060_000): void {
  metrics.observeEvents([flowEvent(nowMs - 2000), flowEvent(nowMs - 1000, "DROPPED")]);
  const web = workload("shop", "web");
  const api = workload("shop", "api");
  metrics.accept([conn(web, api), dropped(web, api, "ingress"), dropped(api, HOST, "egress", "POLICY_DENY")]);
  metrics.observeStream(streamState({
    reconnects: 1, lastFlowTime: { seconds: Math.floor(nowMs / 1000), nanos: 0 }, lostEvents: { HUBBLE_RING_BUFFER: 3 },
    nodeStatusChanges: { NODE_CONNECTED: 2 }, undecodable: 1, rejected: 1, suspectedGaps: 1,
  }));
  metrics.observeWriterFlush({ connections: 42, durationMs: 12 });
  metrics.observeAudit([{ namespace: "shop", wouldBeDrops: 2, unusedAllows: 1, readiness: 0.75 }], 0.5);
  metrics.observeDbSize(4096);
}

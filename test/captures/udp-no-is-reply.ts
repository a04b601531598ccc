import { Capture } from "./capture.js";
import { pod, worldPeer } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { daemonSetPodName, deploymentPodName, lxcName, statefulSetPodName } from "./names.js";
import { CILIUM_1_10 } from "./profile.js";
import type { Conversation, Sighting } from "./records.js";
import { leg, send, UDP_FIRST, udpExchange } from "./sessions.js";
import { defaultPath, mapPath } from "./sightings.js";
import type { Path } from "./sightings.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "edge-1";
function node(n: number): NodeRef {
  return { name: `edge-1-node-0${n}`, cluster: CLUSTER, ip: `10.60.0.${10 + n}`, routerIp: `10.61.${n}.${[0, 31, 187, 96, 142][n] ?? 1}` };
}
const NODE_1 = node(1);
const NODE_2 = node(2);
const NODE_3 = node(3);
/** Runs Cilium, but Hubble Relay could not reach it during the capture: none of its flows are here. */
const NODE_4 = node(4);

/** A pod labelled `app=<app>`, owned by `kind` `<app>`. */
interface AppPod extends Pick<PodSpec, "node" | "ip" | "podName" | "endpointId" | "namespace" | "identity"> {
  readonly app: string;
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet";
}

function appPod({ app, kind, ...p }: AppPod): Pod {
  // The lxc name only has to be stable and unique: derive it from the address.
  const hex = p.ip.split(".").map((o) => Number(o).toString(16).padStart(3, "0")).join("");
  return pod({
    ...p, serviceAccount: app, labels: [`app=${app}`], workload: { name: app, kind },
    iface: { index: 12 + p.endpointId % 60, name: lxcName(hex) },
  });
}

const AGENT_1 = appPod({
  namespace: "telemetry", app: "agent", identity: 30_551, kind: "DaemonSet",
  node: NODE_1, ip: "10.61.1.14", podName: daemonSetPodName("agent", "p8x2z"), endpointId: 1022,
});
const AGENT_3 = appPod({
  namespace: "telemetry", app: "agent", identity: 30_551, kind: "DaemonSet",
  node: NODE_3, ip: "10.61.3.22", podName: daemonSetPodName("agent", "7vdkq"), endpointId: 3518,
});
const COLLECTOR_0 = appPod({
  namespace: "telemetry", app: "collector", identity: 18_090, kind: "StatefulSet",
  node: NODE_2, ip: "10.61.2.40", podName: statefulSetPodName("collector", 0), endpointId: 764,
});
const COLLECTOR_1 = appPod({
  namespace: "telemetry", app: "collector", identity: 18_090, kind: "StatefulSet",
  node: NODE_4, ip: "10.61.4.57", podName: statefulSetPodName("collector", 1), endpointId: 1290,
});
const EXPORTER = appPod({
  namespace: "telemetry", app: "exporter", identity: 27_444, kind: "Deployment",
  node: NODE_3, ip: "10.61.3.75", podName: deploymentPodName("exporter", "59b7f6c8d4", "zm4kc"), endpointId: 2217,
});
const MATCHMAKER = appPod({
  namespace: "game", app: "matchmaker", identity: 44_017, kind: "Deployment",
  node: NODE_4, ip: "10.61.4.18", podName: deploymentPodName("matchmaker", "7f85c9b6d", "h2rtx"), endpointId: 455,
});
const GAMESERVER = appPod({
  namespace: "game", app: "gameserver", identity: 39_802, kind: "StatefulSet",
  node: NODE_3, ip: "10.61.3.131", podName: statefulSetPodName("gameserver", 0), endpointId: 871,
});
const SFU = appPod({
  namespace: "media", app: "sfu", identity: 50_266, kind: "Deployment",
  node: NODE_2, ip: "10.61.2.93", podName: deploymentPodName("sfu", "8c6d4f97b5", "qn5wl"), endpointId: 1905,
});
const RELAY = appPod({
  namespace: "media", app: "relay", identity: 50_311, kind: "Deployment",
  node: NODE_4, ip: "10.61.4.202", podName: deploymentPodName("relay", "6d9b8f5c47", "c8jvt"), endpointId: 3377,
});
const NTP = worldPeer("10.200.0.123");

/** Drops what NODE_4 would have reported. */
function captured(path: Path): Path {
  return mapPath(path, (s) => (s.node.name === NODE_4.name ? undefined : s));
}

/** A UDP conversation: `[client, clientPort]` to `[server, serverPort]`. */
function udp(from: readonly [Pod, number], to: readonly [Conversation["server"], number]): Conversation {
  return { protocol: "UDP", client: from[0], clientPort: from[1], server: to[0], serverPort: to[1] };
}

/**
 * UDP where `is_reply` is absent on some records, as Hubble leaves it out of trace events
 * without conntrack state (TO_OVERLAY in the Cilium 1.10 captures, and here one TO_STACK):
 * - (a) telemetry/agent → collector-0:8125 (statsd, no replies): each datagram is seen
 *   TO_OVERLAY without is_reply and, same 5-tuple, TO_ENDPOINT with is_reply false;
 * - (b) matchmaker (on edge-1-node-04, whose Hubble server Relay could not reach) ↔
 *   gameserver-0:7777: the request arrives TO_ENDPOINT with is_reply false, the answer is
 *   seen only TO_OVERLAY without is_reply: its reverse 5-tuple settles it as a reply;
 * - (c) a lone TO_OVERLAY without is_reply from exporter to collector-1:8125 (on node-04),
 *   an address and port that the agents' settled requests (egress verdicts, is_reply
 *   false) show to be a server; likewise a lone TO_STACK to the NTP server 10.200.0.123:123,
 *   which other pods' TO_STACK requests (is_reply false) show serving port 123;
 * - (d) a lone TO_OVERLAY between sfu:40112 and relay:50231, which nothing settles.
 */
export function udpNoIsReply(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2022-03-08T07:15:33.081527900Z", seed: 606, profile: CILIUM_1_10 });
  udpExchange(cap, leg(udp([AGENT_1, 51_877], [COLLECTOR_0, 8125])), { requests: 4, replies: 0 });
  udpExchange(cap, leg(udp([AGENT_3, 44_291], [COLLECTOR_0, 8125])), { requests: 3, replies: 0 });
  for (const clientPort of [60_214, 60_231]) {
    const game = udp([MATCHMAKER, clientPort], [GAMESERVER, 7777]);
    udpExchange(cap, leg(game, captured(defaultPath(game))), { requests: 2 });
    cap.pause(15, 30);
  }
  for (const [client, clientPort] of [[AGENT_1, 51_890], [AGENT_3, 44_302]] as const) {
    const conv = udp([client, clientPort], [COLLECTOR_1, 8125]);
    udpExchange(cap, leg(conv, captured(defaultPath(conv))), { requests: 2, replies: 0, verdicts: { egress: { verdict: "FORWARDED" } } });
  }
  cap.pause(30, 60);
  const lone = udp([EXPORTER, 38_911], [COLLECTOR_1, 8125]);
  send(cap, leg(lone, captured(defaultPath(lone))), UDP_FIRST);
  for (const from of [[AGENT_1, 123], [AGENT_3, 40_522]] as const) udpExchange(cap, leg(udp(from, [NTP, 123])));
  const ntp = udp([EXPORTER, 47_105], [NTP, 123]);
  const unknown = (s: Sighting): Sighting => ({ ...s, known: false });
  send(cap, leg(ntp, mapPath(defaultPath(ntp), unknown)), UDP_FIRST);
  cap.pause(30, 60);
  const media = udp([SFU, 40_112], [RELAY, 50_231]);
  send(cap, leg(media, captured(defaultPath(media))), UDP_FIRST);
  return cap.responses();
}

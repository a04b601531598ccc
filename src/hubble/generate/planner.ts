import type { BuiltApp } from "./app-spec.js";
import type { Conversation } from "./conversation.js";
import { dnsSession } from "./dns-session.js";
import type { PolicyJson, ServiceJson } from "./jsonpb.js";
import type { NameTarget } from "./lookups.js";
import { questionsFor } from "./lookups.js";
import type { EdgeSpec, PeerRef } from "./model.js";
import { EdgeSchedule } from "./edge-schedule.js";
import { PolicyCatalog } from "./policies.js";
import type { Random } from "./prng.js";
import type { Session, SessionEnv } from "./session-env.js";
import { tcpSession } from "./tcp-session.js";
import type { PeerInstance, Topology } from "./topology-types.js";

/** The server side of an edge, resolved to one concrete peer. */
interface ServerChoice {
  readonly peer: PeerInstance;
  readonly service: ServiceJson | undefined;
  readonly names: readonly string[];
  /** What the client resolves before dialling; undefined for raw-IP peers. */
  readonly lookup: NameTarget | undefined;
}

const KUBE_DNS: ServiceJson = { name: "kube-dns", namespace: "kube-system" };
const KUBERNETES: ServiceJson = { name: "kubernetes", namespace: "default" };
/** Share of connections whose client resolves the name first (the rest hit its cache). */
const LOOKUP_FIRST = 0.25;

/** Turns intended edges into sessions: picks pods, ports, policies and DNS lookups. */
export class SessionPlanner {
  private readonly schedule: EdgeSchedule;
  private readonly policies: PolicyCatalog;
  private readonly dnsEdgeOf = new Map<string, number>();
  private readonly lookupsOf = new Map<string, NameTarget[]>();

  constructor(
    private readonly app: BuiltApp,
    private readonly topology: Topology,
    private readonly random: Random,
  ) {
    this.schedule = new EdgeSchedule(app.edges, random);
    this.policies = new PolicyCatalog(random);
    app.edges.forEach((edge, i) => {
      if (edge.source.kind !== "workload") return;
      const key = `${edge.source.namespace}/${edge.source.name}`;
      if (edge.session === "dns") this.dnsEdgeOf.set(key, i);
      else {
        const target = this.nameTarget(edge.destination);
        if (target !== undefined) this.lookupsOf.set(key, [...(this.lookupsOf.get(key) ?? []), target]);
      }
    });
  }

  /** The next session, or undefined when the chosen edge cannot be placed (caller retries). */
  next(env: SessionEnv): Session | undefined {
    const index = this.schedule.next();
    const edge = this.app.edges[index];
    if (edge === undefined) return undefined;
    const resolved = this.server(edge.destination);
    if (resolved === undefined) return undefined;
    // Scrapes and kubelet probes dial pod IPs found by discovery, not a Service by name.
    const direct = edge.source.kind === "reserved" || edge.source.name === "prometheus";
    const server: ServerChoice = direct && edge.destination.kind === "workload"
      ? { ...resolved, service: undefined, lookup: undefined }
      : resolved;
    const client = this.client(edge.source, server.peer);
    if (client === undefined) return undefined;
    const clientKey = edge.source.kind === "workload" ? `${edge.source.namespace}/${edge.source.name}` : "";
    if (edge.session === "dns") {
      const targets = this.lookupsOf.get(clientKey) ?? [this.apiserverTarget()];
      return dnsSession(env, this.dnsPlan(index, client, clientKey, this.random.pick(targets)));
    }
    const conv: Conversation = {
      client: client, server: server.peer,
      clientPort: this.random.between(32_768, 60_999), serverPort: edge.port, protocol: edge.protocol,
      service: server.service, serverNames: server.names,
      egressPolicy: this.egressPolicy(edge, client), ingressPolicy: this.ingressPolicy(edge, client, server.peer),
    };
    const http = edge.session === "http" && server.service !== undefined
      ? `${server.service.name}:${edge.port}` : undefined;
    const tcp = tcpSession(env, {
      edgeIndex: index, conv, enforcement: edge.enforcement, httpAuthority: http,
      rounds: http === undefined ? this.random.int(3) : 1 + this.random.int(3),
    });
    const dnsIndex = this.dnsEdgeOf.get(clientKey);
    if (server.lookup === undefined || dnsIndex === undefined || !this.random.chance(LOOKUP_FIRST)) return tcp;
    const dns = dnsSession(env, this.dnsPlan(dnsIndex, client, clientKey, server.lookup));
    return (function* lookupThenConnect(): Session {
      yield* dns;
      yield* tcp;
    })();
  }

  private dnsPlan(edgeIndex: number, client: PeerInstance, clientKey: string, target: NameTarget) {
    const coredns = this.topology.workloads.get("kube-system/coredns");
    const server = coredns === undefined ? undefined : this.random.pick(coredns.pods);
    if (server === undefined) throw new Error("the app has no CoreDNS pods");
    const namespace = clientKey.slice(0, clientKey.indexOf("/"));
    const conv: Conversation = {
      client, server, clientPort: 0, serverPort: 53, protocol: "UDP", service: KUBE_DNS, serverNames: [],
      egressPolicy: this.policies.get("CiliumClusterwideNetworkPolicy", "allow-kube-dns", undefined),
      ingressPolicy: undefined,
    };
    return { edgeIndex, conv, questions: questionsFor(target, namespace, this.random) };
  }

  private server(ref: PeerRef): ServerChoice | undefined {
    if (ref.kind === "workload") {
      const w = this.topology.workloads.get(`${ref.namespace}/${ref.name}`);
      if (w === undefined || w.pods.length === 0) return undefined;
      const service = w.spec.service === undefined ? undefined : { name: w.spec.service, namespace: ref.namespace };
      return { peer: this.random.pick(w.pods), service, names: [], lookup: this.nameTarget(ref) };
    }
    switch (ref.entity) {
      case "world": {
        const ips = ref.fqdn === undefined ? undefined : this.topology.world.get(ref.fqdn);
        if (ips === undefined || ref.fqdn === undefined) return undefined;
        return { peer: this.random.pick(ips), service: undefined, names: [ref.fqdn], lookup: this.nameTarget(ref) };
      }
      case "kube-apiserver":
        return { peer: this.topology.apiserver, service: KUBERNETES, names: [], lookup: this.apiserverTarget() };
      case "health":
        return { peer: this.random.pick(this.topology.nodes).health, service: undefined, names: [], lookup: undefined };
      case "host":
      case "remote-node":
        return undefined;
      default: {
        const never: never = ref.entity;
        throw new Error(`unknown entity ${String(never)}`);
      }
    }
  }

  private client(ref: PeerRef, server: PeerInstance): PeerInstance | undefined {
    if (ref.kind === "workload") {
      const w = this.topology.workloads.get(`${ref.namespace}/${ref.name}`);
      const candidates = w?.pods.filter((p) => p !== server) ?? [];
      return candidates.length === 0 ? undefined : this.random.pick(candidates);
    }
    switch (ref.entity) {
      case "world":
        return this.random.pick(this.topology.internetClients);
      case "host":
        // Kubelet probes come from the node the pod runs on.
        return server.node?.host;
      case "remote-node": {
        const others = this.topology.nodes.filter((n) => n !== server.node);
        return others.length === 0 ? undefined : this.random.pick(others).remoteNode;
      }
      case "kube-apiserver":
      case "health":
        return undefined;
      default: {
        const never: never = ref.entity;
        throw new Error(`unknown entity ${String(never)}`);
      }
    }
  }

  private nameTarget(ref: PeerRef): NameTarget | undefined {
    if (ref.kind === "workload") {
      const w = this.topology.workloads.get(`${ref.namespace}/${ref.name}`);
      if (w?.spec.service === undefined || w.serviceIp === undefined) return undefined;
      return { name: `${w.spec.service}.${ref.namespace}.svc.cluster.local.`, ips: [w.serviceIp], external: false };
    }
    if (ref.entity === "kube-apiserver") return this.apiserverTarget();
    if (ref.entity !== "world" || ref.fqdn === undefined) return undefined;
    const ips = this.app.fqdns.get(ref.fqdn) ?? [];
    return { name: `${ref.fqdn}.`, ips, external: true };
  }

  private apiserverTarget(): NameTarget {
    return { name: "kubernetes.default.svc.cluster.local.", ips: [this.topology.apiserverServiceIp], external: false };
  }

  /** Egress is enforced for app namespaces (a default-deny egress baseline there). */
  private egressPolicy(edge: EdgeSpec, client: PeerInstance): PolicyJson | undefined {
    if (client.role !== "pod" || edge.source.kind !== "workload" || edge.enforcement === "deny-egress") return undefined;
    const ns = edge.source.namespace;
    if (ns !== "shop" && ns !== "default" && !ns.startsWith("team-")) return undefined;
    return this.policies.get("CiliumNetworkPolicy", `${edge.source.name}-egress`, ns);
  }

  /** Ingress is enforced on every pod outside kube-system; host traffic is always allowed. */
  private ingressPolicy(edge: EdgeSpec, client: PeerInstance, server: PeerInstance): PolicyJson | undefined {
    if (server.role !== "pod" || client.role === "host" || edge.destination.kind !== "workload") return undefined;
    if (edge.enforcement !== "allow") return undefined;
    const ns = edge.destination.namespace;
    if (ns === "kube-system") return undefined;
    if (edge.source.kind === "workload" && edge.source.name === "prometheus") {
      return this.policies.get("NetworkPolicy", "allow-prometheus-scrape", ns);
    }
    const suffix = edge.source.kind === "reserved" ? "from-world" : "ingress";
    return this.policies.get("CiliumNetworkPolicy", `${edge.destination.name}-${suffix}`, ns);
  }
}

import type { ConnectionProtocol } from "./connection.js";
import type { Flow, FlowEndpoint } from "./flow.js";
import { toMillis } from "./flow.js";
import { isManaged } from "./endpoint-kind.js";
import type { Identity } from "./identity.js";

/**
 * What policy sees of one end of a flow besides protocol and port: the labels of its
 * security identity as Hubble reported them, the namespace field, the identity number when
 * no label was reported, and for ends that are not label-selected endpoints (world, nodes,
 * the API server) the address and the DNS names. Two flows whose ends have equal variants
 * get the same verdict from any policy set that has no L7 rules, named ports or Pod objects.
 */
export interface EndpointVariant {
  readonly labels: readonly string[];
  /** The endpoint's namespace field; "" when not reported. */
  readonly namespace: string;
  /** The security identity number when no label was reported (it then names a reserved identity); 0 otherwise. */
  readonly identity: number;
  /** The address, for ends that are not managed endpoints; "" for managed ones. */
  readonly ip: string;
  /** DNS names of the address, for ends that are not managed endpoints; empty for managed ones. */
  readonly dnsNames: readonly string[];
  /** A stable text of all of the above, for keys and storage. */
  readonly text: string;
}

/** How a counted flow fared: forwarded or redirected L3/L4, HTTP or DNS request record, AUDIT or DROPPED. */
export type TallyClass = "forwarded" | "l7" | "audited" | "dropped";

/** Request-direction flows of one (source, destination, protocol, port, end variants, hour). */
export interface FlowCount {
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  readonly sourceVariant: EndpointVariant;
  readonly destinationVariant: EndpointVariant;
  /** Start of the hour of the flows. */
  readonly hourMs: number;
  /** FORWARDED or REDIRECTED flows that are not HTTP/DNS request records. */
  forwarded: number;
  /** FORWARDED or REDIRECTED HTTP and DNS request records. */
  l7: number;
  audited: number;
  dropped: number;
  firstMs: number;
  lastMs: number;
}

const HOUR_MS = 3_600_000;

/** The class a request-direction flow is counted in; undefined for verdicts not counted (ERROR, TRACED, ...). */
export function tallyClassOf(flow: Flow): TallyClass | undefined {
  switch (flow.verdict) {
    case "FORWARDED":
    case "REDIRECTED":
      return flow.l7?.http !== undefined || flow.l7?.dns !== undefined ? "l7" : "forwarded";
    case "AUDIT":
      return "audited";
    case "DROPPED":
      return "dropped";
    default:
      return undefined;
  }
}

/**
 * Counts request-direction flows per pair of end variants, so that a replay of the graph
 * through a policy set can evaluate exactly what a per-flow simulation evaluates and count
 * the same flows. Memory is bounded by the distinct keys between two `take` calls.
 */
export class FlowTally {
  private counts = new Map<string, FlowCount>();
  // Variants of managed endpoints depend on the endpoint alone; decoders share endpoint
  // objects between flows, so the object is the cheapest key.
  private readonly managed = new WeakMap<FlowEndpoint, EndpointVariant>();

  /** Distinct keys held. */
  get size(): number {
    return this.counts.size;
  }

  /** Counts one flow between two resolved identities on (protocol, port). */
  add(flow: Flow, ends: { readonly source: Identity; readonly destination: Identity; readonly protocol: ConnectionProtocol; readonly port: number }, klass: TallyClass): void {
    if (!flow.source || !flow.destination) return;
    const at = toMillis(flow.time);
    const hourMs = Math.floor(at / HOUR_MS) * HOUR_MS;
    const sourceVariant = this.variant(flow.source, flow.ip?.source ?? "", flow.sourceNames);
    const destinationVariant = this.variant(flow.destination, flow.ip?.destination ?? "", flow.destinationNames);
    const key = [ends.source.key, sourceVariant.text, ends.destination.key, destinationVariant.text, ends.protocol, ends.port, hourMs].join("\u0000");
    let count = this.counts.get(key);
    if (count === undefined) {
      count = {
        source: ends.source, destination: ends.destination, protocol: ends.protocol, port: ends.port, sourceVariant, destinationVariant, hourMs,
        forwarded: 0, l7: 0, audited: 0, dropped: 0, firstMs: at, lastMs: at,
      };
      this.counts.set(key, count);
    }
    count[klass]++;
    if (at < count.firstMs) count.firstMs = at;
    if (at > count.lastMs) count.lastMs = at;
  }

  /** The counts since the last call, emptied. */
  take(): FlowCount[] {
    if (this.counts.size === 0) return [];
    const out = [...this.counts.values()];
    this.counts = new Map();
    return out;
  }

  private variant(endpoint: FlowEndpoint, ip: string, names: readonly string[]): EndpointVariant {
    const managed = isManaged(endpoint);
    if (managed) {
      const known = this.managed.get(endpoint);
      if (known !== undefined) return known;
    }
    const identity = endpoint.labels.length === 0 ? endpoint.identity : 0;
    const variant = endpointVariant({ labels: endpoint.labels, namespace: endpoint.namespace, identity, ip: managed ? "" : ip, dnsNames: managed ? [] : names });
    if (managed) this.managed.set(endpoint, variant);
    return variant;
  }
}

/** Builds a variant with its text (labels kept in the order given). */
export function endpointVariant(parts: Omit<EndpointVariant, "text">): EndpointVariant {
  const text = JSON.stringify([parts.labels, parts.namespace, parts.identity, parts.ip, parts.dnsNames]);
  return { ...parts, text };
}

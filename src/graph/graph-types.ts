import type { ConnectionKind, ConnectionProtocol, EndpointVariant, Identity } from "../flows/index.js";
import type { EffectiveWindow, TimeWindow } from "./window.js";

/** Counts by verdict name (FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, ...); absent means 0. */
export type VerdictCounts = Readonly<Record<string, number>>;

/** An identity seen in the graph. */
export interface ObservedIdentity {
  readonly identity: Identity;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/**
 * How often one side reported a verdict from a given kind of event: e.g. ingress
 * FORWARDED from `trace` only (no policy-verdict event) is traffic allowed because the
 * destination is not isolated by any policy. `source` is "" for sides never reported.
 */
export interface SideCount {
  readonly kind: ConnectionKind;
  readonly side: "egress" | "ingress";
  readonly verdict: string;
  readonly source: string;
  readonly count: number;
}

/**
 * One HTTP method and path template seen on an edge (counts over the retained history).
 * The template ends in `?{query}` when the requests carried a query string.
 */
export interface HttpSeen {
  readonly method: string;
  readonly path: string;
  readonly count: number;
  /** Requests that got through (FORWARDED or REDIRECTED); undefined: not recorded, take `count`. */
  readonly passed?: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** One DNS name queried on an edge (counts over the retained history). */
export interface DnsSeen {
  readonly query: string;
  readonly count: number;
  /** Queries that got through; undefined: not recorded, take `count`. */
  readonly passed?: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/**
 * An edge's request-direction flows (every observation point's record, not connections)
 * with one pair of end variants, over the window: what a per-flow policy evaluation sees.
 */
export interface EdgeVariant {
  readonly source: EndpointVariant;
  readonly destination: EndpointVariant;
  /** FORWARDED or REDIRECTED flows that are not HTTP/DNS request records. */
  readonly forwarded: number;
  /** FORWARDED or REDIRECTED HTTP and DNS request records. */
  readonly l7: number;
  readonly audited: number;
  readonly dropped: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** Traffic between two identities on (protocol, port) within a window. */
export interface ObservedEdge {
  /** Identity keys. */
  readonly source: string;
  readonly destination: string;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** New connection attempts, and by verdict. */
  readonly connections: number;
  readonly connectionsByVerdict: VerdictCounts;
  /** L7 requests, and by verdict. */
  readonly requests: number;
  readonly requestsByVerdict: VerdictCounts;
  /** Sightings of connections opened before observation began (no count, proof of use). */
  readonly existing: number;
  /**
   * Packets whose direction nothing settled (request or reply?), counted as seen in this
   * orientation; never connections. Undefined: none.
   */
  readonly unknown?: number;
  /** Flows per pair of end variants; undefined when the graph does not record them (then an end's identity labels stand for it). */
  readonly variants?: readonly EdgeVariant[];
  /** Drop reasons of dropped connections and requests. */
  readonly dropReasons: VerdictCounts;
  readonly sides: readonly SideCount[];
  /** L7 detail seen during the window; `<other>` pools what exceeded the per-edge bound. */
  readonly http: readonly HttpSeen[];
  readonly dns: readonly DnsSeen[];
}

/** A stored identity left out of a graph because a name or label of it breaks Kubernetes' rules. */
export interface SkippedIdentity {
  readonly key: string;
  /** What is wrong, naming the field and the value (see identityProblem). */
  readonly problem: string;
  /** Edges left out with it. */
  readonly edges: number;
}

/** The observed graph of a window. */
export interface ObservedGraph {
  /** The window its counts cover: the one asked for, or wider where buckets reached across it. */
  readonly window: EffectiveWindow;
  readonly identities: readonly ObservedIdentity[];
  readonly edges: readonly ObservedEdge[];
  /**
   * Stored identities left out, with their edges, because a name of theirs is invalid (a
   * graph written before flows were checked on the way in); undefined or empty: none.
   */
  readonly skipped?: readonly SkippedIdentity[];
}

/** Which part of the graph a query covers; undefined members do not filter. */
export interface GraphFilter {
  readonly window: TimeWindow;
  /** Edges with an endpoint in this namespace. */
  readonly namespace?: string | undefined;
  /** Edges with this workload at an end: an identity key (`ns/Kind/name`) or `ns/name`. */
  readonly workload?: string | undefined;
}

/** Summary numbers of a window. */
export interface GraphTotals {
  /** The window the numbers cover (see ObservedGraph.window). */
  readonly window: EffectiveWindow;
  readonly identities: number;
  readonly edges: number;
  readonly connections: number;
  readonly requests: number;
  readonly dropped: number;
  readonly existing: number;
  readonly lostEvents: number;
  readonly lostBySource: VerdictCounts;
  /** Undefined when the window holds no traffic. */
  readonly firstSeenMs: number | undefined;
  readonly lastSeenMs: number | undefined;
}

/** An identity ranked by traffic. */
export interface TopTalker {
  readonly identity: string;
  readonly sent: number;
  readonly received: number;
  readonly dropped: number;
  readonly peers: number;
}

/** A stored example connection of an edge, for explanations. */
export interface EdgeSample {
  readonly verdict: string;
  readonly timeMs: number;
  /** The connection as stored (kind, times, verdicts per side with policies, L7, addresses, nodes). */
  readonly connection: Readonly<Record<string, unknown>>;
}

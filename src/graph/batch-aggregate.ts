import { toMillis } from "../flows/index.js";
import type { Connection, Identity, SideVerdict } from "../flows/index.js";
import { dnsNameOf, methodOf, pathTemplate } from "./path-template.js";

/** Length of a time bucket: windows are answered with hourly resolution. */
export const BUCKET_MS = 3_600_000;

/** Distinct HTTP (method, path template) plus DNS names kept per edge; the rest are pooled. */
export const MAX_L7_PER_EDGE = 64;

/** The row that takes L7 detail beyond {@link MAX_L7_PER_EDGE}. */
export const L7_OVERFLOW = "<other>";

/** Start of the hour that contains `ms`. */
export function bucketOf(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

/** How a side's verdict is stored: "VERDICT/source", or "" when no event reported that side. */
export function sideText(side: SideVerdict | undefined): string {
  return side ? `${side.verdict}/${side.source}` : "";
}

export interface SeenAgg {
  count: number;
  first: number;
  last: number;
}

export interface BucketAgg extends SeenAgg {
  readonly bucket: number;
  readonly kind: Connection["kind"];
  readonly verdict: string;
  readonly dropReason: string;
  readonly egress: string;
  readonly ingress: string;
  events: number;
}

export interface HttpAgg extends SeenAgg {
  readonly method: string;
  readonly path: string;
}

export interface EdgeAgg {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  first: number;
  last: number;
  readonly buckets: Map<string, BucketAgg>;
  readonly http: Map<string, HttpAgg>;
  readonly dns: Map<string, SeenAgg>;
  /** The latest connection per verdict, for explanations (new/request preferred over existing). */
  readonly samples: Map<string, Connection>;
}

export interface IdentityAgg {
  identity: Identity;
  first: number;
  last: number;
}

export interface LostAgg {
  readonly node: string;
  readonly source: string;
  readonly bucket: number;
  count: number;
}

function seen(map: Map<string, SeenAgg>, key: string, first: number, last: number): boolean {
  const hit = map.get(key);
  if (hit) {
    hit.count++;
    if (first < hit.first) hit.first = first;
    if (last > hit.last) hit.last = last;
    return false;
  }
  map.set(key, { count: 1, first, last });
  return true;
}

/**
 * Connections of one flush interval, aggregated by identity, edge, hour bucket and L7 key.
 * Memory is bounded by the number of distinct keys (`keys`), not by the number of
 * connections: the writer flushes when `keys` reaches its limit.
 */
export class BatchAggregate {
  readonly identities = new Map<string, IdentityAgg>();
  readonly edges = new Map<string, EdgeAgg>();
  readonly lost = new Map<string, LostAgg>();
  /** Distinct rows this batch will write. */
  keys = 0;
  /** Connection events added. */
  connections = 0;

  /** Adds one connection event. */
  add(c: Connection): void {
    this.connections++;
    const first = Math.floor(toMillis(c.time));
    const last = Math.max(first, Math.floor(toMillis(c.lastTime)));
    this.identity(c.source, first, last);
    this.identity(c.destination, first, last);
    const edge = this.edge(c, first, last);
    const verdict = c.verdict;
    const dropReason = c.dropReason ?? "";
    const egress = sideText(c.egress);
    const ingress = sideText(c.ingress);
    const bucket = bucketOf(first);
    const bucketKey = `${bucket}|${c.kind}|${verdict}|${dropReason}|${egress}|${ingress}`;
    const hit = edge.buckets.get(bucketKey);
    if (hit) {
      hit.count++;
      hit.events += c.events;
      if (first < hit.first) hit.first = first;
      if (last > hit.last) hit.last = last;
    } else {
      edge.buckets.set(bucketKey, { bucket, kind: c.kind, verdict, dropReason, egress, ingress, count: 1, events: c.events, first, last });
      this.keys++;
    }
    if (c.l7) this.l7(edge, c.l7, first, last);
    const sample = edge.samples.get(verdict);
    if (!sample || c.kind !== "existing" || sample.kind === "existing") edge.samples.set(verdict, c);
  }

  /** Counts events Hubble reported lost on `node` at `source`. */
  addLost(node: string, source: string, count: number, atMs: number): void {
    const bucket = bucketOf(atMs);
    const key = `${node}|${source}|${bucket}`;
    const hit = this.lost.get(key);
    if (hit) hit.count += count;
    else {
      this.lost.set(key, { node, source, bucket, count });
      this.keys++;
    }
  }

  private identity(identity: Identity, first: number, last: number): void {
    const hit = this.identities.get(identity.key);
    if (hit) {
      // The latest label set wins: labels can change while the workload keeps its key.
      hit.identity = identity;
      if (first < hit.first) hit.first = first;
      if (last > hit.last) hit.last = last;
      return;
    }
    this.identities.set(identity.key, { identity, first, last });
    this.keys++;
  }

  private edge(c: Connection, first: number, last: number): EdgeAgg {
    const key = `${c.source.key}\u0000${c.destination.key}\u0000${c.protocol}\u0000${c.port}`;
    const hit = this.edges.get(key);
    if (hit) {
      if (first < hit.first) hit.first = first;
      if (last > hit.last) hit.last = last;
      return hit;
    }
    const edge: EdgeAgg = {
      source: c.source.key, destination: c.destination.key, protocol: c.protocol, port: c.port, first, last,
      buckets: new Map(), http: new Map(), dns: new Map(), samples: new Map(),
    };
    this.edges.set(key, edge);
    this.keys++;
    return edge;
  }

  private l7(edge: EdgeAgg, l7: NonNullable<Connection["l7"]>, first: number, last: number): void {
    const full = edge.http.size + edge.dns.size >= MAX_L7_PER_EDGE;
    switch (l7.kind) {
      case "http": {
        let method = methodOf(l7.method);
        let path = pathTemplate(l7.path);
        let key = `${method} ${path}`;
        if (full && !edge.http.has(key)) {
          method = L7_OVERFLOW;
          path = L7_OVERFLOW;
          key = `${method} ${path}`;
        }
        const hit = edge.http.get(key);
        if (hit) {
          hit.count++;
          if (first < hit.first) hit.first = first;
          if (last > hit.last) hit.last = last;
        } else {
          edge.http.set(key, { method, path, count: 1, first, last });
          this.keys++;
        }
        return;
      }
      case "dns": {
        let name = dnsNameOf(l7.query);
        if (full && !edge.dns.has(name)) name = L7_OVERFLOW;
        if (seen(edge.dns, name, first, last)) this.keys++;
        return;
      }
      default: {
        const never: never = l7;
        return never;
      }
    }
  }
}

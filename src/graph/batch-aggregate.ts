import { FLOW_COUNT_BUCKET_MS, hasQuery, sameVariant, toMillis } from "../flows/index.js";
import type { Connection, EndpointVariant, FlowCount, Identity, SideVerdict } from "../flows/index.js";
import { dnsNameOf, methodOf, pathTemplate } from "./path-template.js";

/**
 * Length of the buckets ingestion writes: a minute, so a window is answered to the minute.
 * The flow counts per end variant use the same buckets (the tally's), so that the replay of
 * a window counts the flows of the same minutes as the window's connections.
 */
export const MINUTE_MS = FLOW_COUNT_BUCKET_MS;

/** Length of the buckets minute rows are rolled up into (and of every row of graphs before version 4). */
export const HOUR_MS = 3_600_000;

/** Distinct HTTP (method, path template) plus DNS names kept per edge; the rest are pooled. */
export const MAX_L7_PER_EDGE = 64;

/** The row that takes L7 detail beyond {@link MAX_L7_PER_EDGE}. */
export const L7_OVERFLOW = "<other>";

/** Start of the minute that contains `ms`. */
export function bucketOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

// "VERDICT/source" texts already built, by verdict then source: a handful of combinations
// repeat in every batch, and looking them up this way builds no string.
const sideTexts = new Map<string, Map<string, string>>();

/** How a side's verdict is stored: "VERDICT/source", or "" when no event reported that side. */
export function sideText(side: SideVerdict | undefined): string {
  if (!side) return "";
  let bySource = sideTexts.get(side.verdict);
  if (!bySource) {
    bySource = new Map();
    // Verdicts are an enum (unknown values arrive as their number): this stays small.
    if (sideTexts.size < 64) sideTexts.set(side.verdict, bySource);
  }
  let text = bySource.get(side.source);
  if (text === undefined) {
    text = [side.verdict, side.source].join("/");
    bySource.set(side.source, text);
  }
  return text;
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
  passed: number;
}

export interface DnsAgg extends SeenAgg {
  passed: number;
}

/** One edge's flows with one pair of end variants in one minute. */
export interface VariantAgg {
  readonly bucket: number;
  readonly source: EndpointVariant;
  readonly destination: EndpointVariant;
  forwarded: number;
  l7: number;
  audited: number;
  dropped: number;
  first: number;
  last: number;
}

/** What the template of a stored HTTP path ends in when the requests carried a query string. */
export const QUERY_MARK = "?{query}";

/**
 * One edge's share of a batch. Kept small, because a batch holds thousands of them: the
 * few outcome rows and samples of an edge are short arrays searched in place, and L7 maps
 * exist only on edges that carried L7 requests.
 */
export interface EdgeAgg {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  first: number;
  last: number;
  /** One entry per (minute, kind, verdict, drop reason, egress, ingress). */
  readonly buckets: BucketAgg[];
  /** By "METHOD path template"; undefined until the edge carries an HTTP request. */
  http: Map<string, HttpAgg> | undefined;
  /** By DNS name; undefined until the edge carries a DNS request. */
  dns: Map<string, DnsAgg> | undefined;
  /** Flow counts per end variants and minute; undefined until the edge has any. */
  variants: VariantAgg[] | undefined;
  /** The latest connection per verdict, for explanations (new/request preferred over existing). */
  readonly samples: Connection[];
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

function seen(map: Map<string, DnsAgg>, key: string, first: number, last: number, passed: number): boolean {
  const hit = map.get(key);
  if (hit) {
    hit.count++;
    hit.passed += passed;
    if (first < hit.first) hit.first = first;
    if (last > hit.last) hit.last = last;
    return false;
  }
  map.set(key, { count: 1, first, last, passed });
  return true;
}

/** Whether a request got through, for the L7 rows' `passed` counts. */
function passedOf(verdict: string): number {
  return verdict === "FORWARDED" || verdict === "REDIRECTED" ? 1 : 0;
}

/**
 * Connections of one flush interval, aggregated by identity, edge, minute bucket and L7 key.
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
    const verdict = c.verdict;
    const dropReason = c.dropReason ?? "";
    const egress = sideText(c.egress);
    const ingress = sideText(c.ingress);
    const bucket = bucketOf(first);
    const key = [c.source.key, c.destination.key, c.protocol, c.port].join("\u0000");
    const edge = this.edges.get(key);
    if (!edge) {
      // Arrays are created holding their first element: an array that starts empty gets
      // room for 16 on its first push, and most edges hold one bucket and one sample.
      const created: EdgeAgg = {
        source: c.source.key, destination: c.destination.key, protocol: c.protocol, port: c.port, first, last,
        buckets: [{ bucket, kind: c.kind, verdict, dropReason, egress, ingress, count: 1, events: c.events, first, last }],
        http: undefined, dns: undefined, variants: undefined, samples: [c],
      };
      this.edges.set(key, created);
      this.keys += 2;
      if (c.l7) this.l7(created, c.l7, first, last, passedOf(verdict));
      return;
    }
    if (first < edge.first) edge.first = first;
    if (last > edge.last) edge.last = last;
    let hit: BucketAgg | undefined;
    for (const b of edge.buckets) {
      if (b.bucket === bucket && b.kind === c.kind && b.verdict === verdict && b.dropReason === dropReason && b.egress === egress && b.ingress === ingress) {
        hit = b;
        break;
      }
    }
    if (hit) {
      hit.count++;
      hit.events += c.events;
      if (first < hit.first) hit.first = first;
      if (last > hit.last) hit.last = last;
    } else {
      edge.buckets.push({ bucket, kind: c.kind, verdict, dropReason, egress, ingress, count: 1, events: c.events, first, last });
      this.keys++;
    }
    if (c.l7) this.l7(edge, c.l7, first, last, passedOf(verdict));
    const samples = edge.samples;
    let at = 0;
    while (at < samples.length && samples[at]?.verdict !== verdict) at++;
    const sample = samples[at];
    // A new connection or request makes the better example; existing-connection sightings
    // and packets of unknown direction only stand in until one arrives.
    if (!sample || rank(c.kind) >= rank(sample.kind)) samples[at] = c;
  }

  /** Adds request-direction flow counts per end variants (see FlowTally). */
  addFlowCounts(counts: readonly FlowCount[]): void {
    for (const f of counts) {
      const first = Math.floor(f.firstMs);
      const last = Math.max(first, Math.floor(f.lastMs));
      this.identity(f.source, first, last);
      this.identity(f.destination, first, last);
      const key = [f.source.key, f.destination.key, f.protocol, f.port].join("\u0000");
      let edge = this.edges.get(key);
      if (!edge) {
        edge = {
          source: f.source.key, destination: f.destination.key, protocol: f.protocol, port: f.port, first, last,
          buckets: [], http: undefined, dns: undefined, variants: undefined, samples: [],
        };
        this.edges.set(key, edge);
        this.keys++;
      }
      if (first < edge.first) edge.first = first;
      if (last > edge.last) edge.last = last;
      const variants = (edge.variants ??= []);
      let hit: VariantAgg | undefined;
      for (const v of variants) {
        if (v.bucket === f.bucketMs && sameVariant(v.source, f.sourceVariant) && sameVariant(v.destination, f.destinationVariant)) {
          hit = v;
          break;
        }
      }
      if (!hit) {
        hit = { bucket: f.bucketMs, source: f.sourceVariant, destination: f.destinationVariant, forwarded: 0, l7: 0, audited: 0, dropped: 0, first, last };
        variants.push(hit);
        this.keys++;
      }
      this.markBucket(edge, f.bucketMs, first, last);
      hit.forwarded += f.forwarded;
      hit.l7 += f.l7;
      hit.audited += f.audited;
      hit.dropped += f.dropped;
      if (first < hit.first) hit.first = first;
      if (last > hit.last) hit.last = last;
    }
  }

  /**
   * Gives a minute that holds flow counts of an edge a row among its outcome rows too: an
   * existing-connection row of count 0 when the minute has none. The later packets of a
   * connection opened in an earlier minute, or the same 5-tuple seen on another node with
   * another identity (a host's leg that arrives as remote-node), count per variant only;
   * the marker is what lets the window's query, its totals, roll-up and retention find that minute.
   */
  private markBucket(edge: EdgeAgg, bucket: number, first: number, last: number): void {
    for (const b of edge.buckets) {
      if (b.bucket !== bucket) continue;
      if (b.count === 0) {
        if (first < b.first) b.first = first;
        if (last > b.last) b.last = last;
      }
      return;
    }
    edge.buckets.push({ bucket, kind: "existing", verdict: "", dropReason: "", egress: "", ingress: "", count: 0, events: 0, first, last });
    this.keys++;
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

  private l7(edge: EdgeAgg, l7: NonNullable<Connection["l7"]>, first: number, last: number, passed: number): void {
    const full = (edge.http?.size ?? 0) + (edge.dns?.size ?? 0) >= MAX_L7_PER_EDGE;
    switch (l7.kind) {
      case "http": {
        let method = methodOf(l7.method);
        let path = pathTemplate(l7.path) + (hasQuery(l7.url) ? QUERY_MARK : "");
        let key = [method, path].join(" ");
        const http = (edge.http ??= new Map<string, HttpAgg>());
        if (full && !http.has(key)) {
          method = L7_OVERFLOW;
          path = L7_OVERFLOW;
          key = [method, path].join(" ");
        }
        const hit = http.get(key);
        if (hit) {
          hit.count++;
          hit.passed += passed;
          if (first < hit.first) hit.first = first;
          if (last > hit.last) hit.last = last;
        } else {
          http.set(key, { method, path, count: 1, first, last, passed });
          this.keys++;
        }
        return;
      }
      case "dns": {
        let name = dnsNameOf(l7.query);
        const dns = (edge.dns ??= new Map<string, DnsAgg>());
        if (full && !dns.has(name)) name = L7_OVERFLOW;
        if (seen(dns, name, first, last, passed)) this.keys++;
        return;
      }
      default: {
        const never: never = l7;
        return never;
      }
    }
  }
}

function rank(kind: Connection["kind"]): number {
  return kind === "new" || kind === "request" ? 2 : kind === "existing" ? 1 : 0;
}

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
  /**
   * A stable text of all of the above, for storage: built on each read and not kept, so the
   * tally's variants stay small (compare variants with {@link sameVariant}).
   */
  readonly text: string;
}

/** Whether two variants are equal in every part (what equal texts would say, without building them). */
export function sameVariant(a: EndpointVariant, b: EndpointVariant): boolean {
  return a === b || (a.namespace === b.namespace && a.identity === b.identity && a.ip === b.ip && sameStrings(a.labels, b.labels) && sameStrings(a.dnsNames, b.dnsNames));
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How a counted flow fared: forwarded or redirected L3/L4, HTTP or DNS request record, AUDIT or DROPPED. */
export type TallyClass = "forwarded" | "l7" | "audited" | "dropped";

/**
 * Length of the time buckets flows are counted in: a minute, the graph's finest resolution,
 * so that the counts of a window cut where the window's connection counts are cut.
 */
export const FLOW_COUNT_BUCKET_MS = 60_000;

/** Request-direction flows of one (source, destination, protocol, port, end variants, minute). */
export interface FlowCount {
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  readonly sourceVariant: EndpointVariant;
  readonly destinationVariant: EndpointVariant;
  /** Start of the minute of the flows (see {@link FLOW_COUNT_BUCKET_MS}). */
  readonly bucketMs: number;
  /** FORWARDED or REDIRECTED flows that are not HTTP/DNS request records. */
  forwarded: number;
  /** FORWARDED or REDIRECTED HTTP and DNS request records. */
  l7: number;
  audited: number;
  dropped: number;
  firstMs: number;
  lastMs: number;
}

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
 * the same flows. A count lives on across takes while it keeps counting (so the later
 * packets of a connection bump it through their slot); one that counted nothing for 64 takes
 * is forgotten at the next sweep. Memory is bounded by the keys active over the last 128
 * takes and by the variants cached (at most 65,536 made before the caches start over).
 */
export class FlowTally {
  private counts = new Map<string, LiveCount>();
  // Counts with something counted since the last take.
  private dirty: LiveCount[] = [];
  private takes = 0;
  // Variants of managed endpoints depend on the endpoint alone; decoders share endpoint
  // objects between flows, so the object is the cheapest key. Other endpoints (world, nodes)
  // also depend on the address and names, kept per endpoint object.
  private managed = new WeakMap<FlowEndpoint, Numbered>();
  // Label arrays, by object and by content (pods of one identity have equal labels in arrays
  // of their own), each with the variants made of them.
  private byLabels = new WeakMap<readonly string[], LabelSet>();
  private labelSets = new Map<string, LabelSet>();
  // Every variant made gets a number, never reused: counts are keyed by the numbers. The
  // caches above are dropped past MAX_VARIANTS made; counts keyed by older numbers age out.
  private nextId = 0;
  private made = 0;

  /** Distinct keys held. */
  get size(): number {
    return this.counts.size;
  }

  /**
   * Counts one more flow on the count a slot from {@link add} points at, when the flow has
   * the end variants and minute of the flow that made it and the count is still held: the
   * cheap path for the later packets of a connection (no key to build). False: use add.
   */
  bump(slot: TallySlot, flow: Flow, klass: TallyClass): boolean {
    const c = slot.count;
    if (c.forgotten || !flow.source || !flow.destination) return false;
    const at = toMillis(flow.time);
    if (at < c.bucketMs || at >= c.bucketMs + FLOW_COUNT_BUCKET_MS) return false;
    // The same variants make the same count (the other observation point of a packet
    // reports other endpoint objects with the same labels).
    if (this.variant(flow.source, flow.ip?.source ?? "", flow.sourceNames) !== slot.source) return false;
    if (this.variant(flow.destination, flow.ip?.destination ?? "", flow.destinationNames) !== slot.destination) return false;
    if (!c.dirty) this.markDirty(c);
    c[klass]++;
    if (at < c.firstMs) c.firstMs = at;
    if (at > c.lastMs) c.lastMs = at;
    return true;
  }

  /** Counts one flow between two resolved identities on (protocol, port); returns a slot for {@link bump}. */
  add(flow: Flow, ends: { readonly source: Identity; readonly destination: Identity; readonly protocol: ConnectionProtocol; readonly port: number }, klass: TallyClass): TallySlot | undefined {
    if (!flow.source || !flow.destination) return undefined;
    const at = toMillis(flow.time);
    const bucketMs = Math.floor(at / FLOW_COUNT_BUCKET_MS) * FLOW_COUNT_BUCKET_MS;
    const source = this.variant(flow.source, flow.ip?.source ?? "", flow.sourceNames);
    const destination = this.variant(flow.destination, flow.ip?.destination ?? "", flow.destinationNames);
    const key = [ends.source.key, source.id, ends.destination.key, destination.id, ends.protocol, ends.port, bucketMs].join("|");
    let count = this.counts.get(key);
    if (count === undefined) {
      count = {
        source: ends.source, destination: ends.destination, protocol: ends.protocol, port: ends.port,
        sourceVariant: source.variant, destinationVariant: destination.variant, bucketMs,
        forwarded: 0, l7: 0, audited: 0, dropped: 0, firstMs: at, lastMs: at, lastTake: this.takes, dirty: false, forgotten: false,
      };
      this.counts.set(key, count);
    }
    if (!count.dirty) this.markDirty(count);
    count[klass]++;
    if (at < count.firstMs) count.firstMs = at;
    if (at > count.lastMs) count.lastMs = at;
    return { count, source, destination };
  }

  /** The counts since the last call (copies: the live counts start again from zero). */
  take(): FlowCount[] {
    this.takes++;
    const out: FlowCount[] = [];
    for (const c of this.dirty) {
      out.push({
        source: c.source, destination: c.destination, protocol: c.protocol, port: c.port, sourceVariant: c.sourceVariant, destinationVariant: c.destinationVariant,
        bucketMs: c.bucketMs, forwarded: c.forwarded, l7: c.l7, audited: c.audited, dropped: c.dropped, firstMs: c.firstMs, lastMs: c.lastMs,
      });
      c.forwarded = 0;
      c.l7 = 0;
      c.audited = 0;
      c.dropped = 0;
      c.firstMs = Number.POSITIVE_INFINITY;
      c.lastMs = Number.NEGATIVE_INFINITY;
      c.dirty = false;
      c.lastTake = this.takes;
    }
    this.dirty = [];
    // Now and then, forget counts that counted nothing for a while (amortized: one sweep
    // per SWEEP_EVERY takes), and start numbering over past MAX_IDS variants.
    if (this.takes % SWEEP_EVERY === 0) {
      for (const [key, c] of this.counts) {
        if (this.takes - c.lastTake < SWEEP_EVERY) continue;
        c.forgotten = true;
        this.counts.delete(key);
      }
    }
    if (this.made > MAX_VARIANTS) {
      this.made = 0;
      this.managed = new WeakMap();
      this.byLabels = new WeakMap();
      this.labelSets = new Map();
    }
    return out;
  }

  private markDirty(c: LiveCount): void {
    c.dirty = true;
    this.dirty.push(c);
  }

  private variant(endpoint: FlowEndpoint, ip: string, names: readonly string[]): Numbered {
    const known = this.managed.get(endpoint);
    if (known !== undefined) return known;
    // Endpoint objects that differ may still share their label array (a decoder's copies,
    // pods of one identity): variants are kept per label array, then by what else they hold.
    const set = this.labelSet(endpoint);
    const identity = endpoint.labels.length === 0 ? endpoint.identity : 0;
    const rest = set.managed ? endpoint.namespace : [endpoint.namespace, identity, ip, ...names].join("\u0000");
    let made = set.variants.get(rest);
    if (made === undefined) {
      const variant = set.managed
        ? endpointVariant({ labels: set.labels, namespace: endpoint.namespace, identity: 0, ip: "", dnsNames: [] })
        : endpointVariant({ labels: set.labels, namespace: endpoint.namespace, identity, ip, dnsNames: names });
      made = { variant, id: this.nextId++ };
      this.made++;
      if (set.variants.size >= MAX_PER_LABELS) set.variants.clear();
      set.variants.set(rest, made);
    }
    if (set.managed) this.managed.set(endpoint, made);
    return made;
  }

  private labelSet(endpoint: FlowEndpoint): LabelSet {
    const byObject = this.byLabels.get(endpoint.labels);
    if (byObject !== undefined) return byObject;
    const content = endpoint.labels.join("\n");
    let set = this.labelSets.get(content);
    if (set === undefined) this.labelSets.set(content, (set = { labels: endpoint.labels, managed: isManaged(endpoint), variants: new Map() }));
    this.byLabels.set(endpoint.labels, set);
    return set;
  }
}

/** A label array's content, with the variants made of it. */
interface LabelSet {
  /** The first array seen with this content: the one its variants share. */
  readonly labels: readonly string[];
  readonly managed: boolean;
  readonly variants: Map<string, Numbered>;
}

/** A count the tally holds: what it counted since the last take, and whether it is still held. */
interface LiveCount extends FlowCount {
  /** The take that last took something from it. */
  lastTake: number;
  /** Counted something since the last take (it is in the dirty list). */
  dirty: boolean;
  /** Dropped from the tally: a slot pointing at it must not bump it any more. */
  forgotten: boolean;
}

/** Where {@link FlowTally.add} counted a flow, with the end variants that made that count its own. */
export interface TallySlot {
  readonly count: LiveCount;
  readonly source: Numbered;
  readonly destination: Numbered;
}

/** A variant with its number in the current numbering. */
interface Numbered {
  readonly variant: EndpointVariant;
  readonly id: number;
}

// Bounds of the tally's caches: variants made before the caches start over (about 100 bytes
// each), and variants kept per label array (a world label array stands for every address of
// the world). Counts idle for SWEEP_EVERY takes are forgotten.
const MAX_VARIANTS = 65_536;
const SWEEP_EVERY = 64;
const MAX_PER_LABELS = 16_384;

/** A variant; its text is built when read (see EndpointVariant.text). */
class Variant implements EndpointVariant {
  constructor(
    readonly labels: readonly string[],
    readonly namespace: string,
    readonly identity: number,
    readonly ip: string,
    readonly dnsNames: readonly string[],
  ) {}

  get text(): string {
    return JSON.stringify([this.labels, this.namespace, this.identity, this.ip, this.dnsNames]);
  }
}

/** Builds a variant (labels kept in the order given). */
export function endpointVariant(parts: Omit<EndpointVariant, "text">): EndpointVariant {
  return new Variant(parts.labels, parts.namespace, parts.identity, parts.ip, parts.dnsNames);
}

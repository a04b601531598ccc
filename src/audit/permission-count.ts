import { andBits, hasBit, popcount32, transpose32, wordsFor } from "./permission-bits.js";
import type { Bits } from "./permission-bits.js";
import type { DirectionProfile, RuleTables, RuleTerm } from "./permission-rules.js";
import type { Universe } from "./permission-universe.js";

/** A triple whose verdict the caller wants (the used ones), by member and element index. */
export interface TripleProbe {
  readonly source: number;
  readonly destination: number;
  /** Index of the port element. */
  readonly element: number;
}

/** Bit of {@link GroupCounts.verdicts}: the triple is allowed. */
export const ALLOWED = 1;
/** Bit of {@link GroupCounts.verdicts}: the triple survives default-deny. */
export const EXPLICIT = 2;

/**
 * Allowed triples per (source group, destination group), row-major over `groups`:
 * `allowed` and `explicit` weigh each class by its workload-counted elements,
 * `allowedWorld` by its elements counted towards non-workload peers.
 */
export interface GroupCounts {
  readonly groups: number;
  readonly allowed: Float64Array;
  readonly explicit: Float64Array;
  readonly allowedWorld: Float64Array;
  /** Per probe, in order: {@link ALLOWED} and {@link EXPLICIT} bits. */
  readonly verdicts: Uint8Array;
}

/** A run of members of one group within one word of a bit set. */
interface Segment {
  readonly word: number;
  readonly mask: number;
  readonly group: number;
}

const ALL = 0xffffffff;

/**
 * Counts the allowed triples by set algebra. A triple s → d on class k is allowed when
 * the egress of s admits d and the ingress of d admits s; per direction a member
 * admits a peer when it is not enforced, or no deny rule matches the peer and (an allow
 * rule matches it, or the local host's implicit allow does, or nothing isolates the
 * member). Explicit triples need a matching allow (or implicit allow) on both sides.
 *
 * Per class, sources go in blocks of 32: their egress rows (the destinations each
 * admits) are built from their rules; only the destinations some row contains need
 * their ingress side, which is read one word per destination (the 32 sources against
 * it) and transposed in 32×32 tiles into, per source, the destinations that admit it.
 * The rows are intersected and counted per destination group. Cost per class: the
 * rules per member times members / 32 words for the rows, plus the destinations the
 * rows reach (all of them only where nothing is isolated); memory is linear in members.
 */
export function countPermissions(universe: Universe, tables: RuleTables, probes: readonly TripleProbe[]): GroupCounts {
  const n = universe.size;
  const words = wordsFor(n);
  const groups = 1 + universe.members.reduce((g, m) => Math.max(g, m.group), -1);
  const out = { allowed: new Float64Array(groups * groups), explicit: new Float64Array(groups * groups), allowedWorld: new Float64Array(groups * groups) };
  const verdicts = new Uint8Array(probes.length);
  const segments = segmentsOf(universe);
  const probesAt = indexProbes(probes, tables.classes.classOf, n);
  const scratch: Scratch = {
    rows: new Uint32Array(32 * words), rowsX: new Uint32Array(32 * words), denied: new Uint32Array(words),
    admitsIn: new Uint32Array(32 * words), explicitIn: new Uint32Array(32 * words), tile: new Uint32Array(32), tileX: new Uint32Array(32), reach: new Uint32Array(words),
  };
  const { rows, rowsX, admitsIn, explicitIn } = scratch;
  for (let k = 0; k < tables.classes.count; k++) {
    const weight = tables.classes.workloadWeight[k] ?? 0;
    const worldWeight = tables.classes.worldWeight[k] ?? 0;
    const egressPeers = new Map<RuleTerm, Bits | undefined>();
    for (let b = 0; b < words; b++) {
      const block = Math.min(32, n - (b << 5));
      scratch.reach.fill(0);
      for (let j = 0; j < block; j++) {
        const profile = tables.egress[(b << 5) + j];
        if (profile !== undefined) egressRow({ profile, k, implicit: tables.implicit.egress, at: j * words, scratch, cache: egressPeers });
      }
      ingressTiles({ tables, k, b, n, scratch });
      for (let j = 0; j < block; j++) {
        const s = (b << 5) + j;
        const base = (universe.members[s]?.group ?? 0) * groups;
        const at = j * words;
        // Rows are sparse where policies isolate: only the words holding an allowed
        // destination are split into their groups' segments.
        for (let word = 0; word < words; word++) {
          const both = (rows[at + word] ?? 0) & (admitsIn[at + word] ?? 0);
          if (both === 0) continue;
          // Explicit triples are allowed ones: nothing to count where none is allowed.
          const bothX = (rowsX[at + word] ?? 0) & (explicitIn[at + word] ?? 0);
          for (let g = segments.start[word] ?? 0, end = segments.start[word + 1] ?? 0; g < end; g++) {
            const { mask, group } = segments.list[g] as Segment;
            const hit = popcount32(both & mask);
            if (hit === 0) continue;
            out.allowed[base + group] = (out.allowed[base + group] ?? 0) + hit * weight;
            out.allowedWorld[base + group] = (out.allowedWorld[base + group] ?? 0) + hit * worldWeight;
            out.explicit[base + group] = (out.explicit[base + group] ?? 0) + popcount32(bothX & mask) * weight;
          }
        }
        for (const p of probesAt.get(k * n + s) ?? []) {
          const d = probes[p]?.destination ?? 0;
          const bit = (v: Uint32Array): number => ((v[at + (d >>> 5)] ?? 0) >>> (d & 31)) & 1;
          verdicts[p] = (bit(rows) & bit(admitsIn) ? ALLOWED : 0) | (bit(rowsX) & bit(explicitIn) ? EXPLICIT : 0);
        }
      }
    }
  }
  return { groups, ...out, verdicts };
}

/** Buffers reused across blocks: 32 rows of `words` words each, one per source of the block. */
interface Scratch {
  /** Egress rows of the block's sources, and their explicit part. */
  readonly rows: Uint32Array;
  readonly rowsX: Uint32Array;
  readonly denied: Uint32Array;
  /** Per source of the block: the destinations whose ingress admits it (explicitly). */
  readonly admitsIn: Uint32Array;
  readonly explicitIn: Uint32Array;
  readonly tile: Uint32Array;
  readonly tileX: Uint32Array;
  /** Destinations some row of the block contains. */
  readonly reach: Uint32Array;
}

function admits(term: RuleTerm, k: number, destination: number): boolean {
  if (term.covers[k] === 1) return true;
  const named = term.named?.get(k);
  return named !== undefined && hasBit(named, destination);
}

interface TileJob {
  readonly tables: RuleTables;
  readonly k: number;
  /** Word of the source block. */
  readonly b: number;
  readonly n: number;
  readonly scratch: Scratch;
}

/** Fills `admitsIn` / `explicitIn` for the block's sources, at the destinations its rows reach. */
function ingressTiles(job: TileJob): void {
  const { tables, k, b, n, scratch } = job;
  const { tile, tileX, admitsIn, explicitIn, reach } = scratch;
  const words = reach.length;
  const implicit = tables.implicit.ingress[b] ?? 0;
  for (let c = 0; c < words; c++) {
    const need = reach[c] ?? 0;
    // Rows without a destination in this word count nothing there, whatever admitsIn holds.
    if (need === 0) continue;
    for (let i = 0; i < 32; i++) {
      const d = (c << 5) + i;
      const profile = tables.ingress[d];
      tile[i] = 0;
      tileX[i] = 0;
      if (((need >>> i) & 1) === 0 || d >= n || profile === undefined) continue;
      if (!profile.enforced) {
        tile[i] = ALL;
        tileX[i] = ALL;
        continue;
      }
      let allow = implicit;
      for (const t of profile.allow) if (admits(t, k, d)) allow |= t.peers[b] ?? 0;
      let deny = 0;
      for (const t of profile.deny) if (admits(t, k, d)) deny |= t.peers[b] ?? 0;
      tile[i] = (profile.isolated ? allow : ALL) & ~deny;
      tileX[i] = allow & ~deny;
    }
    transpose32(tile);
    transpose32(tileX);
    for (let j = 0; j < 32; j++) {
      admitsIn[j * words + c] = tile[j] ?? 0;
      explicitIn[j * words + c] = tileX[j] ?? 0;
    }
  }
}

interface EgressJob {
  readonly profile: DirectionProfile;
  readonly k: number;
  readonly implicit: Bits;
  /** Offset of the source's row in the scratch rows. */
  readonly at: number;
  readonly scratch: Scratch;
  /** Per rule: the peers it admits on this class (named ports resolve on each peer). */
  readonly cache: Map<RuleTerm, Bits | undefined>;
}

/** The destinations the egress of one source admits (and admits explicitly) on class `k`, added to `reach`. */
function egressRow(job: EgressJob): void {
  const { profile, at } = job;
  const { rows, rowsX, denied, reach } = job.scratch;
  const words = denied.length;
  if (!profile.enforced) {
    rows.fill(ALL, at, at + words);
    rowsX.fill(ALL, at, at + words);
    reach.fill(ALL);
    return;
  }
  rowsX.set(job.implicit, at);
  for (const t of profile.allow) orAt(rowsX, at, egressPeers(t, job));
  denied.fill(0);
  for (const t of profile.deny) orAt(denied, 0, egressPeers(t, job));
  for (let w = 0; w < words; w++) {
    const deny = denied[w] ?? 0;
    const allow = rowsX[at + w] ?? 0;
    const row = (profile.isolated ? allow : ALL) & ~deny;
    rows[at + w] = row;
    rowsX[at + w] = allow & ~deny;
    reach[w] = (reach[w] ?? 0) | row;
  }
}

function egressPeers(term: RuleTerm, job: EgressJob): Bits | undefined {
  if (term.covers[job.k] === 1) return term.peers;
  if (term.named === undefined) return undefined;
  if (!job.cache.has(term)) {
    const named = term.named.get(job.k);
    job.cache.set(term, named === undefined ? undefined : andBits(term.peers, named));
  }
  return job.cache.get(term);
}

/** `target[at..] |= bits`. */
function orAt(target: Uint32Array, at: number, bits: Bits | undefined): void {
  if (bits === undefined) return;
  for (let w = 0; w < bits.length; w++) target[at + w] = (target[at + w] ?? 0) | (bits[w] ?? 0);
}

/** The segments in word order, and where each word's segments start (`start[words]` = the end). */
interface Segments {
  readonly list: readonly Segment[];
  readonly start: Int32Array;
}

function segmentsOf(universe: Universe): Segments {
  const out: { word: number; mask: number; group: number }[] = [];
  universe.members.forEach((m, i) => {
    const word = i >>> 5;
    const last = out[out.length - 1];
    if (last !== undefined && last.word === word && last.group === m.group) last.mask |= 1 << (i & 31);
    else out.push({ word, mask: 1 << (i & 31), group: m.group });
  });
  const words = wordsFor(universe.size);
  const start = new Int32Array(words + 1);
  let g = 0;
  for (let w = 0; w <= words; w++) {
    while (g < out.length && (out[g]?.word ?? 0) < w) g++;
    start[w] = g;
  }
  return { list: out, start };
}

/** Probe indices by class and source, keyed `class × size + source`. */
function indexProbes(probes: readonly TripleProbe[], classOf: Int32Array, n: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  probes.forEach((probe, i) => {
    const key = (classOf[probe.element] ?? 0) * n + probe.source;
    const list = out.get(key);
    if (list === undefined) out.set(key, [i]);
    else list.push(i);
  });
  return out;
}

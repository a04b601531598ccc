/** Options of a {@link BoundedLabel}. */
export interface BoundedLabelOptions {
  /** How many distinct values get their own label value (default 20). */
  readonly limit?: number;
  /** The label value everything else shares (default `other`). */
  readonly overflow?: string;
  /** How many candidate values are remembered with their volume (default 10000). */
  readonly maxTracked?: number;
  /**
   * A challenger takes the slot of the quietest admitted value at {@link BoundedLabel.rebalance}
   * only when its recent volume is more than this many times larger (default 2), so values near
   * the boundary do not flap between their own series and the overflow series.
   */
  readonly hysteresis?: number;
}

/** What a rebalance changed. */
export interface Rebalance {
  /** Values that lost their own label value; their series should be removed. */
  readonly evicted: readonly string[];
  readonly admitted: readonly string[];
}

/**
 * Keeps a cluster-supplied label (a namespace) to at most `limit` distinct values plus one
 * overflow value. Values are admitted first come while slots are free; afterwards
 * {@link rebalance} gives slots to the values with the most recent volume. Volumes decay by
 * half at every rebalance, so "recent" means roughly the last few rebalance periods.
 */
export class BoundedLabel {
  readonly limit: number;
  readonly overflow: string;
  private readonly maxTracked: number;
  private readonly hysteresis: number;
  private readonly admittedSet = new Set<string>();
  private readonly volume = new Map<string, number>();

  constructor(options: BoundedLabelOptions = {}) {
    this.limit = Math.max(0, Math.floor(options.limit ?? 20));
    this.overflow = options.overflow ?? "other";
    this.maxTracked = Math.max(this.limit, options.maxTracked ?? 10_000);
    this.hysteresis = Math.max(1, options.hysteresis ?? 2);
  }

  /** Records `weight` of volume for `value` and returns the label value to use for it. */
  label(value: string, weight = 1): string {
    const known = this.volume.get(value);
    if (known !== undefined) this.volume.set(value, known + weight);
    else if (this.volume.size < this.maxTracked) this.volume.set(value, weight);
    if (this.admittedSet.has(value)) return value;
    if (this.admittedSet.size < this.limit && this.volume.has(value)) {
      this.admittedSet.add(value);
      return value;
    }
    return this.overflow;
  }

  /** The label value for `value` without recording volume or admitting it. */
  peek(value: string): string {
    return this.admittedSet.has(value) ? value : this.overflow;
  }

  /** Values that currently have their own label value, sorted. */
  admitted(): readonly string[] {
    return [...this.admittedSet].sort();
  }

  /**
   * Gives slots to the busiest values: while the busiest outsider has more than `hysteresis`
   * times the volume of the quietest admitted value, they swap. Then volumes decay by half and
   * forgotten quiet outsiders free their tracking entries.
   */
  rebalance(): Rebalance {
    const evicted: string[] = [];
    const admitted: string[] = [];
    const of = (v: string): number => this.volume.get(v) ?? 0;
    const insiders = [...this.admittedSet].sort((a, b) => of(a) - of(b) || b.localeCompare(a));
    const outsiders = [...this.volume.keys()].filter((v) => !this.admittedSet.has(v)).sort((a, b) => of(b) - of(a) || a.localeCompare(b));
    let i = 0;
    for (const challenger of outsiders) {
      if (this.admittedSet.size < this.limit) {
        this.admittedSet.add(challenger);
        admitted.push(challenger);
        continue;
      }
      const weakest = insiders[i];
      if (weakest === undefined || of(challenger) <= this.hysteresis * of(weakest)) break;
      this.admittedSet.delete(weakest);
      this.admittedSet.add(challenger);
      evicted.push(weakest);
      admitted.push(challenger);
      i++;
    }
    for (const [value, v] of this.volume) {
      const decayed = v / 2;
      if (decayed < 0.5 && !this.admittedSet.has(value)) this.volume.delete(value);
      else this.volume.set(value, decayed);
    }
    return { evicted, admitted };
  }
}

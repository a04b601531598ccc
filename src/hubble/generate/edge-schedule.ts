import type { EdgeSpec } from "./model.js";
import type { Random } from "./prng.js";

/**
 * Chooses which intended edge the next connection uses: first every edge once in a shuffled
 * order (so a run long enough to cover them shows every edge), then edges in proportion to
 * their weights.
 */
export class EdgeSchedule {
  private readonly firstPass: number[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(edges: readonly EdgeSpec[], private readonly random: Random) {
    this.firstPass = edges.map((_, i) => i);
    for (let i = this.firstPass.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const a = this.firstPass[i] ?? 0;
      this.firstPass[i] = this.firstPass[j] ?? 0;
      this.firstPass[j] = a;
    }
    this.firstPass.reverse(); // consumed with pop(), so the shuffled order is kept
    this.cumulative = new Float64Array(edges.length);
    let sum = 0;
    edges.forEach((e, i) => {
      sum += e.weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  /** Index of the next edge. */
  next(): number {
    const first = this.firstPass.pop();
    if (first !== undefined) return first;
    const target = this.random.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * A Map holding at most `capacity` entries, forgetting the least recently used first
 * (approximately), and counting every eviction, so a cache too small for its workload
 * shows up in the numbers instead of as silent recomputation.
 *
 * Entries live in two generations. New entries go to the young one; a hit in the old one
 * moves the entry to the young one. When over capacity, the oldest entry of the old
 * generation goes; once the old generation is empty, the young one becomes old. Every
 * operation is O(1): evicting one by one from a single insertion-ordered Map instead would
 * restart iteration at the front each time and walk over the holes left by earlier
 * deletions, which costs time proportional to the map's size on every eviction.
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  // Walks the old generation oldest first; it is never added to, only deleted from.
  private oldKeys: Iterator<K> = this.old.keys();
  private evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`BoundedMap capacity must be a positive integer, got ${capacity}`);
  }

  /** The value for `key` (now among the most recently used); undefined when absent. */
  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.young.set(key, aged);
    }
    return aged;
  }

  /** Stores `value` as a most recently used entry, evicting the oldest when over capacity. */
  set(key: K, value: V): void {
    if (!this.young.has(key)) this.old.delete(key);
    this.young.set(key, value);
    while (this.young.size + this.old.size > this.capacity) {
      if (this.old.size === 0) {
        this.old = this.young;
        this.young = new Map();
        this.oldKeys = this.old.keys();
        continue;
      }
      const oldest = this.oldKeys.next();
      // Cannot be done while the old generation has entries: they all lie ahead of the walk.
      if (oldest.done === true) throw new Error("BoundedMap: old generation walk ended early");
      this.old.delete(oldest.value);
      this.evicted++;
    }
  }

  /** Entries held now. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Entries forgotten so far to stay within capacity. */
  get evictions(): number {
    return this.evicted;
  }
}

import type { HeldChanges, HeldTupleEntry } from "../flows/index.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/**
 * The stored copy of the connection tracker's held TCP 5-tuples, per source (see schema
 * version 6). Changes are applied in the transaction of the batch whose cursor they belong
 * to, so the copy always matches the stored cursor: the graph holds exactly the connections
 * of these tuples.
 */

/** The held tuples stored for `source`, oldest first. */
export function readHeldTuples(store: GraphStore, source: string): HeldTupleEntry[] {
  const rows = dbOf(store)
    .prepare("SELECT key, first_ms FROM ingest_held_tuples WHERE source = ? ORDER BY first_ms")
    .raw()
    .all(source) as [string, number][]; // the SELECT's two columns
  return rows;
}

/** Forgets the held tuples of `source` (a reading that does not resume its cursor). */
export function clearHeldTuples(store: GraphStore, source: string): void {
  dbOf(store).prepare("DELETE FROM ingest_held_tuples WHERE source = ?").run(source);
}

/** The INSERT of one held tuple (a tuple seen again takes its newer first time). */
export const HELD_INSERT_SQL = `INSERT INTO ingest_held_tuples (source, key, first_ms) VALUES (?, ?, ?)
  ON CONFLICT (source, key) DO UPDATE SET first_ms = excluded.first_ms`;

/** The DELETE of the tuples whose hold ended. */
export const HELD_EXPIRE_SQL = "DELETE FROM ingest_held_tuples WHERE source = ? AND first_ms <= ?";

/**
 * Changes taken at several handovers, merged for one flush: additions in order, the latest
 * bound. Added first and expired after, so an addition whose hold ended by the bound goes too.
 */
export class HeldChangeLog {
  private added: HeldTupleEntry[] = [];
  private through = Number.NEGATIVE_INFINITY;

  note(changes: HeldChanges): void {
    for (const entry of changes.added) this.added.push(entry);
    if (changes.expiredThrough > this.through) this.through = changes.expiredThrough;
  }

  get empty(): boolean {
    return this.added.length === 0 && this.through === Number.NEGATIVE_INFINITY;
  }

  /** What to apply now; `clear` once it is committed. */
  peek(): HeldChanges {
    return { added: this.added, expiredThrough: this.through };
  }

  clear(): void {
    this.added = [];
    this.through = Number.NEGATIVE_INFINITY;
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { GraphWriter } from "./graph-writer.js";
import { clearHeldTuples, readHeldTuples } from "./held-tuples.js";
import { dbOf, openGraphStore } from "./store.js";

describe("held TCP 5-tuples", () => {
  it("are applied with the batch's flush: additions, then the end of their hold; other sources untouched", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store, { source: "hubble:relay:4245" });
    const other = new GraphWriter(store, { source: "file:/x" });
    other.noteHeld({ added: [["t9", 500]], expiredThrough: Number.NEGATIVE_INFINITY });
    other.flush();
    writer.noteHeld({ added: [["t2", 2000], ["t1", 1000]], expiredThrough: Number.NEGATIVE_INFINITY });
    expect(readHeldTuples(store, "hubble:relay:4245")).toEqual([]);
    // Two handovers before one flush: both sets of changes are applied, the later bound wins.
    writer.noteHeld({ added: [["t3", 3000], ["t1", 1500]], expiredThrough: 999 });
    writer.noteHeld({ added: [], expiredThrough: 2000 });
    writer.flush();
    expect(readHeldTuples(store, "hubble:relay:4245")).toEqual([["t3", 3000]]);
    writer.noteHeld({ added: [["t4", 2500]], expiredThrough: 2000 });
    writer.close();
    // Oldest first: the order a tracker takes them back in.
    expect(readHeldTuples(store, "hubble:relay:4245")).toEqual([["t4", 2500], ["t3", 3000]]);
    expect(readHeldTuples(store, "file:/x")).toEqual([["t9", 500]]);
    clearHeldTuples(store, "file:/x");
    expect(readHeldTuples(store, "file:/x")).toEqual([]);
    expect(readHeldTuples(store, "hubble:relay:4245")).toHaveLength(2);
    store.close();
  });

  it("stay pending while the database is busy, and are written by the flush that gets through", () => {
    const dir = mkdtempSync(join(tmpdir(), "held-"));
    try {
      const file = join(dir, "graph.db");
      const store = openGraphStore({ path: file });
      dbOf(store).pragma("busy_timeout = 10");
      const writer = new GraphWriter(store, { source: "s" });
      writer.noteHeld({ added: [["t1", 1000]], expiredThrough: Number.NEGATIVE_INFINITY });
      const other = new Database(file);
      other.exec("BEGIN IMMEDIATE");
      expect(() => { writer.flush(); }).toThrow(/busy|lock/);
      other.exec("ROLLBACK");
      other.close();
      writer.noteHeld({ added: [["t2", 2000]], expiredThrough: Number.NEGATIVE_INFINITY });
      writer.close();
      expect(readHeldTuples(store, "s")).toEqual([["t1", 1000], ["t2", 2000]]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Connection } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { sqliteFileBytes } from "./db-size.js";
import { tapEvents, teeSink } from "./taps.js";
import { conn, flowEvent, workload } from "./testdata/samples.js";

describe("taps", () => {
  it("teeSink shows each batch to the observer and returns the sink's promise (backpressure)", async () => {
    const seen: number[] = [];
    let release = (): void => undefined;
    const sink = { accept: (batch: readonly Connection[]) => new Promise<void>((resolve) => { release = () => { resolve(); }; expect(batch.length).toBe(1); }) };
    const tee = teeSink(sink, { accept: (c) => { seen.push(c.length); } });
    const pending = tee.accept([conn(workload("a"), workload("b"))]);
    expect(seen).toEqual([1]);
    expect(pending).toBeInstanceOf(Promise);
    release();
    await pending;
  });

  it("tapEvents passes batches through unchanged", async () => {
    async function* source(): AsyncGenerator<readonly HubbleEvent[]> {
      yield await Promise.resolve([flowEvent(1)]);
      yield [flowEvent(2), flowEvent(3)];
    }
    const observed: number[] = [];
    const out: number[] = [];
    for await (const batch of tapEvents(source(), { observeEvents: (e) => observed.push(e.length) })) out.push(batch.length);
    expect(out).toEqual([1, 2]);
    expect(observed).toEqual([1, 2]);
  });

  it("sqliteFileBytes adds the WAL and is undefined for a missing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "metrics-db-"));
    try {
      const db = join(dir, "g.db");
      expect(sqliteFileBytes(db)).toBeUndefined();
      writeFileSync(db, Buffer.alloc(100));
      writeFileSync(`${db}-wal`, Buffer.alloc(20));
      expect(sqliteFileBytes(db)).toBe(120);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from "vitest";
import { GraphWriter } from "./graph-writer.js";
import { dbOf, openGraphStore } from "./store.js";
import { readStreamCursor } from "./cursor-stream.js";
import type { StreamCursor } from "./cursor-stream.js";

const cursor: StreamCursor = {
  start: { seconds: 1_700_000_000, nanos: 5 },
  last: { seconds: 1_700_000_063, nanos: 999_999_999 },
  lastKeys: ["0d6f-uuid", "a|b"],
  open: [{ key: "uuid-1", time: { seconds: 1_700_000_063, nanos: 1 } }],
  pending: [{ key: "uuid-2", time: { seconds: 1_700_000_062, nanos: 7 } }, { key: "uuid-3", time: { seconds: 1_700_000_063, nanos: 0 } }],
};

describe("stream cursor", () => {
  it("is written with the batch in one flush, read back exactly, and replaced by the next", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store, { source: "hubble:relay:4245" });
    expect(readStreamCursor(store, "hubble:relay:4245")).toBeUndefined();
    writer.advanceStreamCursor(cursor);
    expect(readStreamCursor(store, "hubble:relay:4245")).toBeUndefined();
    writer.flush();
    expect(readStreamCursor(store, "hubble:relay:4245")).toEqual(cursor);
    const next = { ...cursor, open: [], pending: [], lastKeys: [] };
    writer.advanceStreamCursor(next);
    writer.close();
    expect(readStreamCursor(store, "hubble:relay:4245")).toEqual(next);
    store.close();
  });

  it("takes a row it did not write for no cursor at all", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store, { source: "s" });
    writer.advanceStreamCursor(cursor);
    writer.close();
    const db = dbOf(store);
    for (const [column, value] of [["open", '[["k", "1", 2]]'], ["pending", "{}"], ["last_keys", "[1]"], ["open", "not json"]] as const) {
      db.prepare(`UPDATE ingest_stream_cursors SET ${column} = ?`).run(value);
      expect(readStreamCursor(store, "s"), `${column} = ${value}`).toBeUndefined();
      db.prepare("UPDATE ingest_stream_cursors SET open = '[]', pending = '[]', last_keys = '[]'").run();
    }
    store.close();
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HubbleEvent } from "./event.js";
import { eventBatches } from "./file-events.js";
import type { RecordProblem } from "./file-events.js";
import { readFlowFile } from "./files/index.js";
import type { FileRecord } from "./files/index.js";
import { HOSTILE_NAMES, HOSTILE_NUMBERS, captureHead } from "./testdata/hostile-records.js";

async function collect(records: AsyncIterable<FileRecord>, batchSize = 512): Promise<{ batches: (readonly HubbleEvent[])[]; problems: RecordProblem[] }> {
  const problems: RecordProblem[] = [];
  const batches: (readonly HubbleEvent[])[] = [];
  for await (const batch of eventBatches(records, { batchSize, onProblem: (p) => problems.push(p) })) batches.push(batch);
  return { batches, problems };
}

async function* fromArray(records: FileRecord[]): AsyncGenerator<FileRecord> {
  for (const record of records) {
    await Promise.resolve();
    yield record;
  }
}

describe("eventBatches", () => {
  it("decodes a recorded capture into batches of flow events", async () => {
    const file = join(import.meta.dirname, "../../../shared/data/hubble-otel/basic-sample-400-udp-flows.json");
    const { batches, problems } = await collect(readFlowFile(file), 150);
    expect(batches.map((b) => b.length)).toEqual([150, 150, 100]);
    expect(batches.flat().every((e) => e.kind === "flow")).toBe(true);
    expect(problems).toEqual([]);
  });

  it("reports a record that is not a Hubble event with its file, line and field, and goes on", async () => {
    const records: FileRecord[] = [
      { value: { flow: { time: "2024-01-01T00:00:00Z", verdict: "FORWARDED" } }, file: "f.json", line: 1 },
      { value: { flow: { time: "not a time" } }, file: "f.json", line: 2 },
      { value: { lost_events: { source: "PERF_EVENT_RING_BUFFER", num_events_lost: "3", cpu: 1 } }, file: "f.json", line: 3 },
    ];
    const { batches, problems } = await collect(fromArray(records));
    expect(batches.flat().map((e) => e.kind)).toEqual(["flow", "lost-events"]);
    expect(problems).toEqual([{ file: "f.json", line: 2, path: "$.flow.time", message: 'not an RFC 3339 timestamp: "not a time"' }]);
  });
});

describe("eventBatches on hostile records", () => {
  it("refuses each, naming file, line and field, and keeps the valid flows around them", async () => {
    const hostile = [...HOSTILE_NAMES, ...HOSTILE_NUMBERS];
    const valid = captureHead("basic-sample-400-udp-flows.json", hostile.length + 1);
    // valid, hostile, valid, hostile, ..., valid: line 2n+1 is valid, line 2n+2 the n-th hostile record.
    const records: FileRecord[] = valid.flatMap((v, i) => {
      const h = hostile[i];
      return [{ value: v, file: "h.json", line: 2 * i + 1 }, ...(h ? [{ value: h.record as Record<string, unknown>, file: "h.json", line: 2 * i + 2 }] : [])];
    });
    const { batches, problems } = await collect(fromArray(records));
    expect(batches.flat()).toHaveLength(valid.length);
    expect(problems.map((p) => ({ file: p.file, line: p.line, path: p.path }))).toEqual(hostile.map((h, i) => ({ file: "h.json", line: 2 * i + 2, path: `$.${h.path}` })));
    expect(problems[0]?.message).toBe(`"../.." is not a valid namespace name (DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit)`);
  });
});

describe("eventBatches on a growing file", () => {
  it("hands over a partial batch after maxWaitMs instead of holding it until more records come", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncGenerator<FileRecord> {
      yield { value: { flow: { time: "2024-01-01T00:00:00Z" } }, file: "f", line: 1 };
      await gate;
      yield { value: { flow: { time: "2024-01-01T00:00:01Z" } }, file: "f", line: 2 };
    }
    const batches = eventBatches(slow(), { batchSize: 100, maxWaitMs: 20 });
    const first = await batches.next();
    expect(first.value).toHaveLength(1);
    release();
    const second = await batches.next();
    expect(second.value).toHaveLength(1);
    expect((await batches.next()).done).toBe(true);
  });
});

import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFlowFile, type FileIdentity, type FileRecord, type FileStart } from "./index.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flow-resume-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ flow: { time: `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`, n: i } }));
const ndjson = `${lines.join("\n")}\n`;

async function readFrom(path: string, startAt?: FileStart): Promise<{ records: FileRecord[]; files: { file: FileIdentity; resumed: boolean }[] }> {
  const records: FileRecord[] = [];
  const files: { file: FileIdentity; resumed: boolean }[] = [];
  const reader = readFlowFile(path, { ...(startAt ? { startAt } : {}), onFile: (file, resumed) => files.push({ file, resumed }) });
  for await (const record of reader) records.push(record);
  return { records, files };
}

function startOf(record: FileRecord | undefined): FileStart {
  const p = record?.position;
  if (!p) throw new Error("record without a position");
  return { file: p.file, record: p.record, line: p.line, offset: p.offset };
}

describe("reading a flow file from a stored position", () => {
  it("numbers records and gives each its line and byte offset", async () => {
    const path = join(dir, "plain.ndjson");
    await writeFile(path, ndjson);
    const { records } = await readFrom(path);
    expect(records.map((r) => r.position?.record)).toEqual(lines.map((_, i) => i));
    const third = records[2]?.position;
    expect(third?.line).toBe(3);
    expect(third?.offset).toBe(Buffer.byteLength(`${lines[0]}\n${lines[1]}\n`));
  });

  it("continues a plain NDJSON file at the stored record, with its numbering", async () => {
    const path = join(dir, "seek.ndjson");
    await writeFile(path, ndjson);
    const all = (await readFrom(path)).records;
    const again = await readFrom(path, startOf(all[30]));
    expect(again.files.map((f) => f.resumed)).toEqual([true]);
    expect(again.records.map((r) => r.value)).toEqual(all.slice(30).map((r) => r.value));
    expect(again.records.map((r) => r.position)).toEqual(all.slice(30).map((r) => r.position));
  });

  it("decompresses a gzip file from its start and skips the records before the stored one", async () => {
    const path = join(dir, "flows.ndjson.gz");
    await writeFile(path, gzipSync(ndjson));
    const all = (await readFrom(path)).records;
    const again = await readFrom(path, startOf(all[42]));
    expect(again.records.map((r) => r.value)).toEqual(all.slice(42).map((r) => r.value));
    expect(again.records[0]?.line).toBe(43);
  });

  it("continues a JSON array by skipping the elements before the stored one", async () => {
    const path = join(dir, "array.json");
    await writeFile(path, `[${lines.join(",")}]`);
    const all = (await readFrom(path)).records;
    const again = await readFrom(path, startOf(all[7]));
    expect(again.records.map((r) => r.value)).toEqual(all.slice(7).map((r) => r.value));
  });

  it("reads a replaced file from its start: another inode, or the same inode with other first bytes", async () => {
    const path = join(dir, "rotated.ndjson");
    await writeFile(path, ndjson);
    const stored = startOf((await readFrom(path)).records[20]);
    await rename(path, join(dir, "rotated.ndjson.1"));
    await writeFile(path, `${lines.slice(0, 5).join("\n")}\n`);
    const rotated = await readFrom(path, stored);
    expect(rotated.files.map((f) => f.resumed)).toEqual([false]);
    expect(rotated.records.map((r) => r.position?.record)).toEqual([0, 1, 2, 3, 4]);

    const inPlace = join(dir, "rewritten.ndjson");
    await writeFile(inPlace, ndjson);
    const before = startOf((await readFrom(inPlace)).records[20]);
    await writeFile(inPlace, ndjson.replace('"n":0', '"n":9'));
    const rewritten = await readFrom(inPlace, before);
    expect(rewritten.files.map((f) => f.resumed)).toEqual([false]);
    expect(rewritten.records).toHaveLength(50);
  });
});

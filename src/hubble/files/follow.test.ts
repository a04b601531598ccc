import {
  appendFile,
  mkdtemp,
  rename,
  rm,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FlowFileError,
  readFlowFile,
  type FileProblem,
  type FileRecord,
} from "./index.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flow-follow-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (n: number): string => `${JSON.stringify({ n })}\n`;
const lines = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join("");

function follow(path: string, pollIntervalMs = 20) {
  const controller = new AbortController();
  const problems: FileProblem[] = [];
  const reader = readFlowFile(path, {
    follow: true,
    signal: controller.signal,
    pollIntervalMs,
    onProblem: (p) => problems.push(p),
  });
  const iterator = reader[Symbol.asyncIterator]();
  const take = async (count: number): Promise<FileRecord[]> => {
    const taken: FileRecord[] = [];
    while (taken.length < count) {
      const next = await iterator.next();
      if (next.done === true) throw new Error("iteration ended early");
      taken.push(next.value);
    }
    return taken;
  };
  return { controller, problems, reader, iterator, take };
}

const numbers = (records: FileRecord[]): unknown[] =>
  records.map((r) => r.value.n);

describe("readFlowFile with follow", () => {
  it("reads what is appended, waiting for lines to be completed", async () => {
    const path = join(dir, "grow.ndjson");
    await writeFile(path, lines(1, 3));
    const { controller, problems, iterator, take } = follow(path);
    expect(numbers(await take(3))).toEqual([1, 2, 3]);
    await appendFile(path, lines(4, 5));
    expect(numbers(await take(2))).toEqual([4, 5]);
    await appendFile(path, '{"n":');
    const pending = take(1);
    await appendFile(path, "6}\n");
    expect((await pending).map((r) => [r.value.n, r.line])).toEqual([[6, 6]]);
    controller.abort();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(problems).toEqual([]);
  });

  it("finishes the renamed file, then reads the new one from its start", async () => {
    const path = join(dir, "rotate.ndjson");
    await writeFile(path, lines(1, 3));
    const { controller, problems, reader, iterator, take } = follow(path);
    expect(numbers(await take(3))).toEqual([1, 2, 3]);
    await rename(path, `${path}.1`);
    // Written to the old file after the rename (the writer still holds it), without a newline.
    await appendFile(`${path}.1`, `${line(4)}{"n":5}`);
    await writeFile(path, lines(6, 7));
    const after = await take(4);
    expect(after.map((r) => [r.value.n, r.line])).toEqual([
      [4, 4],
      [5, 5],
      [6, 1],
      [7, 2],
    ]);
    expect(reader.stats.rotations).toBe(1);
    controller.abort();
    expect(await iterator.next()).toMatchObject({ done: true });
    expect(problems).toEqual([]);
  });

  it("loses and repeats nothing across many rotations while a writer keeps appending", async () => {
    const path = join(dir, "busy.ndjson");
    await writeFile(path, "");
    const { controller, reader, take } = follow(path, 10);
    const total = 1200;
    const reading = take(total);
    let next = 1;
    for (let rotation = 0; rotation < 6; rotation += 1) {
      for (let batch = 0; batch < 10; batch += 1) {
        await appendFile(path, lines(next, next + 19));
        next += 20;
      }
      await rename(path, `${path}.${rotation}`);
      await writeFile(path, "");
    }
    expect(numbers(await reading)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    expect(reader.stats.records).toBe(total);
    expect(reader.stats.rotations).toBeGreaterThanOrEqual(1);
    controller.abort();
  });

  it("starts over when the file is truncated in place", async () => {
    const path = join(dir, "copytruncate.ndjson");
    await writeFile(path, lines(1, 20));
    const { controller, reader, take } = follow(path);
    expect(numbers(await take(20))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await truncate(path, 0);
    await appendFile(path, lines(21, 22));
    expect((await take(2)).map((r) => [r.value.n, r.line])).toEqual([
      [21, 1],
      [22, 2],
    ]);
    expect(reader.stats.rotations).toBe(1);
    controller.abort();
  });

  it("wakes on file-system events, not only on the poll interval", async () => {
    const path = join(dir, "watched.ndjson");
    await writeFile(path, lines(1, 1));
    const { controller, take } = follow(path, 3_600_000);
    await take(1);
    const pending = take(1);
    await appendFile(path, line(2));
    expect(numbers(await pending)).toEqual([2]);
    await rename(path, `${path}.1`);
    await writeFile(path, line(3));
    expect((await take(1)).map((r) => [r.value.n, r.line])).toEqual([[3, 1]]);
    controller.abort();
  });

  it("stops at once when aborted while waiting, without waiting for the poll interval", async () => {
    const path = join(dir, "idle.ndjson");
    await writeFile(path, lines(1, 1));
    const { controller, iterator, take } = follow(path, 3_600_000);
    await take(1);
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it("stops when aborted while the rotated path does not exist yet", async () => {
    const path = join(dir, "gone.ndjson");
    await writeFile(path, lines(1, 1));
    const { controller, iterator, take } = follow(path);
    await take(1);
    await rename(path, `${path}.1`);
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it("still fails clearly when the file is missing at the start", async () => {
    const { iterator } = follow(join(dir, "never.ndjson"));
    await expect(iterator.next()).rejects.toBeInstanceOf(FlowFileError);
  });
});

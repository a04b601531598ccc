import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { gzipSync } from "node:zlib";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FlowFileError,
  readFlowFile,
  type FileProblem,
  type FileRecord,
  type ReadFlowFileOptions,
} from "./index.js";

const CAPTURES = join(
  import.meta.dirname,
  "../../../../shared/data/hubble-otel",
);
const TCP = join(CAPTURES, "basic-sample-400-tcp-flows.json");
const UDP = join(CAPTURES, "basic-sample-400-udp-flows.json");

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flow-files-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Result {
  readonly records: FileRecord[];
  readonly problems: FileProblem[];
}

async function readAll(
  path: string,
  options: ReadFlowFileOptions = {},
): Promise<Result> {
  const records: FileRecord[] = [];
  const problems: FileProblem[] = [];
  for await (const record of readFlowFile(path, {
    ...options,
    onProblem: (p) => problems.push(p),
  })) {
    records.push(record);
  }
  return { records, problems };
}

async function write(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function flowTime(record: FileRecord | undefined): unknown {
  const flow = record?.value.flow;
  return typeof flow === "object" && flow !== null && "time" in flow
    ? flow.time
    : undefined;
}

describe("readFlowFile on the recorded captures", () => {
  it.each([
    [TCP, "2021-11-10T10:40:56.465597700Z", "2021-11-10T10:41:00.353347400Z"],
    [UDP, "2021-11-10T10:40:56.871850100Z", "2021-11-10T10:41:02.201076100Z"],
  ])("reads all 400 records of %s", async (path, firstTime, lastTime) => {
    const reader = readFlowFile(path);
    const records: FileRecord[] = [];
    for await (const record of reader) records.push(record);
    expect(records).toHaveLength(400);
    expect(records[0]?.line).toBe(1);
    expect(records[0]?.file).toBe(path);
    expect(flowTime(records[0])).toBe(firstTime);
    expect(records[399]?.line).toBe(400);
    expect(flowTime(records[399])).toBe(lastTime);
    const size = (await readFile(path)).length;
    expect(reader.stats).toEqual({
      bytesRead: size,
      fileBytes: size,
      lines: 400,
      records: 400,
      rejected: 0,
      rotations: 0,
    });
  });

  it("reads a pretty-printed JSON array of the same objects", async () => {
    const lines = (await readFile(TCP, "utf8")).trimEnd().split("\n");
    const objects: unknown[] = lines.map((line) => JSON.parse(line) as unknown);
    const path = await write(
      "tcp-array.json",
      JSON.stringify(objects, null, 2),
    );
    const { records, problems } = await readAll(path);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.value)).toEqual(objects);
    expect(records[0]?.line).toBe(2);
  });

  it("reads gzip input by its magic bytes, whatever the name, and concatenated members", async () => {
    const text = await readFile(UDP);
    const half = text.indexOf("\n", text.length / 2) + 1;
    const two = Buffer.concat([
      gzipSync(text.subarray(0, half)),
      gzipSync(text.subarray(half)),
    ]);
    const named = await write("udp.json.gz", gzipSync(text));
    const unnamed = await write("udp-members.log", two);
    for (const path of [named, unnamed]) {
      const { records, problems } = await readAll(path);
      expect(problems).toEqual([]);
      expect(records).toHaveLength(400);
      expect(flowTime(records[399])).toBe("2021-11-10T10:41:02.201076100Z");
    }
  });

  it("reads a gzip-compressed JSON array", async () => {
    const path = await write("array.json.gz", gzipSync('[{"a":1},\n{"b":2}]'));
    const { records } = await readAll(path);
    expect(records.map((r) => [r.value, r.line])).toEqual([
      [{ a: 1 }, 1],
      [{ b: 2 }, 2],
    ]);
  });
});

describe("readFlowFile on damaged input", () => {
  it("keeps what a truncated gzip held and reports where it stopped", async () => {
    const full = gzipSync(await readFile(TCP));
    const path = await write(
      "cut.json.gz",
      full.subarray(0, Math.floor(full.length / 2)),
    );
    const { records, problems } = await readAll(path);
    expect(records.length).toBeGreaterThan(100);
    expect(records.length).toBeLessThan(400);
    expect(records.map((r) => r.line)).toEqual(records.map((_, i) => i + 1));
    expect(problems).toEqual([
      {
        kind: "truncated-gzip",
        file: path,
        line: records.length + 1,
        message: "gzip stream ends early: unexpected end of file",
      },
    ]);
  });

  it("reports damaged gzip data", async () => {
    const full = gzipSync('{"a":1}\n'.repeat(1000));
    full.fill(0x55, 20, 40);
    const path = await write("damaged.json.gz", full);
    const { problems } = await readAll(path);
    expect(problems.map((p) => p.kind)).toEqual(["corrupt-gzip"]);
  });

  it("reports malformed and non-object lines with their exact line numbers and goes on", async () => {
    const path = await write(
      "mixed.ndjson",
      [
        '{"flow":{}}',
        "{not json",
        "",
        "42",
        '{"flow":{"a":1}}',
        "[1,2]",
        "null",
        '{"flow":',
        '{"b":2}',
      ].join("\n"),
    );
    const { records, problems } = await readAll(path);
    expect(records.map((r) => [r.line, r.value])).toEqual([
      [1, { flow: {} }],
      [5, { flow: { a: 1 } }],
      [9, { b: 2 }],
    ]);
    expect(problems.map((p) => [p.kind, p.line])).toEqual([
      ["malformed-json", 2],
      ["not-an-object", 4],
      ["not-an-object", 6],
      ["not-an-object", 7],
      ["malformed-json", 8],
    ]);
    expect(problems[1]?.message).toBe("expected a JSON object, found a number");
    expect(problems.every((p) => p.file === path)).toBe(true);
  });

  it("rejects a line over the default 1 MiB cap and reads the lines around it", async () => {
    const huge = JSON.stringify({ flow: { Summary: "x".repeat(1024 * 1024) } });
    const path = await write("huge.ndjson", `{"a":1}\n${huge}\n{"b":2}\n`);
    const reader = readFlowFile(path);
    const values: unknown[] = [];
    for await (const record of reader) values.push(record.value);
    expect(values).toEqual([{ a: 1 }, { b: 2 }]);
    expect(reader.stats.rejected).toBe(1);
    expect(reader.stats.lines).toBe(3);
  });

  it("honours a smaller record cap for array elements", async () => {
    const path = await write(
      "caps.json",
      `[{"a":1},{"s":"${"q".repeat(300)}"},{"b":2}]`,
    );
    const { records, problems } = await readAll(path, { maxRecordBytes: 100 });
    expect(records.map((r) => r.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(problems.map((p) => p.kind)).toEqual(["oversize-record"]);
  });

  it("reads nothing, and reports nothing, from an empty or blank file", async () => {
    for (const content of ["", "\n \n\t\n"]) {
      expect(await readAll(await write("blank.json", content))).toEqual({
        records: [],
        problems: [],
      });
    }
  });

  it("logs a throttled warning, not one per bad line", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "warn" },
      { write: (line: string) => lines.push(line) },
    );
    const path = await write("noisy.ndjson", "oops\n".repeat(50));
    const { problems } = await readAll(path, {
      logger,
      problemLogIntervalMs: 60_000,
    });
    expect(problems).toHaveLength(50);
    const logged = lines.map(
      (line) => JSON.parse(line) as { msg: string; suppressed: number },
    );
    expect(logged.map((l) => [l.msg, l.suppressed])).toEqual([
      ["flow file input rejected", 0],
      ["flow file inputs rejected without a warning each", 49],
    ]);
  });
});

describe("readFlowFile errors", () => {
  it("throws a FlowFileError naming a missing file, with the system error as cause", async () => {
    const path = join(dir, "absent.json");
    const error: unknown = await readAll(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowFileError);
    expect(error).toMatchObject({ path });
    expect((error as FlowFileError).message).toMatch(
      `${path}: cannot open (ENOENT`,
    );
    expect((error as FlowFileError).cause).toMatchObject({ code: "ENOENT" });
  });

  it("refuses a directory", async () => {
    const path = join(dir, "a-directory");
    await mkdir(path);
    await expect(readAll(path)).rejects.toThrow(
      `${path}: is a directory, not a flow-log file`,
    );
  });
});

describe("readFlowFile on stdin", () => {
  it("reads '-' from the given stream, gzip or plain", async () => {
    const text = await readFile(TCP);
    for (const input of [text, gzipSync(text)]) {
      const stdin = new PassThrough();
      const reader = readFlowFile("-", { stdin });
      const done = (async () => {
        const records: FileRecord[] = [];
        for await (const record of reader) records.push(record);
        return records;
      })();
      for (let at = 0; at < input.length; at += 5000)
        stdin.write(input.subarray(at, at + 5000));
      stdin.end();
      const records = await done;
      expect(records).toHaveLength(400);
      expect(records[399]).toMatchObject({ file: "-", line: 400 });
      expect(reader.stats.fileBytes).toBeUndefined();
      expect(reader.stats.bytesRead).toBe(input.length);
    }
  });

  it("stops reading a silent stdin when aborted", async () => {
    const stdin = new PassThrough();
    const controller = new AbortController();
    const reader = readFlowFile("-", { stdin, signal: controller.signal });
    stdin.write('{"a":1}\n');
    const iterator = reader[Symbol.asyncIterator]();
    expect(await iterator.next()).toMatchObject({
      done: false,
      value: { value: { a: 1 } },
    });
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

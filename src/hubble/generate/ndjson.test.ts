import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NdjsonWriteError, writeNdjson } from "./ndjson.js";

describe("writeNdjson", () => {
  it("waits for a slow reader instead of buffering the whole run", async () => {
    let maxBuffered = 0;
    let bytes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        setImmediate(callback);
      },
    });
    const truth = writeNdjson(slow, { flows: 6000, seed: 1 });
    const probe = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
    }, 0);
    await truth.finally(() => { clearInterval(probe); });
    expect(bytes).toBeGreaterThan(5_000_000);
    // At most one chunk (256 KiB of characters) is ever queued beyond the stream's own buffer.
    expect(maxBuffered).toBeLessThan(600 * 1024);
  });

  it("ends each line with a newline and leaves the stream open", async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on("data", (b: Buffer) => parts.push(b));
    const truth = await writeNdjson(out, { flows: 10, seed: 1 });
    expect(out.writableEnded).toBe(false);
    const text = Buffer.concat(parts).toString("utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(11);
    expect(truth.lines).toBe(10);
  });

  it("rejects when the stream fails instead of hanging", async () => {
    const broken = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    await expect(writeNdjson(broken, { flows: 5000, seed: 1 })).rejects.toThrow(/EPIPE|closed/);
  });

  it("rejects at once for a stream that is already closed", async () => {
    const out = new PassThrough();
    out.destroy();
    await expect(writeNdjson(out, { flows: 5000, seed: 1 })).rejects.toBeInstanceOf(NdjsonWriteError);
  });
});

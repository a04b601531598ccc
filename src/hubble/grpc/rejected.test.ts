import { afterEach, describe, expect, it } from "vitest";
import { captureFromJson, startReplay } from "../replay/index.js";
import type { RunningReplay } from "../replay/index.js";
import { HOSTILE_NAMES, HOSTILE_NUMBERS, captureHead } from "../testdata/hostile-records.js";
import { openFlowStream } from "./flow-stream.js";
import { consume, flowsOf } from "./testdata/consume.js";

let replay: RunningReplay | undefined;

afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

describe("a Hubble stream carrying hostile names", () => {
  it("refuses each message over loopback gRPC, counts it and names the field, and delivers the valid flows", async () => {
    // Port 70000 fits a wire uint32, so a server can send it; the other bad numbers cannot be encoded.
    const hostile = [...HOSTILE_NAMES, ...HOSTILE_NUMBERS.filter((h) => h.what === "port 70000")];
    const valid = captureHead("basic-sample-400-tcp-flows.json", 20);
    const capture = captureFromJson([...valid.slice(0, 10), ...hostile.map((h) => h.record), ...valid.slice(10)]);
    expect(capture.problems).toEqual([]);
    replay = await startReplay(capture, { listen: "127.0.0.1:0" });
    const heard: string[] = [];
    const stream = openFlowStream({ address: replay.address, request: { number: 0 }, onRejected: (p) => heard.push(p.path) });
    const flows = flowsOf(await consume(stream));
    expect(flows).toHaveLength(valid.length);
    expect(flows.every((f) => f.source?.namespace !== "../..")).toBe(true);
    expect(stream.state).toMatchObject({ flowsReceived: valid.length, rejected: hostile.length, undecodable: 0 });
    expect(heard).toEqual(hostile.map((h) => h.path));
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Flow } from "../../../flows/index.js";
import { eventFromMessage, responseFromJson } from "../../proto/index.js";

/** The recorded captures shared by the repository's tests. */
export const CAPTURES = ["basic-sample-400-tcp-flows.json", "basic-sample-400-udp-flows.json"] as const;

const DATA = join(import.meta.dirname, "../../../../../shared/data/hubble-otel");

/** The JSON records of a capture, one per NDJSON line. */
export function captureRecords(name: string): unknown[] {
  return readFileSync(join(DATA, name), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** The flows of a capture decoded without any network, for comparing with what arrived. */
export function captureFlows(name: string): Flow[] {
  return captureRecords(name).map((record) => {
    const conv = responseFromJson(record);
    if (!conv.ok) throw new Error(`${conv.problem.path}: ${conv.problem.message}`);
    const event = eventFromMessage(conv.message);
    if (event.kind !== "flow") throw new Error(`expected a flow, got ${event.kind}`);
    return event.flow;
  });
}

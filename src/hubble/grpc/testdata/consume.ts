import type { Flow } from "../../../flows/index.js";
import type { HubbleEvent } from "../../event.js";
import type { FlowStream } from "../flow-stream.js";

/**
 * Reads a stream until `done` says so or the stream ends. The time limit only keeps a broken
 * test from hanging; no assertion depends on timing.
 */
export async function consume(stream: FlowStream, done: (events: readonly HubbleEvent[]) => boolean = () => false, limitMs = 20_000): Promise<HubbleEvent[]> {
  const events: HubbleEvent[] = [];
  const guard = setTimeout(() => {
    stream.stop();
  }, limitMs);
  try {
    for await (const batch of stream.batches()) {
      events.push(...batch);
      if (done(events)) break;
    }
  } finally {
    clearTimeout(guard);
  }
  return events;
}

/** The flows among events. */
export function flowsOf(events: readonly HubbleEvent[]): Flow[] {
  return events.flatMap((e) => (e.kind === "flow" ? [e.flow] : []));
}

/** Polls `check` every few ms until it holds; rejects after `limitMs` so a broken test ends. */
export async function waitUntil(check: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

import type { Connection, FlowCount } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";

/** Something that takes connection batches (the ingest loop's `ConnectionSink` shape). */
export interface ConnectionObserver {
  accept(connections: readonly Connection[], flowCounts?: readonly FlowCount[]): void | Promise<void>;
}

/** Something that looks at event batches as they pass. */
export interface EventObserver {
  observeEvents(events: readonly HubbleEvent[]): void;
}

/**
 * A sink that shows each batch to `observer` first, then hands it to `sink` and returns
 * the sink's answer unchanged (so backpressure still works).
 */
export function teeSink(sink: ConnectionObserver, observer: { accept(connections: readonly Connection[]): void }): ConnectionObserver {
  return {
    accept: (connections, flowCounts) => {
      observer.accept(connections);
      return sink.accept(connections, flowCounts);
    },
  };
}

/** Passes batches through unchanged, showing each to `observer` on the way. */
export async function* tapEvents(
  batches: AsyncIterable<readonly HubbleEvent[]>,
  observer: EventObserver,
): AsyncGenerator<readonly HubbleEvent[]> {
  for await (const batch of batches) {
    observer.observeEvents(batch);
    yield batch;
  }
}

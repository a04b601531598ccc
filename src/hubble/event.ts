import type { Flow, Timestamp } from "../flows/index.js";
import type { RecordPosition } from "./files/index.js";

/** Where Hubble lost events (`LostEventSource`), or the number of an unknown source. */
export type LostEventSource = string;

/**
 * One item of a Hubble stream or flow-log file (`GetFlowsResponse` / `ExportEvent`),
 * decoded and normalized. `nodeName` is "" when the producer did not say.
 */
export type HubbleEvent =
  | {
      readonly kind: "flow";
      readonly flow: Flow;
      readonly nodeName: string;
      /** Where a flow-log file held it; undefined for a stream or stdin. */
      readonly position?: RecordPosition;
    }
  | {
      readonly kind: "lost-events";
      readonly source: LostEventSource;
      readonly count: number;
      /** CPU whose perf ring overflowed; undefined for other sources. */
      readonly cpu: number | undefined;
      readonly nodeName: string;
      readonly time: Timestamp | undefined;
      /** Where a flow-log file held it; undefined for a stream or stdin. */
      readonly position?: RecordPosition;
    }
  | {
      readonly kind: "node-status";
      /** relay.NodeState name, e.g. NODE_CONNECTED or NODE_UNAVAILABLE. */
      readonly state: string;
      readonly nodeNames: readonly string[];
      readonly message: string;
      readonly time: Timestamp | undefined;
    }
  | { readonly kind: "empty"; readonly nodeName: string };

import { status as grpcStatus } from "@grpc/grpc-js";
import { HubbleConnectionError } from "./errors.js";
import { fetchServerStatus } from "./server-status.js";
import type { ServerStatusOptions } from "./server-status.js";
import type { ProbeAnswer } from "./stream-watch.js";

/** A {@link StreamWatch} probe that asks the server's `ServerStatus` for its `seen_flows`. */
export function serverStatusProbe(options: ServerStatusOptions): () => Promise<ProbeAnswer> {
  return async () => {
    try {
      const status = await fetchServerStatus(options);
      return { kind: "answered", seenFlows: status.seenFlows };
    } catch (err) {
      // A server without ServerStatus (not Hubble's own) can tell us nothing either way.
      if (err instanceof HubbleConnectionError && err.grpcCode === grpcStatus.UNIMPLEMENTED) return { kind: "unsupported" };
      return { kind: "unanswered", detail: err instanceof Error ? err.message : String(err) };
    }
  };
}

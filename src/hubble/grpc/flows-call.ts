import { Metadata } from "@grpc/grpc-js";
import type { Client, ClientReadableStream } from "@grpc/grpc-js";
import type { HubbleEvent } from "../event.js";
import { decodeStreamEvent } from "./decode-event.js";
import type { RejectedEvent, UndecodableEvent } from "./decode-event.js";
import { hubbleMethods } from "./service-definitions.js";

/** What one GetFlows call delivers. */
export type StreamEvent = HubbleEvent | UndecodableEvent | RejectedEvent;

/** Callbacks of one GetFlows call. */
export interface FlowsCallHandlers {
  /** The server answered; `version` is its hubble-relay/server-version header, if any. */
  onMetadata(version: string | undefined): void;
  onEvent(event: StreamEvent): void;
  /** The call is over and every message was delivered; `error` undefined means status OK. */
  onDone(error: Error | undefined): void;
}

/**
 * Starts `GetFlows` with an encoded request. Messages are decoded by our own protobufjs
 * type (no proto-loader toObject on this hot path).
 */
export function startFlowsCall(client: Client, request: Buffer, handlers: FlowsCallHandlers): ClientReadableStream<StreamEvent> {
  const call = client.makeServerStreamRequest(hubbleMethods().getFlows.path, (b: Buffer) => b, decodeStreamEvent, request, new Metadata());
  let error: Error | undefined;
  let statusSeen = false;
  let endSeen = false;
  // A call is over once grpc-js reported its status *and* every buffered message was read
  // ('end'): while the stream is paused, messages may still sit in it after the status.
  const finish = (): void => {
    if (statusSeen && endSeen) handlers.onDone(error);
  };
  call.on("metadata", (md: Metadata) => {
    const version = md.get("hubble-relay-version")[0] ?? md.get("hubble-server-version")[0];
    handlers.onMetadata(version === undefined ? undefined : String(version));
  });
  call.on("data", (event: StreamEvent) => {
    handlers.onEvent(event);
  });
  call.on("error", (err: Error) => (error = err));
  call.on("status", () => {
    statusSeen = true;
    finish();
  });
  call.on("end", () => {
    endSeen = true;
    finish();
  });
  return call;
}

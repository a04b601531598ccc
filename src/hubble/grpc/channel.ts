import { Client } from "@grpc/grpc-js";
import type { ChannelOptions } from "@grpc/grpc-js";
import type { HubbleAddress } from "./address.js";
import { channelSecurity } from "./tls-options.js";
import type { ClientTlsOptions } from "./tls-options.js";

// Keepalive pings detect a Relay that vanished without closing the connection. grpc-go
// servers answer pings more frequent than 5 minutes (their default enforcement policy) with
// GOAWAY "too_many_pings", so stay above that.
const KEEPALIVE: ChannelOptions = {
  "grpc.keepalive_time_ms": 360_000,
  "grpc.keepalive_timeout_ms": 20_000,
};

// HTTP/2 flow-control window of the stream and the connection. grpc-js keeps HTTP/2's 64 KiB
// default, so while the ingest thread is busy (a batch commit, a collection) Hubble can send
// only 64 KiB more before it stops and its ring buffer fills. Go clients (the hubble CLI,
// Relay's own node clients) grow their window by BDP estimation up to 16 MiB; we open
// with that bound. It stays a bound: a paused stream (our backpressure) holds at most this
// much undelivered data.
export const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * Opens a grpc-js client (one channel) to a Hubble server. Reads TLS files now, so it throws
 * `HubbleConnectionError` (problem `tls-file`) naming a file that cannot be read. The
 * channel connects lazily, on the first call.
 */
export function openHubbleClient(address: HubbleAddress, tls: ClientTlsOptions | undefined, given: string): Client {
  const security = channelSecurity(address, tls, given);
  return new Client(address.target, security.credentials, { ...KEEPALIVE, "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES, ...security.options });
}

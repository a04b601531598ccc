import { Metadata } from "@grpc/grpc-js";
import { messageType } from "../proto/index.js";
import { parseHubbleAddress } from "./address.js";
import { openHubbleClient } from "./channel.js";
import { connectionErrorFrom } from "./errors.js";
import { hubbleMethods } from "./service-definitions.js";
import { checkTlsOptions } from "./tls-options.js";
import type { ClientTlsOptions } from "./tls-options.js";

/** Hubble's `ServerStatusResponse`; the node counters are undefined on a node (Relay only). */
export interface HubbleServerStatus {
  /** Flows currently in the ring buffer(s). */
  readonly numFlows: number;
  /** Ring buffer capacity (summed over nodes by Relay). */
  readonly maxFlows: number;
  /** Flows observed since start. */
  readonly seenFlows: number;
  readonly uptimeNs: number;
  readonly numConnectedNodes: number | undefined;
  readonly numUnavailableNodes: number | undefined;
  readonly unavailableNodes: readonly string[];
  readonly version: string;
  /** Approximate flows per second over the last minute; 0 when the server does not say. */
  readonly flowsRate: number;
}

/** Options of {@link fetchServerStatus}. */
export interface ServerStatusOptions {
  /** Address as for a flow stream; undefined means `localhost:4245`. */
  readonly address?: string;
  readonly tls?: ClientTlsOptions;
  /** Deadline of the call in ms (default 10000). */
  readonly timeoutMs?: number;
}

interface RawStatus {
  num_flows?: number;
  max_flows?: number;
  seen_flows?: number;
  uptime_ns?: number;
  num_connected_nodes?: { value?: number };
  num_unavailable_nodes?: { value?: number };
  unavailable_nodes?: string[];
  version?: string;
  flows_rate?: number;
}

function decodeStatus(bytes: Buffer): HubbleServerStatus {
  const type = messageType("observer.ServerStatusResponse");
  // toObject with longs: Number gives plain numbers for the uint64 counters.
  const raw = type.toObject(type.decode(bytes), { longs: Number }) as RawStatus;
  return {
    numFlows: raw.num_flows ?? 0,
    maxFlows: raw.max_flows ?? 0,
    seenFlows: raw.seen_flows ?? 0,
    uptimeNs: raw.uptime_ns ?? 0,
    numConnectedNodes: raw.num_connected_nodes ? (raw.num_connected_nodes.value ?? 0) : undefined,
    numUnavailableNodes: raw.num_unavailable_nodes ? (raw.num_unavailable_nodes.value ?? 0) : undefined,
    unavailableNodes: raw.unavailable_nodes ?? [],
    version: raw.version ?? "",
    flowsRate: raw.flows_rate ?? 0,
  };
}

/**
 * Calls `observer.Observer/ServerStatus` once. Rejects with `HubbleConnectionError` when the
 * server cannot be reached, TLS fails, or the deadline passes.
 */
export async function fetchServerStatus(options: ServerStatusOptions = {}): Promise<HubbleServerStatus> {
  const address = parseHubbleAddress(options.address);
  const given = options.address ?? address.target;
  checkTlsOptions(address, options.tls, given);
  const client = openHubbleClient(address, options.tls, given);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  try {
    return await new Promise<HubbleServerStatus>((resolve, reject) => {
      client.makeUnaryRequest(
        hubbleMethods().serverStatus.path,
        (b: Buffer) => b,
        decodeStatus,
        Buffer.alloc(0),
        new Metadata(),
        { deadline },
        (err, value) => {
          if (err) reject(connectionErrorFrom(given, err));
          else if (value) resolve(value);
          else reject(connectionErrorFrom(given, new Error("empty ServerStatus response")));
        },
      );
    });
  } finally {
    client.close();
  }
}

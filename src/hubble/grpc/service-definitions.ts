import { join } from "node:path";
import { loadSync } from "@grpc/proto-loader";
import type { MethodDefinition, PackageDefinition } from "@grpc/proto-loader";
import { PROTO_FILES, protoDir } from "../proto/index.js";

/** The Hubble RPCs this project calls or serves, with their full gRPC paths and streaming flags. */
export interface HubbleMethods {
  readonly getFlows: MethodDefinition<object, object>;
  readonly serverStatus: MethodDefinition<object, object>;
  readonly getNodes: MethodDefinition<object, object>;
  readonly peerNotify: MethodDefinition<object, object>;
}

let cached: HubbleMethods | undefined;

function method(pkg: PackageDefinition, service: string, name: string): MethodDefinition<object, object> {
  const def = pkg[service];
  // proto-loader returns services as plain objects keyed by method name.
  const m = def !== undefined && name in def ? (def as Record<string, unknown>)[name] : undefined;
  if (typeof m !== "object" || m === null || !("path" in m)) throw new Error(`${service}.${name} missing from the protos`);
  return m as MethodDefinition<object, object>; // checked above: a proto-loader method definition
}

/**
 * Loads the service definitions from our protos with proto-loader (proto field names kept).
 * Only the paths and streaming flags are used: messages are (de)serialized by our own
 * protobufjs types, because the stream's hot path must skip proto-loader's toObject.
 */
export function hubbleMethods(): HubbleMethods {
  if (cached) return cached;
  const dir = protoDir();
  const pkg = loadSync(
    PROTO_FILES.map((f) => join(dir, f)),
    { includeDirs: [dir], keepCase: true, longs: String, enums: String, defaults: false },
  );
  cached = {
    getFlows: method(pkg, "observer.Observer", "GetFlows"),
    serverStatus: method(pkg, "observer.Observer", "ServerStatus"),
    getNodes: method(pkg, "observer.Observer", "GetNodes"),
    peerNotify: method(pkg, "peer.Peer", "Notify"),
  };
  return cached;
}

import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { cacheEndpointDecoding } from "./endpoint-cache.js";

/**
 * Finds the repository's `protos/` directory by walking up from this module, so the same
 * code works from `src/` (tests) and from `dist/src/` (the built CLI and the container).
 */
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "protos");
    if (existsSync(join(candidate, "observer", "observer.proto"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("protos/observer/observer.proto not found above " + fileURLToPath(import.meta.url));
}

/** The proto files that make up our Hubble API subset, relative to {@link protoDir}. */
export const PROTO_FILES = ["observer/observer.proto", "peer/peer.proto"] as const;

let cachedRoot: protobuf.Root | undefined;

/**
 * Loads our Hubble protos into a protobufjs Root with proto field names kept as declared
 * (`node_name`, `IP`, `Type`), the same names Hubble's JSON output uses.
 */
export function hubbleRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const dir = protoDir();
  const root = new protobuf.Root();
  // Imports are written as "flow/flow.proto"; resolve them against protos/. The
  // google/protobuf well-known types are built into protobufjs.
  root.resolvePath = (_origin, target) =>
    isAbsolute(target) || target.startsWith("google/protobuf/") ? target : join(dir, target);
  root.loadSync(
    PROTO_FILES.map((f) => join(dir, f)),
    { keepCase: true },
  );
  root.resolveAll();
  cacheEndpointDecoding(root.lookupType("flow.Endpoint"));
  cachedRoot = root;
  return root;
}

/** Looks up a message type by its full name, e.g. `observer.GetFlowsResponse`. */
export function messageType(name: string): protobuf.Type {
  return hubbleRoot().lookupType(name);
}

/** Looks up an enum by its full name, e.g. `flow.Verdict`. */
export function enumType(name: string): protobuf.Enum {
  return hubbleRoot().lookupEnum(name);
}

import protobuf from "protobufjs";

/** Most distinct encoded endpoints remembered (each a few hundred bytes); then the cache restarts. */
const MAX_ENDPOINTS = 20_000;

type DecodeFn = (reader: protobuf.Reader | Uint8Array, length?: number, end?: number, depth?: number) => protobuf.Message;

/**
 * Puts a cache in front of protobufjs' decoder for `flow.Endpoint`. A flow's two endpoints
 * (labels, pod name, workloads) are most of its bytes, and the same few hundred pods appear
 * in nearly every flow, so identical encoded endpoints are decoded once and the decoded
 * message is shared. Measured on generator flows this removes most of the string decoding
 * from the per-flow cost.
 *
 * protobufjs' generated decoder for a message calls `types[i].decode(reader, length, ...)`
 * on the field's Type object, so replacing that Type's `decode` (after `setup()`, which is
 * what installs the generated function) is enough. Decoded endpoints are shared between
 * flows and must be treated as immutable, as everything downstream already does.
 */
export function cacheEndpointDecoding(endpointType: protobuf.Type): void {
  endpointType.setup();
  // The generated decoder takes (reader, length, end, depth); protobufjs' .d.ts declares two.
  const original: DecodeFn = endpointType.decode.bind(endpointType);
  let cache = new Map<string, protobuf.Message>();
  const cached: DecodeFn = (reader, length, end, depth) => {
    if (!(reader instanceof protobuf.Reader) || length === undefined) return original(reader, length, end, depth);
    const start = reader.pos;
    const stop = start + length;
    const buf = reader.buf;
    const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const key = bytes.toString("latin1", start, stop);
    const hit = cache.get(key);
    if (hit) {
      reader.pos = stop;
      return hit;
    }
    const message = original(reader, length, end, depth);
    if (cache.size >= MAX_ENDPOINTS) cache = new Map();
    cache.set(key, message);
    return message;
  };
  endpointType.decode = cached; // same call signature as the generated decoder
}

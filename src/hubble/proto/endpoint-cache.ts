import protobuf from "protobufjs";

/** Most distinct encoded endpoints remembered (each a few hundred bytes); then the cache restarts. */
const MAX_ENDPOINTS = 20_000;

type DecodeFn = (reader: protobuf.Reader | Uint8Array, length?: number, end?: number, depth?: number) => protobuf.Message;

interface Entry {
  readonly bytes: Buffer;
  readonly message: protobuf.Message;
}

/**
 * A cheap fingerprint of an encoded endpoint: its length and a sample of its bytes (FNV-1a
 * over every 8th byte). Equal fingerprints are confirmed byte by byte, so collisions only
 * cost a comparison.
 */
function fingerprint(buf: Uint8Array, start: number, stop: number): number {
  let h = 0x811c9dc5 ^ (stop - start);
  for (let i = start; i < stop; i += 8) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193);
  return h >>> 0;
}

/**
 * Puts a cache in front of protobufjs' decoder for `flow.Endpoint`. A flow's two endpoints
 * (labels, pod name, workloads) are most of its bytes, and the same few hundred pods appear
 * in nearly every flow, so identical encoded endpoints are decoded once and the decoded
 * message is shared. Lookup avoids building a string key from the bytes (which costs about
 * as much as decoding them): a sampled fingerprint picks a bucket and a native byte
 * comparison confirms the hit.
 *
 * protobufjs' generated decoder for a message calls `types[i].decode(reader, length, ...)`
 * on the field's Type object, so replacing that Type's `decode` (after `setup()`, which is
 * what installs the generated function) is enough. Decoded endpoints are shared between
 * flows and must be treated as immutable, as everything downstream already does.
 */
export function cacheEndpointDecoding(endpointType: protobuf.Type): void {
  endpointType.setup();
  const original: DecodeFn = endpointType.decode.bind(endpointType);
  let buckets = new Map<number, Entry[]>();
  let size = 0;
  const cached: DecodeFn = (reader, length, end, depth) => {
    if (!(reader instanceof protobuf.Reader) || length === undefined) return original(reader, length, end, depth);
    const start = reader.pos;
    const stop = start + length;
    const buf = Buffer.isBuffer(reader.buf) ? reader.buf : Buffer.from(reader.buf.buffer, reader.buf.byteOffset, reader.buf.byteLength);
    const key = fingerprint(buf, start, stop);
    const bucket = buckets.get(key);
    if (bucket) {
      for (const entry of bucket) {
        if (entry.bytes.length === length && buf.compare(entry.bytes, 0, length, start, stop) === 0) {
          reader.pos = stop;
          return entry.message;
        }
      }
    }
    const message = original(reader, length, end, depth);
    if (size >= MAX_ENDPOINTS) {
      buckets = new Map();
      size = 0;
    }
    // An unpooled copy: a slice of Node's shared 8 KiB allocation pool would keep the whole
    // pool chunk alive for as long as the entry lives.
    const bytes = Buffer.allocUnsafeSlow(stop - start);
    buf.copy(bytes, 0, start, stop);
    const entry = { bytes, message };
    if (bucket) bucket.push(entry);
    else buckets.set(key, [entry]);
    size++;
    return message;
  };
  endpointType.decode = cached;
}

import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";

/** The two leading bytes of every gzip member (RFC 1952, section 2.3.1: ID1 ID2). */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A gzip stream that cannot be decompressed further; what came before it was delivered. */
export class GzipStreamError extends Error {
  override readonly name = "GzipStreamError";
  readonly kind: "truncated-gzip" | "corrupt-gzip";

  constructor(
    kind: "truncated-gzip" | "corrupt-gzip",
    options: { cause: unknown },
  ) {
    super(
      kind === "truncated-gzip"
        ? "gzip stream ends early"
        : "gzip data is damaged",
      options,
    );
    this.kind = kind;
  }
}

/**
 * Decompresses gzip input (also several concatenated members, as `cat a.gz b.gz` makes) as a
 * pull-based stream: zlib only runs as far as the consumer reads. zlib failures become a
 * {@link GzipStreamError}; errors of the underlying source pass through unchanged.
 */
export async function* gunzipChunks(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const source = Readable.from(chunks, { objectMode: false });
  pipeline(source, gunzip, () => {
    // Errors surface through the iteration below; nothing more to do here.
  });
  try {
    for await (const chunk of gunzip) {
      yield chunk as Buffer; // zlib streams emit Buffers
    }
  } catch (error) {
    throw classify(error);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

function classify(error: unknown): unknown {
  const code =
    error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  // zlib reports input that stops mid-stream as Z_BUF_ERROR ("unexpected end of file");
  // other Z_* codes mean the compressed data itself is wrong.
  if (code === "Z_BUF_ERROR")
    return new GzipStreamError("truncated-gzip", { cause: error });
  if (code?.startsWith("Z_") === true)
    return new GzipStreamError("corrupt-gzip", { cause: error });
  return error;
}

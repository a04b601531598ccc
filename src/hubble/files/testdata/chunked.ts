/** Streams `text` as UTF-8 chunks of `size` bytes, each arriving in a later tick as from a real stream. */
export async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) {
    await Promise.resolve();
    yield Buffer.from(bytes.subarray(at, at + size));
  }
}

/**
 * Passes `iterable` through until `signal` aborts, then ends at once, even while a read is
 * pending (a quiet stdin pipe never settles its read). On abort the source is asked to close
 * right away, not awaited, so its files and watchers are released even if the consumer
 * never calls the iterator again. Without a signal, the iterable is passed through unchanged.
 */
export async function* untilAborted<T>(
  iterable: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  if (signal === undefined) {
    yield* iterable;
    return;
  }
  const iterator = iterable[Symbol.asyncIterator]();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    // Not awaited: a generator busy in a pending read only returns once that read settles.
    iterator.return?.().catch(() => undefined);
  };
  signal.addEventListener("abort", close, { once: true });
  try {
    while (!signal.aborted) {
      const next = await nextOrAbort(iterator, signal);
      if (next === "aborted") return;
      if (next.done === true) {
        closed = true;
        return;
      }
      yield next.value;
    }
  } finally {
    signal.removeEventListener("abort", close);
    close();
  }
}

/**
 * One `next()` raced against abort. A fresh listener per step, removed when the step settles:
 * racing every step against one long-lived abort promise would pile up reactions on it.
 */
function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T> | "aborted"> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      resolve("aborted");
    };
    signal.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

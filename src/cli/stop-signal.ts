/** Fired by SIGINT/SIGTERM or by a caller's signal; `dispose` removes the process handlers. */
export interface StopSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * How a long-running command learns it should stop: SIGINT, SIGTERM, or `external` (tests
 * stop commands in-process this way). undefined `external`: only the process signals.
 */
export function stopSignal(external?: AbortSignal): StopSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (external?.aborted === true) controller.abort();
  else external?.addEventListener("abort", onSignal, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      external?.removeEventListener("abort", onSignal);
    },
  };
}

/** Resolves once `signal` has fired. */
export function untilStopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => {
      resolve();
    }, { once: true });
  });
}

import { stdoutClosed } from "./closed-output.js";

/** Fired by SIGINT/SIGTERM, a closed stdout or a caller's signal; `dispose` removes the handlers. */
export interface StopSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * How a long-running command learns it should stop: SIGINT, SIGTERM, the reader of stdout
 * going away (`serve | head -1`), or `external` (tests stop commands in-process this way).
 * undefined `external`: only the process's own events.
 */
export function stopSignal(external?: AbortSignal): StopSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const unsubscribe = stdoutClosed.onClose(onSignal);
  if (external?.aborted === true) controller.abort();
  else external?.addEventListener("abort", onSignal, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      unsubscribe();
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

import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { SourceDocument } from "../index.js";
import { KubernetesSnapshotError } from "./kubernetes-errors.js";
import { startKubernetesSource, type KubernetesSource, type KubernetesSourceState } from "./kubernetes-source.js";
import type { KubernetesSourceTiming } from "./source-timing.js";

/** Options for {@link takeKubernetesSnapshot}. */
export interface KubernetesSnapshotOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** How long failed lists are retried before the snapshot fails; undefined: 5 s. */
  readonly retryMs?: number;
  /** Limit on the whole snapshot, lists that are slow but working included; undefined: 60 s. */
  readonly timeoutMs?: number;
  /** Overrides of {@link SNAPSHOT_TIMING}; undefined fields keep it. */
  readonly timing?: Partial<KubernetesSourceTiming>;
}

/** The source's pace for a snapshot: someone is waiting, so retries come quickly and connects give up soon. */
export const SNAPSHOT_TIMING: Partial<KubernetesSourceTiming> = {
  debounceMs: 50,
  maxDebounceMs: 500,
  initialBackoffMs: 250,
  maxBackoffMs: 1_000,
  connectTimeoutMs: 3_000,
  resyncMs: 0,
};

/**
 * Lists the cluster's policies, Namespaces and Pods once: starts the Kubernetes source, takes
 * the first set it delivers with every kind listed (a Cilium CRD that is not installed counts as
 * listed), and stops it. The source delivers a partial set as soon as every kind has been tried,
 * which here would mean auditing against no policies (or without the Pods that give them
 * labels); so while a kind is failing the snapshot waits for the retries. It fails with a
 * {@link KubernetesSnapshotError} naming the API server and the last error when a kind's latest
 * attempt has failed `retryMs` or more after the start, or when the set is still incomplete
 * after `timeoutMs`.
 */
export async function takeKubernetesSnapshot(options: KubernetesSnapshotOptions): Promise<readonly SourceDocument[]> {
  const server = options.kubeConfig.getCurrentCluster()?.server ?? "(no server in the kubeconfig)";
  const retryMs = options.retryMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const startedAt = performance.now();
  const timers: NodeJS.Timeout[] = [];
  let source: KubernetesSource | undefined;
  try {
    return await new Promise<readonly SourceDocument[]>((resolve, reject) => {
      // Called on every delivery (with the set) and when the retry time is up (without).
      const check = (documents: readonly SourceDocument[] | undefined): void => {
        if (source === undefined) return;
        const state = source.state();
        if (state.synced) {
          if (documents !== undefined) resolve(documents);
          return;
        }
        const failing = failingKind(state);
        if (failing !== undefined && performance.now() - startedAt >= retryMs) {
          reject(new KubernetesSnapshotError(`cannot list ${failing.kind} objects from the Kubernetes API server at ${server} (retried for ${seconds(retryMs)}): ${failing.message}`, { server }));
        }
      };
      source = startKubernetesSource({
        kubeConfig: options.kubeConfig,
        logger: options.logger,
        timing: { ...SNAPSHOT_TIMING, ...options.timing },
        onChange: (documents) => {
          check(documents);
        },
      });
      timers.push(setTimeout(() => {
        check(undefined);
      }, retryMs));
      timers.push(setTimeout(() => {
        const failing = source === undefined ? undefined : failingKind(source.state());
        const last = failing === undefined ? "" : `; last error: ${failing.kind}: ${failing.message}`;
        reject(new KubernetesSnapshotError(`the Kubernetes API server at ${server} did not list the cluster's policies within ${seconds(timeoutMs)}${last}`, { server }));
      }, timeoutMs));
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await source?.stop();
  }
}

/** A kind that has not been listed and whose last attempt failed, undefined if none. */
function failingKind(state: KubernetesSourceState): { readonly kind: string; readonly message: string } | undefined {
  for (const k of state.kinds) {
    if (!k.synced && !k.absent && k.lastError !== undefined) return { kind: k.kind, message: k.lastError };
  }
  return undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

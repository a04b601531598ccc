import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { Debouncer } from "./debouncer.js";
import { KindWatcher, type KindState } from "./kind-watcher.js";
import type { SourceDocument } from "../index.js";
import { DEFAULT_SOURCE_TIMING, type KubernetesSourceTiming } from "./source-timing.js";
import { KIND_DEFINITIONS, type WatchedKind } from "./watched-kind.js";

/** Options for {@link startKubernetesSource}. */
export interface KubernetesSourceOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /**
   * Receives the full current set of objects after the first list of every kind has ended, then
   * after every change (debounced). Called from a timer, never from inside an informer; if it
   * returns a promise, the next call waits for it and carries the latest set.
   */
  readonly onChange: (documents: readonly SourceDocument[]) => void | Promise<void>;
  /** Kinds to watch; undefined watches all of them. */
  readonly kinds?: readonly WatchedKind[];
  /** Overrides of {@link DEFAULT_SOURCE_TIMING}; undefined fields keep the defaults. */
  readonly timing?: Partial<KubernetesSourceTiming>;
}

/** How the Kubernetes source is doing, per kind. */
export interface KubernetesSourceState {
  /** Every non-optional kind is synced and every optional one is synced or absent. */
  readonly synced: boolean;
  readonly kinds: readonly KindState[];
  /** The most recent failure over all kinds, undefined if none happened. */
  readonly lastError?: { readonly kind: WatchedKind; readonly message: string; readonly at: Date };
}

/** A running Kubernetes source. */
export interface KubernetesSource {
  state(): KubernetesSourceState;
  /** Closes every watch and cancels pending callbacks; `onChange` is not called afterwards. */
  stop(): Promise<void>;
}

/**
 * Watches NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, Namespace and Pod
 * objects cluster-wide and reports the whole set whenever it changes. Missing Cilium CRDs are a
 * warning and are looked for again; other failures are retried with backoff, keeping the last
 * known objects meanwhile.
 */
export function startKubernetesSource(options: KubernetesSourceOptions): KubernetesSource {
  const timing: KubernetesSourceTiming = { ...DEFAULT_SOURCE_TIMING, ...options.timing };
  const wanted = new Set(options.kinds ?? KIND_DEFINITIONS.map((d) => d.kind));
  let stopped = false;
  let delivering = false;
  let pending = false;
  const debouncer = new Debouncer(deliver, { waitMs: timing.debounceMs, maxWaitMs: timing.maxDebounceMs });
  const changed = (): void => {
    if (stopped) return;
    pending = true;
    if (!delivering && watchers.every((w) => w.settled)) debouncer.schedule();
  };
  const watchers = KIND_DEFINITIONS.filter((d) => wanted.has(d.kind)).map(
    (definition) =>
      new KindWatcher({
        definition,
        kubeConfig: options.kubeConfig,
        logger: options.logger,
        timing,
        onChange: changed,
      }),
  );

  function deliver(): void {
    if (stopped || !pending) return;
    pending = false;
    delivering = true;
    const documents: SourceDocument[] = watchers.flatMap((w) =>
      [...w.objects()].sort(compareObjects).map((object) => ({ origin: { source: "kubernetes" as const }, object })),
    );
    options.logger.debug({ documents: documents.length }, "policy objects changed");
    let result: void | Promise<void> = undefined;
    try {
      result = options.onChange(documents);
    } catch (err) {
      options.logger.error({ err }, "policy change handler failed");
    }
    void Promise.resolve(result)
      .catch((err: unknown) => {
        options.logger.error({ err }, "policy change handler failed");
      })
      .finally(() => {
        delivering = false;
        if (pending && !stopped) debouncer.schedule();
      });
  }

  options.logger.info({ kinds: [...wanted] }, "watching policy objects");
  for (const watcher of watchers) watcher.start();

  return {
    state: () => sourceState(watchers.map((w) => w.state())),
    stop: async () => {
      stopped = true;
      debouncer.cancel();
      await Promise.all(watchers.map((w) => w.stop()));
      options.logger.info({}, "stopped watching policy objects");
    },
  };
}

function sourceState(kinds: readonly KindState[]): KubernetesSourceState {
  let lastError: KubernetesSourceState["lastError"];
  for (const k of kinds) {
    if (k.lastError === undefined || k.lastErrorAt === undefined) continue;
    if (lastError === undefined || k.lastErrorAt >= lastError.at) {
      lastError = { kind: k.kind, message: k.lastError, at: k.lastErrorAt };
    }
  }
  const synced = kinds.every((k) => k.synced || k.absent);
  return lastError === undefined ? { synced, kinds } : { synced, kinds, lastError };
}

function compareObjects(a: { readonly metadata: { readonly namespace?: string; readonly name: string } }, b: typeof a): number {
  const left = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
  const right = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

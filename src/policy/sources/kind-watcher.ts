import { createHash } from "node:crypto";
import { ListWatch, V1ListMeta, type KubeConfig, type KubernetesListObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { Backoff } from "./backoff.js";
import { toCachedObject, type CachedObject } from "./cached-object.js";
import { GatedWatch } from "./gated-watch.js";
import { isNotFound } from "./kubernetes-errors.js";
import { listObjects } from "./list-objects.js";
import type { KubernetesSourceTiming } from "./source-timing.js";
import type { KindDefinition, WatchedKind } from "./watched-kind.js";

/** How one watched kind is doing. */
export interface KindState {
  readonly kind: WatchedKind;
  /** A list has succeeded: the cache reflects the cluster (as of the last event). */
  readonly synced: boolean;
  /** The custom resource is not installed; the kind contributes no objects until it appears. */
  readonly absent: boolean;
  readonly objects: number;
  /** Message of the last list or watch failure, undefined if none happened. */
  readonly lastError?: string;
  /** When that failure happened, undefined if none happened. */
  readonly lastErrorAt?: Date;
}

/** Options for {@link KindWatcher}. */
export interface KindWatcherOptions {
  readonly definition: KindDefinition;
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly timing: KubernetesSourceTiming;
  /** The kind's objects may have changed, or its first list attempt ended. */
  readonly onChange: () => void;
}

/**
 * One informer (list + watch) for one kind, restarted after failures: with backoff after errors,
 * and every `absentRetryMs` while a custom resource is missing.
 */
export class KindWatcher {
  /** The first list attempt has ended, successfully or not. */
  settled = false;
  private synced = false;
  private absent = false;
  private lastError: { readonly message: string; readonly at: Date } | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly stopRequests = new AbortController();
  private readonly backoff: Backoff;
  private readonly gate: GatedWatch;
  private readonly informer: ListWatch<CachedObject>;
  /** Content hash per object key, so an update that changes nothing we keep (a pod's conditions) is not a change. */
  private readonly signatures = new Map<string, string>();

  private readonly logger: Logger;

  constructor(private readonly options: KindWatcherOptions) {
    const { definition, timing } = options;
    const logger = options.logger.child({ kind: definition.kind });
    this.logger = logger;
    this.backoff = new Backoff({ initialMs: timing.initialBackoffMs, maxMs: timing.maxBackoffMs });
    this.gate = new GatedWatch(options.kubeConfig, {
      transform: (object) => toCachedObject(definition, object),
      backoff: this.backoff,
      healthyWatchMs: timing.healthyWatchMs,
      timeoutSeconds: timing.watchTimeoutSeconds,
      onEvent: () => {
        this.backoff.reset();
      },
      onInvalid: () => {
        logger.warn({}, "ignoring watch event without an object name");
      },
    });
    this.informer = new ListWatch<CachedObject>(definition.path, this.gate, () => this.list(), false);
    this.informer.on("add", (object) => {
      this.record(object);
    });
    this.informer.on("update", (object) => {
      this.record(object);
    });
    this.informer.on("delete", (object) => {
      if (this.signatures.delete(keyOf(object))) options.onChange();
    });
    this.informer.on("error", (err: unknown) => {
      this.failed(err);
    });
  }

  start(): void {
    this.run();
    if (this.options.timing.resyncMs > 0) {
      this.resyncTimer = setInterval(() => {
        this.gate.requestRelist();
      }, this.options.timing.resyncMs);
      this.resyncTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.resyncTimer);
    this.stopRequests.abort();
    this.gate.close();
    await this.informer.stop();
  }

  /** The cached objects; none while the resource is absent. */
  objects(): readonly CachedObject[] {
    return this.absent ? [] : this.informer.list();
  }

  state(): KindState {
    return {
      kind: this.options.definition.kind,
      synced: this.synced,
      absent: this.absent,
      objects: this.objects().length,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError.message, lastErrorAt: this.lastError.at }),
    };
  }

  private run(): void {
    if (this.stopped) return;
    this.informer.start().catch((err: unknown) => {
      this.failed(err);
    });
  }

  private async list(): Promise<KubernetesListObject<CachedObject>> {
    const { definition, timing, kubeConfig } = this.options;
    const logger = this.logger;
    const signal = AbortSignal.any([this.stopRequests.signal, AbortSignal.timeout(timing.listTimeoutMs)]);
    const listed = await listObjects({
      kubeConfig, path: definition.path, pageSize: timing.pageSize, maxPageBytes: timing.maxPageBytes, connectTimeoutMs: timing.connectTimeoutMs, signal,
    });
    const items = listed.items.flatMap((raw) => toCachedObject(definition, raw) ?? []);
    if (items.length < listed.items.length) {
      logger.warn({ skipped: listed.items.length - items.length }, "ignoring listed objects without a name");
    }
    const wasAbsent = this.absent;
    this.absent = false;
    this.synced = true;
    this.settled = true;
    this.backoff.reset();
    if (wasAbsent) logger.info({}, "custom resource now installed");
    logger.debug({ objects: items.length }, "listed");
    // ListWatch applies the items after this resolves; the debounced reader runs later still.
    this.options.onChange();
    const metadata = new V1ListMeta();
    metadata.resourceVersion = listed.resourceVersion;
    return { metadata, items };
  }

  private record(object: CachedObject): void {
    const key = keyOf(object);
    // resourceVersion changes on every write, even one to fields the cache drops.
    const content = JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
    const signature = createHash("sha256").update(content).digest("base64");
    if (this.signatures.get(key) === signature) return;
    this.signatures.set(key, signature);
    this.options.onChange();
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    const { definition, timing } = this.options;
    const logger = this.logger;
    this.settled = true;
    let delay: number;
    if (definition.optional && isNotFound(err)) {
      if (!this.absent) logger.warn({}, "custom resource not installed; will look again");
      this.absent = true;
      this.synced = false;
      // When it appears again, start from a fresh list rather than a stale resourceVersion.
      if (this.informer.latestResourceVersion() !== "") this.gate.requestRelist();
      delay = timing.absentRetryMs;
    } else {
      const message = err instanceof Error ? err.message : String(err);
      this.lastError = { message, at: new Date() };
      delay = this.backoff.next();
      logger.warn({ err, retryInMs: delay }, "list or watch failed; retrying");
    }
    this.options.onChange();
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.run();
    }, delay);
    this.restartTimer.unref();
  }
}

function keyOf(object: CachedObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

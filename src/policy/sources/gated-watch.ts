import { Watch, type KubeConfig } from "@kubernetes/client-node";
import type { Backoff } from "./backoff.js";

/** How a {@link GatedWatch} shapes the watches the informer opens. */
export interface GatedWatchOptions {
  /** Turns a watched object into what the cache keeps; undefined drops the event. */
  readonly transform: (object: unknown) => unknown;
  /** Shared with the owner's error retries; reset here when a watch proves healthy. */
  readonly backoff: Backoff;
  /** A watch that delivered nothing yet lasted this long ended normally (server timeout). */
  readonly healthyWatchMs: number;
  /** Base of the server-side watch timeout; the server ends the watch after 1–2× this. */
  readonly timeoutSeconds: number;
  /** Called for every event delivered, bookmarks included. */
  readonly onEvent: () => void;
  /** Called when an event carries an object that the transform rejected. */
  readonly onInvalid: (object: unknown) => void;
}

/**
 * Asks the informer to throw away its resourceVersion and list again. The client library's
 * ListWatch relists exactly when a watch ends with status 410 (Gone), so that is what this carries.
 */
export class RelistRequested extends Error {
  override readonly name = "RelistRequested";
  readonly statusCode = 410;
}

type WatchCallback = (phase: string, apiObject: unknown, watchObject?: unknown) => void;
type DoneCallback = (err: unknown) => void;

/**
 * The client library's `Watch`, with what its ListWatch leaves to the caller:
 * - backoff when the server keeps closing watches immediately (ListWatch reconnects at once);
 * - a server-side timeout and bookmarks, so a silently dead connection is replaced periodically
 *   and a reconnect rarely needs a full relist;
 * - objects reduced by `transform` before the cache stores them (bounds memory on pods);
 * - a forced relist for periodic resync;
 * - a hard stop: ListWatch opens a new watch after an in-flight list even if it was stopped.
 */
export class GatedWatch extends Watch {
  private closed = false;
  private active: AbortController | undefined;
  private relistWanted = false;
  private delayNext = false;
  private readonly sleepers = new Set<() => void>();

  constructor(
    config: KubeConfig,
    private readonly options: GatedWatchOptions,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: DoneCallback,
  ): Promise<AbortController> {
    if (this.delayNext) await this.sleep(this.options.backoff.next());
    if (this.closed) return abortedController();
    if (this.relistWanted) {
      this.relistWanted = false;
      // After ListWatch has stored the returned controller, so its next request replaces this one.
      setImmediate(() => {
        done(new RelistRequested());
      });
      return abortedController();
    }
    const startedAt = performance.now();
    // Written by the callbacks, which may run before super.watch returns.
    const run: { delivered: boolean; ended: boolean; controller?: AbortController } = { delivered: false, ended: false };
    const timeoutSeconds = Math.round(this.options.timeoutSeconds * (1 + Math.random()));
    const params = { ...queryParams, timeoutSeconds, allowWatchBookmarks: true };
    const onEvent: WatchCallback = (phase, apiObject, watchObject) => {
      run.delivered = true;
      this.options.onEvent();
      if (phase !== "ADDED" && phase !== "MODIFIED" && phase !== "DELETED") {
        callback(phase, apiObject, watchObject); // ERROR and BOOKMARK pass through untouched
        return;
      }
      const object = this.options.transform(apiObject);
      if (object === undefined) this.options.onInvalid(apiObject);
      else callback(phase, object, watchObject);
    };
    const onDone: DoneCallback = (err) => {
      run.ended = true;
      if (this.active === run.controller) this.active = undefined;
      const healthy = run.delivered || performance.now() - startedAt >= this.options.healthyWatchMs;
      if (healthy) this.options.backoff.reset();
      // Errors go to ListWatch's error handlers, whose owner delays its own restart.
      this.delayNext = (err === null || err === undefined) && !healthy;
      if (this.closed) done(null);
      else if (this.relistWanted) {
        this.relistWanted = false;
        done(new RelistRequested());
      } else done(err);
    };
    const controller = await super.watch(path, params, onEvent, onDone);
    run.controller = controller;
    if (!run.ended) {
      this.active = controller;
      // Stop or relist asked for while the server had not answered yet.
      if (this.interrupted()) controller.abort();
    }
    return controller;
  }

  /** Makes the informer list again: now if a watch is open, else as soon as one opens. */
  requestRelist(): void {
    this.relistWanted = true;
    this.active?.abort();
  }

  /** Ends the open watch and refuses new ones. */
  close(): void {
    this.closed = true;
    this.active?.abort();
    this.active = undefined;
    for (const wake of this.sleepers) wake();
  }

  /** Read through a method: both flags may have changed while a watch was opening. */
  private interrupted(): boolean {
    return this.closed || this.relistWanted;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function abortedController(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

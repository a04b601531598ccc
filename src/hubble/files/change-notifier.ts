import type { FSWatcher } from "node:fs";
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * Wakes a tailing reader when its file may have changed. It watches the file's directory
 * rather than the file, because a watch on the file follows the inode: after a rotation
 * (rename, then a new file at the same path) it would report on the old file only. Watch
 * events are only a hint (they can be coalesced, or unsupported on network filesystems),
 * so every wait also ends after a short poll interval.
 */
export class ChangeNotifier {
  #changed = false;
  #wake: (() => void) | undefined;
  #watcher: FSWatcher | undefined;

  constructor(path: string) {
    const name = basename(path);
    try {
      this.#watcher = watch(
        dirname(path),
        { persistent: false },
        (_event, filename) => {
          if (filename === null || filename === name) this.#notify();
        },
      );
      this.#watcher.on("error", () => {
        this.close(); // polling alone still works
      });
    } catch {
      this.#watcher = undefined; // watching unsupported here: polling alone
    }
  }

  /** Resolves on the next change hint, after `pollIntervalMs`, or on abort, whichever is first. */
  async wait(
    pollIntervalMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (this.#changed || signal?.aborted === true) {
      this.#changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#wake = undefined;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, pollIntervalMs);
      signal?.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  /** Stops watching. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #notify(): void {
    this.#changed = true;
    this.#wake?.();
  }
}

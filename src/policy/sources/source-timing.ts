/** Timing and size knobs of the Kubernetes source; the defaults suit production. */
export interface KubernetesSourceTiming {
  /** Quiet time after a change before `onChange` runs. */
  readonly debounceMs: number;
  /** Longest `onChange` delay under constant churn. */
  readonly maxDebounceMs: number;
  /** First retry delay after a failed list or watch; doubles per failure. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** How often a missing custom resource (Cilium not installed) is looked for again. */
  readonly absentRetryMs: number;
  /** Period of the full relist that repairs any drift between cache and cluster; 0 disables it. */
  readonly resyncMs: number;
  /** Base server-side watch timeout. */
  readonly watchTimeoutSeconds: number;
  /** A watch ending after this long without events is a normal timeout, not a failure. */
  readonly healthyWatchMs: number;
  /** Time limit of one list page request. */
  readonly listTimeoutMs: number;
  /** Time limit for the TCP connection of a list request: an address that drops packets fails fast instead of taking the whole list timeout. */
  readonly connectTimeoutMs: number;
  /** Objects per list page. */
  readonly pageSize: number;
  /** Largest list page accepted. */
  readonly maxPageBytes: number;
}

/** Production defaults. */
export const DEFAULT_SOURCE_TIMING: KubernetesSourceTiming = {
  debounceMs: 500,
  maxDebounceMs: 5_000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  absentRetryMs: 60_000,
  resyncMs: 15 * 60_000,
  watchTimeoutSeconds: 300,
  healthyWatchMs: 10_000,
  listTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  pageSize: 500,
  maxPageBytes: 64 * 1024 * 1024,
};

/** Bounds applied while loading policy files, so that a hostile or mistaken input cannot exhaust memory. */
export interface FileLimits {
  /** Files larger than this are rejected without being read. */
  readonly maxFileBytes: number;
  /** Documents whose objects/arrays nest deeper than this are rejected. */
  readonly maxDepth: number;
  /** Documents (List items count one each) beyond this total are ignored with a problem. */
  readonly maxDocuments: number;
  /** Files found beyond this total (across all paths) are ignored with a problem. */
  readonly maxFiles: number;
}

/** Defaults generous enough for any real cluster's policy set. */
export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxDocuments: 10_000,
  maxFiles: 10_000,
};

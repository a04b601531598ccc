/**
 * What can be wrong with the content of a flow-log file. Each kind is counted and reported;
 * none stops ingestion of the rest of the file, except that a broken gzip stream ends that
 * file after everything decompressed before the damage has been handed over.
 */
export type FileProblemKind =
  /** A line (NDJSON) or array element that `JSON.parse` rejects, or junk after a JSON array. */
  | "malformed-json"
  /** Valid JSON that is not an object (a number, string, null or array). */
  | "not-an-object"
  /** A line or array element longer than the configured byte cap; skipped unread. */
  | "oversize-record"
  /** A JSON array that ends (end of file) before its closing `]`. */
  | "truncated-array"
  /** A gzip stream that ends early (a file copied while being written, a cut download). */
  | "truncated-gzip"
  /** A gzip stream with damaged data (checksum or block error). */
  | "corrupt-gzip";

/** One problem found in a file's content, with where it was found. */
export interface FileProblem {
  readonly kind: FileProblemKind;
  /** The path as given; "-" for stdin. */
  readonly file: string;
  /**
   * 1-based line of the offending line or element start; for gzip problems, the line the
   * decompressed text had reached. Lines restart at 1 in a new file after rotation.
   */
  readonly line: number;
  /** Human-readable detail, e.g. the JSON parser's message. */
  readonly message: string;
}

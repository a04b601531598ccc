/**
 * The contract between policy sources (files, Kubernetes API) and the pure policy core:
 * one already-decoded YAML/JSON object and where it came from. The object is untrusted.
 */

/** Where a document came from. */
export interface SourceOrigin {
  readonly source: "file" | "kubernetes";
  /** Path of the file; `undefined` for objects read from the Kubernetes API. */
  readonly file?: string;
  /** Zero-based index of the document in a multi-document file; `undefined` when not applicable. */
  readonly documentIndex?: number;
}

/** One decoded object plus its origin. `object` is `unknown`: the parser narrows it. */
export interface SourceDocument {
  readonly origin: SourceOrigin;
  readonly object: unknown;
}

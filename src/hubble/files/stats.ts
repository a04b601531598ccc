/**
 * Progress counters of one flow-file read, updated live while reading so that a CLI can
 * print a progress line at any moment. Totals span all files read in follow mode.
 */
export interface FileReadStats {
  /** Bytes read from disk or stdin (compressed bytes for gzip input). */
  readonly bytesRead: number;
  /** Size of the file when it was opened; undefined for stdin. In follow mode, the latest file. */
  readonly fileBytes: number | undefined;
  /** Newlines consumed in the (decompressed) text. */
  readonly lines: number;
  /** Records handed to the consumer. */
  readonly records: number;
  /** Problems reported (malformed, non-object or oversize inputs, broken gzip or array). */
  readonly rejected: number;
  /** Rotations followed (file replaced or truncated in place); 0 unless following. */
  readonly rotations: number;
}

/** The writable view used while reading. */
export type MutableFileReadStats = {
  -readonly [K in keyof FileReadStats]: FileReadStats[K];
};

/** Fresh zeroed counters. */
export function createFileReadStats(): MutableFileReadStats {
  return {
    bytesRead: 0,
    fileBytes: undefined,
    lines: 0,
    records: 0,
    rejected: 0,
    rotations: 0,
  };
}

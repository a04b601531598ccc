import type { FileProblemKind } from "./problem.js";

/**
 * What a splitter cuts out of a file's text: the source text of one candidate record, or a
 * rejection it detected itself (too long, structurally broken). Parsing happens later.
 */
export type Piece =
  | {
      readonly kind: "text";
      readonly text: string;
      readonly line: number;
      /** Byte offset of the record's first byte in the (decompressed) text; undefined inside a JSON array. */
      readonly offset?: number;
    }
  | {
      readonly kind: "reject";
      readonly reason: FileProblemKind;
      readonly line: number;
      readonly message: string;
    };

/** A rejection for an input longer than the cap. */
export function oversizePiece(
  line: number,
  bytes: number,
  maxBytes: number,
): Piece {
  return {
    kind: "reject",
    reason: "oversize-record",
    line,
    message: `record of at least ${bytes} bytes exceeds the ${maxBytes}-byte limit`,
  };
}

/**
 * Why (part of) a policy file could not be loaded. `documentIndex` is the 0-based position of the
 * document in a multi-document YAML stream (undefined when the whole file is affected); `line` and
 * `column` are 1-based and undefined when the problem has no position.
 */
export interface FileProblem {
  readonly file: string;
  readonly documentIndex?: number;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

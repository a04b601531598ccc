import type { SourceOrigin } from "./source-document.js";

/** An invalid field in one object; the rest of the object (or other objects) may still load. */
export interface PolicyProblem {
  readonly origin: SourceOrigin;
  /** Object kind; `undefined` when the document has no usable `kind`. */
  readonly kind?: string;
  /** `metadata.namespace`; `undefined` for cluster-scoped or unnamed objects. */
  readonly namespace?: string;
  /** `metadata.name`; `undefined` when the object has no usable name. */
  readonly name?: string;
  /** Field path inside the object, e.g. `spec.ingress[2].ports[0].endPort`; "" for the whole object. */
  readonly path: string;
  readonly message: string;
  /**
   * What the model does because of the problem (e.g. "rule ignored: the policy allows less
   * than written"); `undefined` when the bad value was simply skipped.
   */
  readonly effect?: string;
}

/** A document that was read but not modelled (an unrelated kind). */
export interface IgnoredObject {
  readonly origin: SourceOrigin;
  readonly kind: string;
  /** `undefined` when the object has no name. */
  readonly name?: string;
  readonly note: string;
}

/** One line of text naming where a problem is: `file#doc kind ns/name path: message (effect)`. */
export function formatProblem(problem: PolicyProblem): string {
  const where = problem.origin.file ?? problem.origin.source;
  const doc = problem.origin.documentIndex === undefined ? "" : `#${problem.origin.documentIndex}`;
  const obj = [problem.namespace, problem.name].filter((p) => p !== undefined).join("/");
  const head = [`${where}${doc}`, problem.kind, obj].filter((p) => p !== undefined && p !== "");
  const path = problem.path === "" ? "" : ` ${problem.path}`;
  const effect = problem.effect === undefined ? "" : ` (${problem.effect})`;
  return `${head.join(" ")}${path}: ${problem.message}${effect}`;
}

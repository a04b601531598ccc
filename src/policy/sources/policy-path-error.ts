import type { FileProblem } from "./file-problem.js";

/**
 * Policy paths that were named but could not be used at all (missing, unreadable, neither file
 * nor directory). Running on without them would evaluate against fewer policies than asked for
 * and report everything allowed, so one-shot commands and daemon start-up stop here instead.
 */
export class PolicyPathError extends Error {
  override readonly name = "PolicyPathError";
  /** One per path, as `loadPolicyFiles` reported it in `unusablePaths`. */
  readonly paths: readonly FileProblem[];

  /** `paths` must not be empty. */
  constructor(paths: readonly FileProblem[]) {
    super(`cannot read policies from ${paths.map((p) => `${p.file}: ${p.message}`).join("; ")}`);
    this.paths = paths;
  }
}

/** Throws a {@link PolicyPathError} naming every unusable path; does nothing when there is none. */
export function assertPolicyPathsUsable(loaded: { readonly unusablePaths: readonly FileProblem[] }): void {
  if (loaded.unusablePaths.length > 0) throw new PolicyPathError(loaded.unusablePaths);
}

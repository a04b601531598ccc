import { UsageError } from "./usage-error.js";

/** Errors that mean "your input is wrong" rather than "we have a bug". */
const INPUT_ERRORS = new Set([
  "UsageError", "HubbleConnectionError", "FlowFileError", "ReplayServerError", "GraphStoreError", "MetricsServerError",
  "PolicyPathError", "KubeConfigError", "KubernetesSnapshotError",
]);

/**
 * The exit code and the one-line message for an error that ended a command: 2 for usage and
 * input errors (bad option, bad address, unreadable file, certificate that does not verify,
 * a database file that cannot be used, a listen address that cannot be bound, a policy path
 * that is missing or unreadable, a kubeconfig that cannot be loaded, a Hubble server or
 * Kubernetes API server that cannot be reached or refuses), 1 for anything else. Exit code 1 is
 * also what commands set for a result (`--strict` with problems, `whatif` dropping traffic), so
 * a script can tell "could not run" (2) from "ran and found something" (1).
 */
export function exitCodeFor(err: unknown): { code: number; message: string } {
  if (err instanceof UsageError) return { code: 2, message: err.message };
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && !err.message.includes(err.cause.message) ? `: ${err.cause.message}` : "";
    return { code: INPUT_ERRORS.has(err.name) ? 2 : 1, message: `${err.message}${cause}` };
  }
  return { code: 1, message: String(err) };
}

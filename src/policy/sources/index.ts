export type { SourceDocument, SourceOrigin } from "../index.js";
export { formatFileProblem, type FileProblem } from "./file-problem.js";
export { DEFAULT_FILE_LIMITS, type FileLimits } from "./file-limits.js";
export { loadPolicyFiles, type LoadedPolicyFiles, type LoadPolicyFilesOptions } from "./load-policy-files.js";
export { parsePolicyText, type PolicyText } from "./policy-text.js";
export { PolicyPathError, assertPolicyPathsUsable } from "./policy-path-error.js";
export { loadKubeConfig, type KubeConfigOptions } from "./kube-config.js";
export { KubeConfigError, KubernetesApiError, KubernetesSnapshotError } from "./kubernetes-errors.js";
export { SNAPSHOT_TIMING, takeKubernetesSnapshot, type KubernetesSnapshotOptions } from "./kubernetes-snapshot.js";
export {
  startKubernetesSource,
  type KubernetesSource,
  type KubernetesSourceOptions,
  type KubernetesSourceState,
} from "./kubernetes-source.js";
export type { KindState } from "./kind-watcher.js";
export { DEFAULT_SOURCE_TIMING, type KubernetesSourceTiming } from "./source-timing.js";
export { WATCHED_KINDS, type WatchedKind } from "./watched-kind.js";

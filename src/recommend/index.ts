/**
 * Least-privilege policy recommendations from observed traffic: NetworkPolicy and
 * CiliumNetworkPolicy sets per workload, plus default-deny where asked, each validated by
 * replaying the window's flows through the policy model before it is returned. Pure: no I/O.
 */
export { PUBLIC_INGRESS_THRESHOLD, recommendPolicies } from "./recommend.js";
export type {
  DefaultDenyChoice, ObservedTraffic, PermissionReport, PolicyKindChoice, Recommendation, RecommendedPolicy, RecommendFailure, RecommendOptions,
  RecommendResult, RecommendWarning, Refusal, ReplayDrop, RuleEvidence, TrafficVariant, ValidationReport,
} from "./types.js";
export { policiesToFiles, policiesToJson, policiesToYaml } from "./output.js";
export type { OutputFile } from "./output.js";
export { whatIf } from "./what-if.js";
export type { WhatIfOptions, WhatIfReport } from "./what-if.js";
export { compileRecommended, documentsOf } from "./validate.js";
export { isSystemNamespace } from "./default-deny.js";
export { outputPath, pathSegment } from "./output-path.js";
export type { OutputPath } from "./output-path.js";

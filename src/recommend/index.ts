/**
 * Least-privilege policy recommendations from observed traffic: NetworkPolicy and
 * CiliumNetworkPolicy sets per workload plus default-deny per namespace, each validated by
 * replaying the window through the policy model before it is returned. Pure: no I/O.
 */
export { recommendPolicies } from "./recommend.js";
export type {
  ObservedTraffic, PermissionReport, PolicyKindChoice, Recommendation, RecommendedPolicy, RecommendFailure, RecommendOptions,
  RecommendResult, RecommendWarning, ReplayDrop, RuleEvidence, ValidationReport,
} from "./types.js";
export { policiesToFiles, policiesToJson, policiesToYaml } from "./output.js";
export type { OutputFile } from "./output.js";
export { whatIf } from "./what-if.js";
export type { WhatIfOptions, WhatIfReport } from "./what-if.js";
export { compileRecommended, documentsOf } from "./validate.js";

/**
 * The audit core: an observed-traffic graph of a window against a compiled policy model
 * gives findings (would-be drops, policy and infrastructure drops, unused and over-broad
 * allows), readiness per namespace and the over-permission ratio. Pure: no I/O, no clock.
 */
export type { PolicyView, PolicyViewOptions } from "./policy-view.js";
export { createPolicyView } from "./policy-view.js";
export type { WouldBeDrop, WouldBeDropCause, WouldBeDropEdge, WouldBeDropOptions } from "./would-be-drops.js";
export { findWouldBeDrops, wouldBeDropsOf } from "./would-be-drops.js";
export type { NamespacePermission, OverPermission, OverPermissionOptions, PeerPermission } from "./over-permission.js";
export { computeOverPermission } from "./over-permission.js";
export type { DirectionOutcome, EdgeAssessment } from "./assess.js";
export { assessEdges, directionOutcome, survivesDefaultDeny } from "./assess.js";
export type { EdgeTraffic } from "./traffic.js";
export { edgeText, edgeTraffic, isUsed } from "./traffic.js";
export type { FlowExample, SampleLookup } from "./examples.js";
export { MAX_EXAMPLES, examplesOf } from "./examples.js";
export type { AuditInput, AuditReport, AuditSummary } from "./audit.js";
export { auditGraph } from "./audit.js";
export type { Finding, Severity, UnselectedPolicy, UnusedAllow } from "./finding.js";
export { FINDING_KINDS, compareFindings } from "./finding.js";
export type { DropClass, EdgeDrops } from "./drops.js";
export type { OverBroadAllow, OverBroadOptions } from "./over-broad.js";
export type { NamespaceReadiness } from "./readiness.js";
export type { RuleLocation } from "./rule-text.js";
export type { EdgeRef } from "./attach-examples.js";
export { edgesWantingExamples, withExamples } from "./attach-examples.js";
export { auditToJson, auditToTable, jsonTimes } from "./render.js";
export { resolvePeer } from "./resolve-peer.js";
export type { PeerDirectory, PeerResolution } from "./resolve-peer.js";
export type { ConnectivityChange, DirectionReason, PolicyDiff, SideVerdict } from "./policy-diff.js";
export { diffPolicies, sideText, sideVerdict } from "./policy-diff.js";
export type { DiffSources } from "./policy-diff-render.js";
export { policyDiffToJson, policyDiffToMarkdown, policyDiffToTable } from "./policy-diff-render.js";

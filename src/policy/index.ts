/**
 * The policy core: parse untrusted objects into specs, compile them into an immutable
 * model, evaluate connections against it, and explain the result. Pure: no I/O.
 */
export type { SourceDocument, SourceOrigin } from "./source-document.js";
export type { PolicyProblem, IgnoredObject } from "./problem.js";
export { formatProblem } from "./problem.js";
export type { Cidr, IpAddress } from "./cidr.js";
export { parseCidr, parseIp, cidrContains } from "./cidr.js";

export type { PolicyId, PolicyKind, Direction, NetworkPolicyProtocol } from "./spec/policy-id.js";
export { formatPolicyId } from "./spec/policy-id.js";
export type { LabelSelectorSpec, SelectorOperator, SelectorRequirementSpec } from "./spec/label-selector.js";
export type * from "./spec/network-policy.js";
export type * from "./spec/cilium-policy.js";
export type { IcmpFamily } from "./spec/icmp-types.js";
export { icmpTypeCode, icmpTypeName } from "./spec/icmp-types.js";
export type { NamespaceSpec, PodSpec, NamedPort, OwnerRef } from "./spec/inventory.js";

export type { ParsedPolicies, ParseOptions } from "./parse/parse-documents.js";
export { parsePolicyDocuments } from "./parse/parse-documents.js";
export { withInventory } from "./parse/with-inventory.js";
export type { DocumentBounds } from "./parse/bounds.js";
export { DEFAULT_BOUNDS } from "./parse/bounds.js";

export type {
  PolicyModel,
  PolicySection,
  CompiledRule,
  CompiledPeer,
  CompiledPort,
  CompiledL7,
  RuleRef,
  IcmpMatch,
  UnsupportedPiece,
} from "./compile/model.js";
export type { CompileInput } from "./compile/compile-model.js";
export { compilePolicyModel } from "./compile/compile-model.js";

export type { PolicyEndpoint, ConnectionInput, L7Request } from "./evaluate/endpoint.js";
export { endpointFromFlowEndpoint } from "./evaluate/endpoint.js";
export type { DirectionVerdict, DirectionEvaluation, Evaluation, UnsupportedTouch } from "./evaluate/evaluation.js";
export type { PolicyEvaluator, EvaluatorOptions } from "./evaluate/evaluator.js";
export { createPolicyEvaluator } from "./evaluate/evaluator.js";
export type { SemanticsName, SemanticsProfile } from "./evaluate/semantics.js";
export { SEMANTICS_NAMES, isSemanticsName, semanticsProfile } from "./evaluate/semantics.js";
export { EndpointPreparer } from "./evaluate/prepare.js";
export type { PreparedEndpoint, PreparedLabels } from "./evaluate/prepare.js";

export type { ExplainSubjects } from "./explain/explain.js";
export { explainEvaluation, describeRule } from "./explain/explain.js";
export { describeIcmpType, describeIcmpMatch } from "./explain/describe-icmp.js";
export type { FlowConnection } from "./evaluate/from-flow.js";
export { connectionFromFlow } from "./evaluate/from-flow.js";

export type { ExplainRow, ExplainTable, ExplainTarget } from "./explain-table/explain-table.js";
export { explainModel } from "./explain-table/explain-table.js";
export { explainTableToJson, explainTableToText, targetText } from "./explain-table/render-explain-table.js";

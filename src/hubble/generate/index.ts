/**
 * Synthetic Hubble flows for tests, benchmarks and the demo: a deterministic generator of
 * `hubble observe -o jsonpb` lines for a multi-tier app, with the ground truth of what the
 * lines contain.
 */
export { createFlowRun, InvalidGenerateOptionsError } from "./generator.js";
export type { FlowRun } from "./generator.js";
export { NdjsonWriteError, writeNdjson } from "./ndjson.js";
export { serializeLine } from "./serialize.js";
export { resolveOptions, LIMITS } from "./options.js";
export type { GenerateOptions, OptionProblem, ResolvedOptions } from "./options.js";
export type { GroundTruth, TruthEdge } from "./ground-truth.js";
export type {
  FlowJson, GetFlowsResponseJson, EndpointJson, LostEventJson, Layer7Json, PolicyJson,
} from "./jsonpb.js";
export type { Topology, NodeInfo, PeerInstance, WorkloadInstance } from "./topology-types.js";

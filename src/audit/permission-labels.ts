import { EndpointPreparer } from "../policy/index.js";
import type { PolicyEndpoint, PolicyModel, SemanticsProfile } from "../policy/index.js";

/** One label of an endpoint under its key: where it came from (`k8s`, `reserved`, ...) and its value. */
export interface LabelEntry {
  readonly source: string;
  readonly value: string;
}

/**
 * What policy reads from the label set of one endpoint, derived the way the evaluator
 * prepares an endpoint that carries no pod name and no address of a Pod object (the
 * audit passes none for workloads; see `isOpaqueEndpoint` for the others).
 */
export interface LabelFacts {
  /** Labels by key, after Cilium's identity-relevant label filter when the profile applies it. */
  readonly index: ReadonlyMap<string, readonly LabelEntry[]>;
  /** Cilium entities the endpoint belongs to (`all`, `cluster`, `world`, `host`, ...). */
  readonly entities: ReadonlySet<string>;
  /** A Kubernetes pod: it has a namespace. */
  readonly isPod: boolean;
  /** Endpoint policy applies: pods, and Cilium's health and init endpoints. */
  readonly isPolicySubject: boolean;
  /** The local host or a remote node. */
  readonly isNode: boolean;
  /** `undefined` for endpoints outside any namespace. */
  readonly namespace: string | undefined;
}

// One preparer per model and profile: it caches prepared label sets, as the evaluator's does.
const preparers = new WeakMap<PolicyModel, Map<string, EndpointPreparer>>();

/**
 * The label facts of an endpoint, prepared by the policy core exactly as the evaluator
 * prepares it (namespace labels added, Cilium's identity-relevant label filter, entities,
 * reserved identities never pods), so the set algebra and the evaluator cannot drift apart.
 */
export function labelFactsOf(endpoint: PolicyEndpoint, model: PolicyModel, profile: SemanticsProfile): LabelFacts {
  let byProfile = preparers.get(model);
  if (byProfile === undefined) preparers.set(model, (byProfile = new Map<string, EndpointPreparer>()));
  let preparer = byProfile.get(profile.name);
  if (preparer === undefined) byProfile.set(profile.name, (preparer = new EndpointPreparer(model, profile)));
  return preparer.prepare(endpoint).labels;
}

/**
 * Whether the evaluator would resolve a Pod object for this endpoint (by pod name, or by
 * address when the model holds Pods) and so see labels, named ports and a pod name the
 * endpoint does not carry. Such endpoints are decided by the evaluator, one by one.
 */
export function isOpaqueEndpoint(endpoint: PolicyEndpoint, model: PolicyModel): boolean {
  if (endpoint.podName !== undefined) return true;
  return model.podsByName.size > 0 && endpoint.ip !== undefined && model.podsByIp.has(endpoint.ip);
}

/** Helpers for bad-input tests: YAML text → source documents of `p.yaml`, and policy templates. */
import { parseAllDocuments } from "yaml";
import type { SourceDocument } from "../source-document.js";

/** The documents of a YAML stream, as the file source would give them for `p.yaml`. */
export function docs(text: string): SourceDocument[] {
  return parseAllDocuments(text).map((d, i) => ({
    origin: { source: "file", file: "p.yaml", documentIndex: i },
    object: d.toJS() as unknown,
  }));
}

/** A NetworkPolicy `prod/bad` with the given `spec` body (indented two spaces). */
export const np = (spec: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: prod}
spec:
${spec}`;

/** A CiliumNetworkPolicy `prod/bad` with the given `spec` body. */
export const cnp = (spec: string): string => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: prod}
spec:
${spec}`;

/** One bad-input case: name, YAML, expected field path, message and effect (`undefined`: none). */
export type ProblemCase = readonly [string, string, string, string, string | undefined];

/**
 * A connectivity test matrix: cases of "source → destination on port/protocol → expected",
 * as teams keep them beside their policies. Parsed from YAML or a Markdown table; every case
 * remembers the file and line it came from so that failures and problems can point at it.
 */

/** The reserved entities a matrix may name (`entity:NAME`): Cilium's reserved identities. */
export const MATRIX_ENTITIES = ["host", "world", "remote-node", "kube-apiserver", "health", "ingress", "init", "unmanaged"] as const;

/** One of {@link MATRIX_ENTITIES}. */
export type MatrixEntity = (typeof MATRIX_ENTITIES)[number];

/** One end of a case, as the matrix names it. */
export type MatrixEndpoint =
  /** `ns/workload`: an observed workload (or a Pod object of it) by namespace and owner name. */
  | { readonly kind: "workload"; readonly namespace: string; readonly name: string }
  /** `{namespace, labels}`: a pod of that namespace with exactly these labels. */
  | { readonly kind: "labels"; readonly namespace: string; readonly labels: readonly (readonly [string, string])[] }
  /** `ip:A.B.C.D`: one address (a pod's when a Pod object has it, else outside the cluster). */
  | { readonly kind: "ip"; readonly ip: string }
  /** `cidr:P/N`: addresses outside the cluster in a prefix, probed at its first and last address. */
  | { readonly kind: "cidr"; readonly cidr: string }
  /** `fqdn:NAME`: an address outside the cluster that DNS names NAME (for toFQDNs rules). */
  | { readonly kind: "fqdn"; readonly name: string }
  /** `entity:NAME`: a reserved identity. */
  | { readonly kind: "entity"; readonly entity: MatrixEntity };

/** The protocols a case may name; `ICMP` in a matrix means ICMPv4. */
export type MatrixProtocol = "TCP" | "UDP" | "SCTP" | "ICMPv4" | "ICMPv6";

/** The port of a case: TCP/UDP/SCTP ports, or the ICMP type of an ICMP case. */
export type MatrixPort =
  | { readonly kind: "number"; readonly port: number }
  /** Inclusive; every port of the range is probed. */
  | { readonly kind: "range"; readonly first: number; readonly last: number }
  /** A named container port, resolved through the destination's Pod object. */
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "icmp"; readonly type: number };

/** Where a case, or a field of it, is written. */
export interface MatrixLocation {
  readonly file: string;
  /** 1-based; `undefined` when not known. */
  readonly line?: number;
}

/** One case of a matrix. */
export interface MatrixCase {
  /** The `name` given, else `from -> to port/protocol`. */
  readonly name: string;
  /** Whether the matrix gave the name. */
  readonly named: boolean;
  readonly from: MatrixEndpoint;
  readonly to: MatrixEndpoint;
  readonly port: MatrixPort;
  readonly protocol: MatrixProtocol;
  readonly expect: "allow" | "deny";
  /** The endpoints and port as written, for reports. */
  readonly text: { readonly from: string; readonly to: string; readonly port: string };
  /** The case's location, and each field's (a field not written has the case's line). */
  readonly at: MatrixLocation;
  readonly fieldLines: Readonly<Partial<Record<CaseField, number>>>;
  /** The field path of the case in its file, e.g. `cases[2]` or `row 3`. */
  readonly path: string;
}

/** The fields of a case. */
export type CaseField = "from" | "to" | "port" | "protocol" | "expect" | "name";

/** What is wrong with a matrix: file, line, field path and message. */
export interface MatrixProblem {
  readonly file: string;
  readonly line?: number;
  /** e.g. `cases[2].port`, or `row 3: Port`. */
  readonly field: string;
  readonly message: string;
}

/** A matrix file read: its cases, or what is wrong with it. */
export interface ParsedMatrix {
  readonly file: string;
  readonly cases: readonly MatrixCase[];
  readonly problems: readonly MatrixProblem[];
}

/** `file:line: field: message`, the one line a bad matrix is reported as. */
export function formatMatrixProblem(p: MatrixProblem): string {
  return `${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${p.field}: ${p.message}`;
}

/** The most cases one matrix file may hold. */
export const MAX_CASES = 10_000;

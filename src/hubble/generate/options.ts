/** Options of a synthetic run. Every member is optional except `flows`. */
export interface GenerateOptions {
  /** Total GetFlowsResponse lines (flows plus lost-event notices). */
  readonly flows: number;
  /** Workloads in the app; undefined or less than the base app's size means the base app. */
  readonly workloads?: number;
  /** PRNG seed; undefined means 1. Equal options give byte-identical output. */
  readonly seed?: number;
  /** Time of the first line in milliseconds since the epoch; undefined means 2026-01-01T00:00:00Z. */
  readonly startMs?: number;
  /** Mean lines per second of virtual time; undefined means 1000. */
  readonly rate?: number;
  /** Probability that a line is a lost-events notice instead of a flow; undefined means 0. */
  readonly lostEvents?: number;
  /** Minimum number of nodes (at least 2); undefined means 3. More are added for large apps. */
  readonly nodes?: number;
  /** Cilium cluster name; undefined means "default" (node names are then printed bare). */
  readonly clusterName?: string;
  /** Connections in flight whose packets interleave; undefined means 8. */
  readonly concurrency?: number;
}

/** Options with defaults applied. */
export type ResolvedOptions = Required<GenerateOptions>;

/** Upper bounds that keep a run's memory bounded (the topology is held in memory). */
export const LIMITS = { workloads: 20_000, nodes: 1000, concurrency: 256 } as const;

/** One problem with an option: the option's name and what is wrong. */
export interface OptionProblem {
  readonly path: string;
  readonly message: string;
}

/** Applies defaults and checks ranges; returns the options or the list of problems. */
export function resolveOptions(input: GenerateOptions): ResolvedOptions | readonly OptionProblem[] {
  const o: ResolvedOptions = {
    flows: input.flows,
    workloads: input.workloads ?? 0,
    seed: input.seed ?? 1,
    startMs: input.startMs ?? Date.UTC(2026, 0, 1),
    rate: input.rate ?? 1000,
    lostEvents: input.lostEvents ?? 0,
    nodes: input.nodes ?? 3,
    clusterName: input.clusterName ?? "default",
    concurrency: input.concurrency ?? 8,
  };
  const problems: OptionProblem[] = [];
  const int = (path: keyof ResolvedOptions, value: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push({ path, message: `must be an integer from ${min} to ${max}, got ${value}` });
    }
  };
  int("flows", o.flows, 0, Number.MAX_SAFE_INTEGER);
  int("workloads", o.workloads, 0, LIMITS.workloads);
  int("seed", o.seed, 0, 0xffffffff);
  int("nodes", o.nodes, 2, LIMITS.nodes);
  int("concurrency", o.concurrency, 1, LIMITS.concurrency);
  if (!Number.isFinite(o.startMs) || o.startMs < 0) problems.push({ path: "startMs", message: "must be a time after 1970" });
  if (!(o.rate > 0) || !Number.isFinite(o.rate)) problems.push({ path: "rate", message: "must be a positive number" });
  if (!(o.lostEvents >= 0 && o.lostEvents <= 1)) problems.push({ path: "lostEvents", message: "must be between 0 and 1" });
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.clusterName)) {
    problems.push({ path: "clusterName", message: "must be a DNS-label-like name" });
  }
  return problems.length > 0 ? problems : o;
}

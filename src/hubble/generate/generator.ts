import { buildApp } from "./app-spec.js";
import { VirtualClock } from "./clock.js";
import type { GroundTruth } from "./ground-truth.js";
import { TruthRecorder } from "./ground-truth.js";
import type { GetFlowsResponseJson, LostEventJson } from "./jsonpb.js";
import type { GenerateOptions, ResolvedOptions } from "./options.js";
import { resolveOptions } from "./options.js";
import { SessionPlanner } from "./planner.js";
import { Random } from "./prng.js";
import type { Session, SessionEnv } from "./session-env.js";
import type { Topology } from "./topology-types.js";
import { buildTopology } from "./topology.js";

/** Thrown by {@link createFlowRun} for options out of range. */
export class InvalidGenerateOptionsError extends Error {
  override readonly name = "InvalidGenerateOptionsError";
  constructor(readonly problems: readonly { readonly path: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  }
}

/** One synthetic run: a single-use stream of lines plus the truth about what it contains. */
export interface FlowRun {
  /** The lines, produced lazily; iterate once. */
  readonly lines: Generator<GetFlowsResponseJson, void, undefined>;
  /** Ground truth of the lines produced so far (complete once `lines` is exhausted). */
  summary(): GroundTruth;
  readonly topology: Topology;
  readonly options: ResolvedOptions;
}

/**
 * Prepares a deterministic run of `options.flows` GetFlowsResponse lines. Connections on
 * the app's intended edges are played out concurrently (their packets interleave), and the
 * virtual clock advances by exponentially distributed gaps so that the mean rate is
 * `options.rate` lines per second and timestamps never go backwards.
 */
export function createFlowRun(options: GenerateOptions): FlowRun {
  const resolved = resolveOptions(options);
  if (!("flows" in resolved)) throw new InvalidGenerateOptionsError(resolved);
  const random = new Random(resolved.seed);
  const app = buildApp(resolved.workloads, random);
  const topology = buildTopology(app, { clusterName: resolved.clusterName, nodes: resolved.nodes }, random);
  const planner = new SessionPlanner(app, topology, random);
  const recorder = new TruthRecorder(app.edges);
  const clock = new VirtualClock(resolved.startMs);
  const env: SessionEnv = {
    random,
    stamp: () => ({ time: clock.text(), uuid: random.uuid() }),
    nowNs: () => clock.nowNs(),
    touch: (i) => { recorder.touch(i); },
  };
  const lines = run(resolved, { random, clock, planner, recorder, env, topology });
  return { lines, summary: () => recorder.summary(), topology, options: resolved };
}

interface RunParts {
  readonly random: Random;
  readonly clock: VirtualClock;
  readonly planner: SessionPlanner;
  readonly recorder: TruthRecorder;
  readonly env: SessionEnv;
  readonly topology: Topology;
}

function* run(o: ResolvedOptions, parts: RunParts): Generator<GetFlowsResponseJson, void, undefined> {
  const { random, clock, planner, recorder, env, topology } = parts;
  const meanGapNs = 1e9 / o.rate;
  const active: Session[] = [];
  for (let produced = 0; produced < o.flows; produced++) {
    clock.advance(random.exponential(meanGapNs));
    const line: GetFlowsResponseJson = o.lostEvents > 0 && random.chance(o.lostEvents)
      ? lostEventLine(random, clock.text(), random.pick(topology.nodes).name)
      : nextFlowLine(active, o.concurrency, planner, env, random);
    recorder.record(line);
    yield line;
  }
}

/** Bound on consecutive sessions that end without a flow; hitting it means a planner bug. */
const MAX_EMPTY_SESSIONS = 10_000;

function nextFlowLine(
  active: Session[], concurrency: number, planner: SessionPlanner, env: SessionEnv, random: Random,
): GetFlowsResponseJson {
  for (let empty = 0; empty < MAX_EMPTY_SESSIONS; empty++) {
    for (let tries = 0; active.length < concurrency && tries < MAX_EMPTY_SESSIONS; tries++) {
      const session = planner.next(env);
      if (session !== undefined) active.push(session);
    }
    const i = random.int(active.length);
    const session = active[i];
    if (session === undefined) continue;
    const step = session.next();
    if (!step.done) return { flow: step.value, node_name: step.value.node_name, time: step.value.time };
    const last = active.pop();
    if (last !== undefined && i < active.length) active[i] = last;
  }
  throw new Error("flow sessions keep ending without producing flows");
}

/**
 * A lost-events notice as the observer sends it: mostly the Hubble ring buffer overrun by
 * a slow reader, sometimes the per-CPU perf ring (which names the CPU), rarely the
 * observer's event queue.
 */
function lostEventLine(random: Random, time: string, node: string): GetFlowsResponseJson {
  const roll = random.float();
  const count = String(1 + Math.floor(random.exponential(40)));
  const lost: LostEventJson = roll < 0.7
    ? { source: "HUBBLE_RING_BUFFER", num_events_lost: count }
    : roll < 0.95
      ? { source: "PERF_EVENT_RING_BUFFER", num_events_lost: count, cpu: random.int(4) }
      : { source: "OBSERVER_EVENTS_QUEUE", num_events_lost: count };
  return { lost_events: lost, node_name: node, time };
}

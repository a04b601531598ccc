import type { Stamp } from "./flow-builder.js";
import type { FlowJson } from "./jsonpb.js";
import type { Random } from "./prng.js";

/** What a session needs from the run: randomness, the clock, and edge bookkeeping. */
export interface SessionEnv {
  readonly random: Random;
  /** Time and a fresh uuid for the flow being built now. */
  stamp(): Stamp;
  /** Virtual nanoseconds since the run began (for latencies). */
  nowNs(): number;
  /** Records that a connection on intended edge `edgeIndex` has started. */
  touch(edgeIndex: number): void;
}

/** A session yields its flows one at a time; the clock moves between yields. */
export type Session = Generator<FlowJson, void, undefined>;

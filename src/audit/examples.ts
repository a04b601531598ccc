import type { EdgeSample } from "../graph/index.js";

/** One stored example of an edge's traffic, reduced to what a reader needs. */
export interface FlowExample {
  readonly timeMs: number;
  readonly verdict: string;
  readonly sourceIp: string;
  readonly destinationIp: string;
  readonly nodes: readonly string[];
  /** `GET /api/users/7` or `dns example.com.`; `undefined` for L3/L4 examples. */
  readonly l7?: string;
}

/** Stored samples by edge text (`source -> destination TCP/8080`, see `edgeText`). */
export type SampleLookup = ReadonlyMap<string, readonly EdgeSample[]>;

/** At most this many examples per edge, newest first. */
export const MAX_EXAMPLES = 3;

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function l7Text(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Readonly<Record<string, unknown>>; // an object per the check above; fields are narrowed one by one
  if (record.kind === "http") return `${text(record.method)} ${text(record.url) || text(record.path)}`.trim();
  if (record.kind === "dns") return `dns ${text(record.query)}`;
  return undefined;
}

/** Stored samples turned into examples; fields a sample lacks become "" (or none). */
export function examplesOf(samples: readonly EdgeSample[]): readonly FlowExample[] {
  return [...samples]
    .sort((a, b) => b.timeMs - a.timeMs || a.verdict.localeCompare(b.verdict))
    .slice(0, MAX_EXAMPLES)
    .map((s) => {
      const c = s.connection;
      const nodes = Array.isArray(c.nodes) ? c.nodes.filter((n): n is string => typeof n === "string") : [];
      const l7 = l7Text(c.l7);
      return {
        timeMs: s.timeMs, verdict: s.verdict, sourceIp: text(c.sourceIp), destinationIp: text(c.destinationIp), nodes,
        ...(l7 === undefined ? {} : { l7 }),
      };
    });
}

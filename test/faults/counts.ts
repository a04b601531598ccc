/**
 * What a fault scenario compares: a graph's counts read straight from the database, and the
 * difference from a clean run's. One table row per scenario has the shape {@link FaultRow}.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";

/** One line of the fault table. */
export interface FaultRow {
  readonly name: string;
  /** Faults caused (kills, freezes, full disks, hostile inputs). */
  readonly tried: number;
  /** Faults after which the run went on as it must (progress made, input refused and counted). */
  readonly survived: number;
  /** Connections the clean run stored that this one did not. */
  readonly lost: number;
  /** Connections stored beyond the clean run's. */
  readonly countedTwice: number;
  readonly failures: readonly string[];
  /** Why the scenario did not run here (e.g. it needs root). */
  readonly skipped?: string;
}

/**
 * Connections per (edge, kind, verdict, side verdicts) and flow counts per edge, by query.
 * With `integrity`, SQLite's integrity check must pass first.
 */
export function graphCounts(db: string, options: { readonly integrity?: boolean } = {}): Map<string, number> {
  if (!existsSync(db)) return new Map();
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    if (options.integrity === true) {
      const verdict = raw.pragma("integrity_check", { simple: true });
      if (verdict !== "ok") throw new Error(`${db}: integrity check: ${String(verdict)}`);
    }
    const hasGraph = raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'edge_variants'").get() as { n: number }; // the SELECT's column
    if (hasGraph.n === 0) return new Map(); // the schema was never written
    const edge = `s.key || '>' || d.key || ' ' || e.protocol || '/' || e.port`;
    const joins = "JOIN edges e ON e.id = x.edge_id JOIN identities s ON s.id = e.source_id JOIN identities d ON d.id = e.destination_id";
    const buckets = `SELECT ${edge} || ' ' || x.kind || ' ' || x.verdict || ' ' || x.egress || ' ' || x.ingress AS k, sum(x.count) AS n FROM edge_buckets x ${joins} GROUP BY k`;
    const flows = ["forwarded", "l7", "audited", "dropped"].map((c) => `SELECT 'flows ${c} ' || ${edge} AS k, sum(x.${c}) AS n FROM edge_variants x ${joins} GROUP BY k`);
    const rows = raw.prepare([buckets, ...flows].join(" UNION ALL ")).all() as { k: string; n: number }[]; // the SELECT's columns
    return new Map(rows.map((r) => [r.k, r.n]));
  } finally {
    raw.close();
  }
}

/** What {@link compareCounts} finds. */
export interface CountDiff {
  /** Connections stored in `got`. */
  readonly connections: number;
  readonly lost: number;
  readonly countedTwice: number;
  /** Edges whose flow counts (forwarded, L7, audited, dropped) differ. */
  readonly flowCountsDiffering: number;
}

/** How a graph differs from the clean one, count by count. */
export function compareCounts(clean: ReadonlyMap<string, number>, got: ReadonlyMap<string, number>): CountDiff {
  let lost = 0;
  let countedTwice = 0;
  let connections = 0;
  let flowCountsDiffering = 0;
  for (const key of new Set([...clean.keys(), ...got.keys()])) {
    if (key.startsWith("flows ")) {
      if ((clean.get(key) ?? 0) !== (got.get(key) ?? 0)) flowCountsDiffering++;
      continue;
    }
    const want = clean.get(key) ?? 0;
    const have = got.get(key) ?? 0;
    connections += have;
    if (have < want) lost += want - have;
    else countedTwice += have - want;
  }
  return { connections, lost, countedTwice, flowCountsDiffering };
}

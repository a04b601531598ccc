import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * One measured figure of a benchmark. `target` is the goal as text (e.g. "≥ 0.80"), "" when
 * there is none; `ok` says whether the target was met, null when there is no target.
 */
export interface SummaryRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly ok: boolean | null;
}

/** What a benchmark writes with `--summary-json FILE`, for `npm run bench` to tabulate. */
export interface BenchSummary {
  readonly bench: string;
  readonly rows: readonly SummaryRow[];
}

/** A row without a target. */
export function infoRow(metric: string, value: number, unit: string): SummaryRow {
  return { metric, value, unit, target: "", ok: null };
}

/** A row whose target is a lower bound (met when `value ≥ min`; a NaN value misses it). */
export function atLeastRow(metric: string, value: number, unit: string, min: number, minText = String(min)): SummaryRow {
  return { metric, value, unit, target: `≥ ${minText}`, ok: value >= min };
}

/** A row whose target is an upper bound (met when `value ≤ max`; a NaN value misses it). */
export function atMostRow(metric: string, value: number, unit: string, max: number, maxText = String(max)): SummaryRow {
  return { metric, value, unit, target: max === 0 ? "0" : `≤ ${maxText}`, ok: value <= max };
}

/** Writes `summary` to `file` as JSON; does nothing when `file` is undefined (no --summary-json). */
export function writeSummary(file: string | undefined, summary: BenchSummary): void {
  if (file === undefined) return;
  // JSON has no NaN: a figure that could not be measured is written as null and read back as NaN.
  writeFileSync(file, `${JSON.stringify(summary, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v))}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toRow(value: unknown): SummaryRow | undefined {
  if (!isRecord(value)) return undefined;
  const { metric, unit, target, ok } = value;
  const number = value.value === null ? Number.NaN : value.value;
  if (typeof metric !== "string" || typeof unit !== "string" || typeof number !== "number") return undefined;
  return {
    metric, value: number, unit,
    target: typeof target === "string" ? target : "",
    ok: typeof ok === "boolean" ? ok : null,
  };
}

/** A summary file's contents: the summary, `missing` (never written) or the reason it is unusable. */
export type SummaryRead = { readonly kind: "ok"; readonly summary: BenchSummary } | { readonly kind: "missing" } | { readonly kind: "invalid"; readonly reason: string };

/** Reads a summary written by {@link writeSummary}, checking its shape. */
export function readSummary(file: string): SummaryRead {
  if (!existsSync(file)) return { kind: "missing" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return { kind: "invalid", reason: err instanceof Error ? err.message : String(err) };
  }
  if (!isRecord(parsed) || typeof parsed.bench !== "string" || !Array.isArray(parsed.rows)) {
    return { kind: "invalid", reason: "expected {bench, rows}" };
  }
  const rows: SummaryRow[] = [];
  for (const [i, raw] of (parsed.rows as unknown[]).entries()) {
    const row = toRow(raw);
    if (!row) return { kind: "invalid", reason: `rows[${i}] is not {metric, value, unit, target, ok}` };
    rows.push(row);
  }
  return { kind: "ok", summary: { bench: parsed.bench, rows } };
}

/**
 * The messages between the daemon's main thread and its analysis thread: plain data
 * (structured clone), no class instances, no functions.
 */
import type { AnalysisRequest, PolicyOrigin } from "../api/index.js";
import type { NamespaceAuditSummary } from "../metrics/index.js";
import { isSemanticsName } from "../policy/index.js";
import type { ParsedPolicies, SemanticsName } from "../policy/index.js";

/** What the analysis thread is started with (its `workerData`). */
export interface AnalysisThreadConfig {
  /** Marks the data as an analysis thread's: the module starts only in a worker given this. */
  readonly kind: "analysis-thread";
  /** The graph database file, opened (and migrated) by the main thread; the analysis reads it only. */
  readonly db: string;
  /** The default window's start as a duration (`7d`): the periodic audit's window. */
  readonly defaultSince: string;
  readonly semantics: SemanticsName;
}

/** The main thread's policy model as parsed: the analysis thread compiles its own from it. */
export interface PolicyTransfer {
  readonly origin: PolicyOrigin;
  readonly parsed: ParsedPolicies;
  readonly loadedAtMs: number;
  readonly sourceProblems: number;
}

/** Messages to the analysis thread. */
export type ToAnalysis =
  /**
   * Start generation `generation`: with `policies` when the model changed since the last
   * refresh (null: none is loaded), omitted when it is the same.
   */
  | { readonly type: "refresh"; readonly generation: number; readonly policies?: PolicyTransfer | null }
  | { readonly type: "request"; readonly id: number; readonly request: AnalysisRequest };

/** A generation is ready: its audit is done and the default answers are computed. */
export interface GenerationReady {
  readonly type: "generation";
  readonly generation: number;
  /** The time its answers are computed as of. */
  readonly atMs: number;
  /** The cluster-wide audit of the default window; undefined while no policy model is loaded. */
  readonly audit: {
    readonly seconds: number;
    readonly findings: Readonly<Record<string, number>>;
    readonly edges: number;
    readonly namespaces: readonly NamespaceAuditSummary[];
  } | undefined;
  /** Seconds spent computing the default recommendations ahead of requests. */
  readonly precomputeSeconds: number;
  /** Why the audit or a default answer could not be computed; the generation stands without it. */
  readonly problems: readonly string[];
}

/** An error answer: an HttpError's public parts, or (internal) a message for the log. */
export interface AnswerError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly parameter?: string;
  /** Not an HttpError: the client gets a bare 500, the message goes to the log. */
  readonly internal: boolean;
  readonly stack?: string;
}

/** Messages from the analysis thread. */
export type FromAnalysis =
  | GenerationReady
  | { readonly type: "answer"; readonly id: number; readonly generation: number; readonly body: { readonly type: string; readonly body: string | Uint8Array; readonly attachment?: string } }
  | { readonly type: "error"; readonly id: number; readonly error: AnswerError }
  /** The thread cannot run (the database cannot be opened): it ends after this. */
  | { readonly type: "failed"; readonly message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Whether a worker's data is an analysis thread's configuration. */
export function isAnalysisThreadConfig(value: unknown): value is AnalysisThreadConfig {
  return isRecord(value) && value.kind === "analysis-thread" && typeof value.db === "string" && typeof value.defaultSince === "string"
    && typeof value.semantics === "string" && isSemanticsName(value.semantics);
}

/** Narrows a message received from the analysis thread; undefined for anything else. */
export function fromAnalysis(value: unknown): FromAnalysis | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "generation":
      return typeof value.generation === "number" && typeof value.atMs === "number" && Array.isArray(value.problems) ? (value as unknown as GenerationReady) : undefined; // checked: ours
    case "answer":
      return typeof value.id === "number" && typeof value.generation === "number" && isRecord(value.body) ? (value as unknown as FromAnalysis) : undefined; // checked: ours
    case "error":
      return typeof value.id === "number" && isRecord(value.error) ? (value as unknown as FromAnalysis) : undefined; // checked: ours
    case "failed":
      return typeof value.message === "string" ? { type: "failed", message: value.message } : undefined;
    default:
      return undefined;
  }
}

/** Narrows a message received by the analysis thread; undefined for anything else. */
export function toAnalysis(value: unknown): ToAnalysis | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === "refresh" && typeof value.generation === "number") return value as unknown as ToAnalysis; // checked: ours
  if (value.type === "request" && typeof value.id === "number" && isRecord(value.request)) return value as unknown as ToAnalysis; // checked: ours
  return undefined;
}

import type { GraphStore } from "../graph/index.js";
import type { Analysis } from "./analysis.js";
import { answerAnalysisRequest } from "./analysis-answers.js";
import type { CachedBody } from "./response-cache.js";

/** The API endpoints whose answers the analysis computes. */
export type AnalysisEndpoint = "graph" | "findings" | "namespaces" | "recommendations" | "recommendations-download" | "whatif" | "explain" | "policies-diff" | "test";

/** A request's query parameters as express parses them (`query parser: simple`): plain data. */
export type RequestQuery = Readonly<Record<string, unknown>>;

/** One API request for the analysis: plain data, so it can cross to another thread. */
export interface AnalysisRequest {
  readonly endpoint: AnalysisEndpoint;
  readonly query: RequestQuery;
  /** What-if: the proposed policies as sent; policies diff: the JSON body with both sets; test: the matrix. */
  readonly body?: { readonly text: string; readonly format: "yaml" | "json" };
}

/** An answer with the generation it belongs to (the response cache keeps it only while that generation is current). */
export interface AnalysisAnswer {
  readonly generation: number;
  readonly body: CachedBody;
}

/**
 * What the API asks the analysis: answers to requests, and the generation they are current
 * for. In `serve` this is the analysis thread; {@link LocalAnalysisService} answers in the
 * calling thread. Failures reject with an HttpError for the client, or any other error for a
 * logged 500.
 */
export interface AnalysisService {
  /** The generation whose answers are current; it changes when a new audit generation is ready. */
  readonly generation: number;
  respond(request: AnalysisRequest): Promise<AnalysisAnswer>;
}

/** Answers in the calling thread from an {@link Analysis} and its store (tests, embedding). */
export class LocalAnalysisService implements AnalysisService {
  constructor(private readonly analysis: Analysis, private readonly store: GraphStore) {}

  get generation(): number {
    return this.analysis.generation;
  }

  async respond(request: AnalysisRequest): Promise<AnalysisAnswer> {
    const generation = this.analysis.generation;
    return { generation, body: await answerAnalysisRequest(this.analysis, this.store, request) };
  }
}

import type { Request } from "express";
import type { AnalysisRequest } from "../analysis-service.js";
import { HttpError } from "../http-error.js";

/**
 * A POST body as the analysis takes it, checked where the request arrives: one of `types`
 * (415 otherwise, a missing Content-Type too) and text that is not empty (400, saying what
 * the body must hold: `empty`). `format` names how the text is read.
 */
export function textBody(req: Request, types: readonly string[], empty: string, format: (req: Request) => "yaml" | "json"): NonNullable<AnalysisRequest["body"]> {
  if (req.is([...types]) === false || req.get("content-type") === undefined) {
    throw new HttpError(415, "unsupported-media-type", `the request body's Content-Type must be ${types.join(", ")}; got ${req.get("content-type") ?? "none"}`);
  }
  const body: unknown = req.body;
  if (typeof body !== "string" || body.trim() === "") throw new HttpError(400, "empty-body", empty);
  return { text: body, format: format(req) };
}

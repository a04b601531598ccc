import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { bodyError } from "./body-errors.js";
import { HttpError, errorBody } from "./http-error.js";

/**
 * The one place errors become responses: an {@link HttpError} becomes its JSON body; a body
 * parser failure becomes the matching 4xx; anything else is logged with its stack and answered
 * with a bare 500 that reveals nothing about the internals.
 */
export function errorHandler(logger: Logger, bodyLimitBytes: number): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof HttpError ? err : bodyError(err, req, bodyLimitBytes);
    if (known !== undefined) {
      if (known.status >= 500) logger.warn({ err, method: req.method, path: req.path }, "request failed");
      res.status(known.status).json(errorBody(known));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, "request failed with an internal error");
    res.status(500).json(errorBody(new HttpError(500, "internal", "internal error; the daemon's log has the details")));
  };
}

/** The answer for paths that no route serves. */
export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, "not-found", `no such endpoint: ${req.method} ${req.path}; the API is described at /api/v1/openapi.json`));
}

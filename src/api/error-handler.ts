import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { HttpError, errorBody } from "./http-error.js";

/** Errors body-parser raises carry a status and a type; their messages are safe to show. */
interface ParserError {
  readonly status: number;
  readonly type: string;
}

function isParserError(err: unknown): err is ParserError {
  return typeof err === "object" && err !== null && "status" in err && "type" in err && typeof err.status === "number" && typeof err.type === "string";
}

/** Maps body-parser failures (too large, wrong charset, unreadable) to public errors. */
function fromParser(err: ParserError, limitBytes: number): HttpError | undefined {
  switch (err.type) {
    case "entity.too.large":
      return new HttpError(413, "body-too-large", `the request body is larger than the limit of ${limitBytes} bytes`);
    case "charset.unsupported":
    case "encoding.unsupported":
      return new HttpError(415, "unsupported-encoding", "the request body must be UTF-8 text, uncompressed or gzip");
    case "request.aborted":
      return new HttpError(400, "request-aborted", "the request body was not received completely");
    default:
      return err.status >= 400 && err.status < 500 ? new HttpError(err.status, "bad-request", "the request body could not be read") : undefined;
  }
}

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
    const known = err instanceof HttpError ? err : isParserError(err) ? fromParser(err, bodyLimitBytes) : undefined;
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

import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { HttpError } from "./http-error.js";

/**
 * Requires `Authorization: Bearer <token>` on every request it guards. Tokens are compared
 * as SHA-256 digests with a constant-time comparison, so neither the length nor a prefix of
 * the configured token leaks through timing.
 */
export function bearerAuth(token: string): RequestHandler {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res.set("WWW-Authenticate", 'Bearer realm="hubble-auditor"');
    next(new HttpError(401, "unauthorized", header === "" ? "a bearer token is required (Authorization: Bearer <token>)" : "the bearer token is not valid"));
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

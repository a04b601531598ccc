import * as zlib from "node:zlib";
import type { Request } from "express";
import { HttpError } from "./http-error.js";

/**
 * The Content-Encodings a request body may have: what express's body parser decompresses
 * (zstd only where node:zlib has it). Anything else is a 415.
 */
export const BODY_ENCODINGS: readonly string[] = ["identity", "gzip", "deflate", "br", ...("createZstdDecompress" in zlib ? ["zstd"] : [])];

/** An error express's body parser (body-parser, via http-errors) raised: a status, and usually a type. */
interface ParserError {
  readonly status: number;
  readonly type?: unknown;
  readonly charset?: unknown;
  readonly encoding?: unknown;
  readonly message: string;
}

/**
 * Whether `err` came from the body parser. http-errors marks what it creates with `expose`;
 * a decompression failure is zlib's own error, to which it only adds the status and `expose`.
 */
function isParserError(err: unknown): err is ParserError {
  return err instanceof Error && "status" in err && typeof err.status === "number" && "expose" in err && typeof err.expose === "boolean";
}

/** The request's Content-Encoding as the body parser reads it (lowercase, `identity` when absent). */
function contentEncoding(req: Request): string {
  return (req.get("content-encoding") ?? "identity").toLowerCase();
}

/**
 * Maps a body parser failure (too large, unknown charset or Content-Encoding, undecodable
 * compressed data, cut short) to the public error that names what is wrong with the body;
 * undefined when `err` is not one (it then stays an internal error).
 */
export function bodyError(err: unknown, req: Request, limitBytes: number): HttpError | undefined {
  if (!isParserError(err)) return undefined;
  const encodings = BODY_ENCODINGS.filter((e) => e !== "identity").join(", ");
  switch (err.type) {
    case "entity.too.large":
      return new HttpError(413, "body-too-large", `the request body is larger than the limit of ${limitBytes} bytes (after decompression)`);
    case "charset.unsupported":
      return new HttpError(415, "unsupported-charset", `the request body's charset ${JSON.stringify(typeof err.charset === "string" ? err.charset : "")} (Content-Type) cannot be decoded; send UTF-8`);
    case "encoding.unsupported":
      return new HttpError(415, "unsupported-encoding", `the request body's Content-Encoding ${JSON.stringify(contentEncoding(req))} is not supported; send it uncompressed or as ${encodings}`);
    case "request.aborted":
      return new HttpError(400, "request-aborted", "the request body was not received completely");
    case "request.size.invalid":
      return new HttpError(400, "bad-body-length", "the request body's length does not match its Content-Length");
    default:
      break;
  }
  // Every error the parser raises itself has a type; an untyped 400 on a compressed body is the
  // decompression stream's (zlib's "incorrect header check", "unexpected end of file", brotli's…).
  if (err.status === 400 && err.type === undefined && contentEncoding(req) !== "identity") {
    const encoding = contentEncoding(req);
    return new HttpError(400, "bad-body-encoding", `the request body is not valid ${encoding} data (Content-Encoding: ${encoding}): ${err.message}`);
  }
  const fromParser = typeof err.type === "string";
  return fromParser && err.status >= 400 && err.status < 500 ? new HttpError(err.status, "bad-request", "the request body could not be read") : undefined;
}

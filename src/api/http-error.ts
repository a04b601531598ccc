/**
 * An error an API handler throws on purpose: its status and message are public and go to
 * the client as JSON (see error-handler.ts). Anything else thrown becomes a logged 500 that
 * reveals nothing.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request parameter at fault, when one is. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** A 400 naming the parameter and what is wrong with it. */
export function badParameter(parameter: string, message: string): HttpError {
  return new HttpError(400, "bad-parameter", `${parameter}: ${message}`, parameter);
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly status: number;
    readonly code: string;
    readonly message: string;
    readonly parameter?: string;
  };
}

/** The body for an {@link HttpError}. */
export function errorBody(err: HttpError): ErrorBody {
  return { error: { status: err.status, code: err.code, message: err.message, ...(err.parameter === undefined ? {} : { parameter: err.parameter }) } };
}

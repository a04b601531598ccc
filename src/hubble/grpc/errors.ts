/**
 * Why a connection to a Hubble server failed:
 * - `address`: the address text cannot be used (syntax, unknown scheme, bad port);
 * - `tls-file`: a CA, certificate or key file could not be read (the message names it);
 * - `tls`: the TLS handshake failed, e.g. a certificate that does not verify;
 * - `unavailable`: nothing answered, or the connection dropped;
 * - `rejected`: the server answered with a gRPC error status (e.g. InvalidArgument).
 */
export type HubbleConnectionProblem = "address" | "tls-file" | "tls" | "unavailable" | "rejected";

/**
 * A Hubble server (Relay or a node's socket) could not be reached or refused the request.
 * `address` is the address as the user gave it; the underlying error is `cause`.
 */
export class HubbleConnectionError extends Error {
  override readonly name = "HubbleConnectionError";
  readonly address: string;
  readonly problem: HubbleConnectionProblem;
  /** The gRPC status code when the failure came from a call; undefined otherwise. */
  readonly grpcCode: number | undefined;

  constructor(
    address: string,
    problem: HubbleConnectionProblem,
    message: string,
    options: { cause?: unknown; grpcCode?: number } = {},
  ) {
    super(`${address}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.address = address;
    this.problem = problem;
    this.grpcCode = options.grpcCode;
  }
}

/** The shape of the errors grpc-js emits for a failed call. */
interface GrpcStatusError {
  readonly code: number;
  readonly details: string;
}

function isGrpcStatusError(err: unknown): err is GrpcStatusError & Error {
  return err instanceof Error && typeof (err as Partial<GrpcStatusError>).code === "number" && typeof (err as Partial<GrpcStatusError>).details === "string"; // grpc-js ServiceError
}

// grpc-js reports handshake failures as UNAVAILABLE with the TLS error text in `details`,
// e.g. "self-signed certificate in certificate chain" or "Hostname/IP does not match
// certificate's altnames".
const TLS_FAILURE = /certificate|altnames|ssl|tls|handshake|alert/i;
const UNAVAILABLE = 14;

// grpc-js wraps connection failures as "No connection established. Last error: <error>.
// Resolution note: <text>"; keep the error itself for a one-line message.
function readable(details: string): string {
  return details.replace(/^No connection established\. Last error: (Error: )?/, "").replace(/\.? Resolution note:.*$/s, "");
}

/** Wraps a failed grpc-js call (or any error) as a {@link HubbleConnectionError}. */
export function connectionErrorFrom(address: string, err: unknown): HubbleConnectionError {
  if (err instanceof HubbleConnectionError) return err;
  if (isGrpcStatusError(err)) {
    const problem = err.code === UNAVAILABLE ? (TLS_FAILURE.test(err.details) ? "tls" : "unavailable") : "rejected";
    return new HubbleConnectionError(address, problem, readable(err.details || err.message), { cause: err, grpcCode: err.code });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new HubbleConnectionError(address, "unavailable", text, { cause: err });
}

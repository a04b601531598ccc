/**
 * The replay server could not start: a TLS file is unreadable or the listen address cannot
 * be bound. `cause` holds the system or gRPC error.
 */
export class ReplayServerError extends Error {
  override readonly name = "ReplayServerError";
}

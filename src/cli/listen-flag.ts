import { parseListenAddress } from "../metrics/index.js";
import { UsageError } from "./usage-error.js";

/** The value of a listen flag (`--listen`, `--metrics-listen`) that turns its endpoint off. */
export const LISTEN_OFF = "off";

/**
 * Checks a listen flag before anything starts: returns the address to listen on, or
 * undefined for `off`. Throws a {@link UsageError} naming the flag for anything else.
 */
export function listenFlagOf(flag: string, value: string): string | undefined {
  if (value.trim().toLowerCase() === LISTEN_OFF) return undefined;
  if (!parseListenAddress(value)) throw new UsageError(`${flag} must be host:port, [v6]:port, :port or off, got "${value}"`);
  return value.trim();
}

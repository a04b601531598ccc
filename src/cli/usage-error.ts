/** A mistake in how a command was invoked (bad option value, missing input): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses a positive integer option or throws a {@link UsageError} naming the option. */
export function parsePositiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got "${value}"`);
  return n;
}

/** Parses a non-negative number option (rates, seconds) or throws a {@link UsageError}. */
export function parseNonNegative(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new UsageError(`${option} must be a non-negative number, got "${value}"`);
  return n;
}

import type { Reader } from "./reader.js";

/**
 * Kubernetes IANA_SVC_NAME: at most 15 characters of [-a-z0-9], at least one letter,
 * no leading, trailing or doubled hyphen (validation.IsValidPortName).
 */
export function isPortName(text: string): boolean {
  return (
    text.length > 0 &&
    text.length <= 15 &&
    /^[a-z0-9-]+$/.test(text) &&
    /[a-z]/.test(text) &&
    !text.startsWith("-") &&
    !text.endsWith("-") &&
    !text.includes("--")
  );
}

/** Whether `n` is an integer in [min, 65535]. */
export function isPortNumber(n: number, min: number): boolean {
  return Number.isInteger(n) && n >= min && n <= 65535;
}

/**
 * Reads a port that may be a number or a named port. `allowNumericString` accepts
 * "80" as 80 (Cilium writes ports as strings); `min` is 1 for Kubernetes, 0 for Cilium
 * ("0" means every port). Returns `null` when invalid (reported), `undefined` when absent.
 */
export function readPort(
  reader: Reader,
  value: unknown,
  path: string,
  options: { readonly allowNumericString: boolean; readonly min: number },
): number | string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") {
    if (!isPortNumber(value, options.min)) {
      reader.report(path, `port ${value} is out of range ${options.min}-65535`);
      return null;
    }
    return value;
  }
  if (typeof value === "string") {
    if (options.allowNumericString && /^\d+$/.test(value)) return readPort(reader, Number(value), path, options);
    if (!isPortName(value)) {
      reader.report(path, `"${value}" is neither a port number nor a valid port name`);
      return null;
    }
    return value;
  }
  reader.report(path, "must be a port number or name");
  return null;
}

/** Reads and checks `endPort` against `port` (needs a numeric port; endPort >= port). */
export function readEndPort(
  reader: Reader,
  value: unknown,
  port: number | string | undefined,
  path: string,
  allowNumericString: boolean,
): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && allowNumericString && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !isPortNumber(n, 1)) {
    reader.report(path, "endPort must be a port number 1-65535");
    return null;
  }
  if (typeof port !== "number") {
    reader.report(path, "endPort needs a numeric port");
    return null;
  }
  if (n < port) {
    reader.report(path, `endPort ${n} is less than port ${port}`);
    return null;
  }
  return n;
}

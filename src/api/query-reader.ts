import { badParameter } from "./http-error.js";

/** A Kubernetes namespace name: an RFC 1123 label (lowercase alphanumerics and '-', at most 63). */
const NAMESPACE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Longest value any parameter may have; longer ones are rejected before parsing. */
const MAX_VALUE_LENGTH = 512;

/**
 * Reads a request's query parameters against the names a route documents: an unknown name,
 * a repeated parameter or an over-long value is a 400 naming it, so a typo (`namepsace=`)
 * is reported instead of being silently ignored. Every reader method throws a 400 naming
 * the parameter for a bad value.
 */
export class QueryReader {
  private readonly values = new Map<string, string>();

  constructor(query: unknown, allowed: readonly string[]) {
    if (typeof query !== "object" || query === null) return;
    for (const [name, value] of Object.entries(query)) {
      if (!allowed.includes(name)) {
        throw badParameter(name, allowed.length === 0 ? "this endpoint takes no query parameters" : `unknown parameter; this endpoint takes ${allowed.join(", ")}`);
      }
      if (typeof value !== "string") throw badParameter(name, "given more than once");
      if (value.length > MAX_VALUE_LENGTH) throw badParameter(name, `longer than ${MAX_VALUE_LENGTH} characters`);
      this.values.set(name, value);
    }
  }

  /** The raw value; undefined when absent or empty. */
  string(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === "" ? undefined : v;
  }

  /**
   * A value that may be left out but, when given, not empty: undefined when absent, a 400
   * for `since=` (an empty value would otherwise silently stand for the default, as when a
   * client fills in an unset variable).
   */
  given(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === "") throw badParameter(name, "is empty; give a value or leave the parameter out");
    return v;
  }

  /** A value that must be given. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw badParameter(name, "is required");
    return v;
  }

  /** One of `choices`; `fallback` when absent. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined;
  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const found = choices.find((c) => c === v);
    if (found === undefined) throw badParameter(name, `must be one of ${choices.join(", ")}, got "${v}"`);
    return found;
  }

  /** A comma-separated list of choices (each at most once); undefined when absent. */
  choices<T extends string>(name: string, choices: readonly T[]): readonly T[] | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const out: T[] = [];
    for (const part of v.split(",")) {
      const found = choices.find((c) => c === part.trim());
      if (found === undefined) throw badParameter(name, `each value must be one of ${choices.join(", ")}, got "${part}"`);
      if (!out.includes(found)) out.push(found);
    }
    return out;
  }

  /** A namespace name; undefined when absent. */
  namespace(name: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!NAMESPACE.test(v)) throw badParameter(name, `must be a namespace name (lowercase letters, digits and '-', at most 63), got "${v}"`);
    return v;
  }

  /**
   * An integer in [min, max] (safe integers); `fallback` when absent. Every value in the range
   * is accepted whatever its number of digits, and the one message states the range checked.
   */
  integer(name: string, bounds: { readonly min: number; readonly max: number; readonly fallback: number }): number {
    const v = this.string(name);
    if (v === undefined) return bounds.fallback;
    const wanted = `must be an integer from ${bounds.min} to ${bounds.max}`;
    // Length is bounded by MAX_VALUE_LENGTH, so BigInt compares any digit string exactly.
    if (!/^-?\d+$/.test(v)) throw badParameter(name, `${wanted}, got "${v}"`);
    const n = BigInt(v);
    if (n < BigInt(bounds.min) || n > BigInt(bounds.max)) throw badParameter(name, `${wanted}, got ${v}`);
    return Number(n);
  }

  /** `true` or `false` (also `1`/`0`); `fallback` when absent. */
  boolean(name: string, fallback: boolean): boolean {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    throw badParameter(name, `must be true or false, got "${v}"`);
  }
}

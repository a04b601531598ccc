import type { PolicyProblem } from "../problem.js";
import type { SourceOrigin } from "../source-document.js";

/** A JSON object seen through `unknown`. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a value is a plain (non-array) object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own property lookup that never reaches the prototype chain. */
export function get(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Joins a field path: `join("spec", "ingress")`, `join("x", 2)` → `x[2]`. */
export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** Who problems are about, filled in as soon as the object's identity is known. */
export interface Subject {
  readonly origin: SourceOrigin;
  kind?: string;
  namespace?: string;
  name?: string;
}

/**
 * Collects problems for one object. Readers report and return `undefined` on a bad
 * value so that callers can skip just that piece.
 */
export class Reader {
  readonly problems: PolicyProblem[] = [];

  constructor(
    readonly subject: Subject,
    private readonly prefix: string,
  ) {}

  /** Records a problem at `path` (relative to the object). */
  report(path: string, message: string): void {
    const p = this.prefix === "" ? path : path === "" ? this.prefix : `${this.prefix}.${path}`;
    const { origin, kind, namespace, name } = this.subject;
    this.problems.push({
      origin,
      ...(kind === undefined ? {} : { kind }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(name === undefined ? {} : { name }),
      path: p,
      message,
    });
  }

  /**
   * Says what the model does about the problems reported since `since` (a previous
   * `problems.length`), unless they already say it.
   */
  setEffectSince(since: number, effect: string): void {
    for (let i = since; i < this.problems.length; i++) {
      const p = this.problems[i];
      if (p !== undefined && p.effect === undefined) this.problems[i] = { ...p, effect };
    }
  }

  /** An optional object field; reports when present but not an object. */
  object(obj: JsonObject, key: string, path: string): JsonObject | undefined {
    const v = get(obj, key);
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) {
      this.report(join(path, key), "must be an object");
      return undefined;
    }
    return v;
  }

  /** An optional list field; `null` counts as absent, as in Kubernetes JSON. */
  list(obj: JsonObject, key: string, path: string): readonly unknown[] | undefined {
    const v = get(obj, key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.report(join(path, key), "must be a list");
      return undefined;
    }
    return v as readonly unknown[]; // Array.isArray narrows to any[]; the items stay unknown
  }

  /** An optional string field. */
  string(obj: JsonObject, key: string, path: string): string | undefined {
    const v = get(obj, key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.report(join(path, key), "must be a string");
      return undefined;
    }
    return v;
  }

  /** An optional boolean field. */
  boolean(obj: JsonObject, key: string, path: string): boolean | undefined {
    const v = get(obj, key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") {
      this.report(join(path, key), "must be true or false");
      return undefined;
    }
    return v;
  }

  /** A map of string to string (labels, matchLabels). */
  stringMap(obj: JsonObject, key: string, path: string): (readonly [string, string])[] | undefined {
    const m = this.object(obj, key, path);
    if (m === undefined) return undefined;
    const out: [string, string][] = [];
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== "string") {
        this.report(join(join(path, key), k), "label value must be a string");
        continue;
      }
      out.push([k, v]);
    }
    return out;
  }
}

import type { FqdnSelectorSpec } from "../spec/cilium-policy.js";
import { isObject, join, type Reader } from "./reader.js";

const NAME = /^[a-z0-9_.-]+$/;
const PATTERN = /^[a-z0-9_.*-]+$/;

/**
 * Parses a toFQDNs / DNS-rule selector: exactly one of matchName or matchPattern, made
 * of DNS characters (matchPattern adds `*`). Names are compared lower-case without the
 * trailing dot, as Cilium normalises them.
 */
export function parseFqdnSelector(reader: Reader, value: unknown, path: string): FqdnSelectorSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const name = reader.string(value, "matchName", path);
  const pattern = reader.string(value, "matchPattern", path);
  if ((name === undefined) === (pattern === undefined)) {
    reader.report(path, "set exactly one of matchName or matchPattern");
    return undefined;
  }
  const normalise = (s: string): string => s.toLowerCase().replace(/\.$/, "");
  if (name !== undefined) {
    const n = normalise(name);
    if (!NAME.test(n) || n.length > 255) {
      reader.report(join(path, "matchName"), `"${name}" is not a valid DNS name`);
      return undefined;
    }
    return { path, matchName: n, matchPattern: undefined };
  }
  const p = normalise(pattern ?? "");
  if (!PATTERN.test(p) || p.length > 255) {
    reader.report(join(path, "matchPattern"), `"${pattern ?? ""}" is not a valid DNS pattern`);
    return undefined;
  }
  return { path, matchName: undefined, matchPattern: p };
}

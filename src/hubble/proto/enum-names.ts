import { enumType } from "./proto-root.js";

/**
 * Maps enum numbers to value names for one proto enum. Numbers this build does not know
 * (a newer Cilium) come back as their decimal string, which is what protojson prints.
 */
export interface EnumNames {
  readonly name: (value: number) => string;
  readonly has: (name: string) => boolean;
}

const cache = new Map<string, EnumNames>();

/** Name lookup for the enum with the given full name, e.g. `flow.Verdict`. */
export function enumNames(fullName: string): EnumNames {
  const cached = cache.get(fullName);
  if (cached) return cached;
  const values = enumType(fullName).values;
  const byNumber = new Map<number, string>();
  for (const [name, number] of Object.entries(values)) {
    if (!byNumber.has(number)) byNumber.set(number, name);
  }
  const names: EnumNames = {
    name: (value) => byNumber.get(value) ?? String(value),
    has: (name) => name in values,
  };
  cache.set(fullName, names);
  return names;
}

import protobuf from "protobufjs";

/** A JSON value that does not fit its proto field: the JSON path and what is wrong. */
export interface JsonFieldProblem {
  readonly path: string;
  readonly message: string;
}

const INT32 = { min: -2_147_483_648, max: 2_147_483_647 } as const;
const UINT32 = { min: 0, max: 4_294_967_295 } as const;

type Scalar = "int32" | "uint32" | "int64" | "uint64" | "double" | "bool" | "string";

// protobufjs' scalar type names, grouped by the JSON they accept.
const SCALARS: Readonly<Record<string, Scalar>> = {
  int32: "int32", sint32: "int32", sfixed32: "int32",
  uint32: "uint32", fixed32: "uint32",
  int64: "int64", sint64: "int64", sfixed64: "int64",
  uint64: "uint64", fixed64: "uint64",
  double: "double", float: "double",
  bool: "bool",
  string: "string", bytes: "string",
};

function shown(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined; // undefined only for values JSON cannot hold, which JSON.parse never yields
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function integerProblem(value: unknown, range: { readonly min: number; readonly max: number }, name: string): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= range.min && value <= range.max) return undefined;
  return `expected an integer from ${range.min} to ${range.max} (${name}), found ${shown(value)}`;
}

// 64-bit integers: protojson prints them as decimal strings and reads numbers too. Only
// safe integers (below 2^53) are taken: every 64-bit field Hubble sends (times, counts,
// latencies, revisions) fits, and a larger one could not be counted exactly.
function longProblem(value: unknown, signed: boolean): string | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && (signed || n >= 0)) return undefined;
  return `expected ${signed ? "a" : "a non-negative"} safe integer (at most 2^53 - 1 in size) as a number or decimal string, found ${shown(value)}`;
}

function scalarProblem(kind: Scalar, value: unknown): string | undefined {
  switch (kind) {
    case "int32":
      return integerProblem(value, INT32, "int32");
    case "uint32":
      return integerProblem(value, UINT32, "uint32");
    case "int64":
      return longProblem(value, true);
    case "uint64":
      return longProblem(value, false);
    case "double":
      return typeof value === "number" || value === "NaN" || value === "Infinity" || value === "-Infinity" ? undefined : `expected a number, found ${shown(value)}`;
    case "bool":
      return typeof value === "boolean" ? undefined : `expected a boolean, found ${shown(value)}`;
    case "string":
      return typeof value === "string" ? undefined : `expected a string, found ${shown(value)}`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueProblem(field: protobuf.Field, value: unknown, path: string): JsonFieldProblem | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (!isObject(value)) return { path, message: `expected an object, found ${shown(value)}` };
    return jsonFieldsProblem(resolved, value, path);
  }
  if (resolved instanceof protobuf.Enum) {
    // An enum is its name, or its number (a newer Cilium's values we have no name for).
    if (typeof value === "string") return undefined;
    const bad = integerProblem(value, INT32, "enum number");
    return bad === undefined ? undefined : { path, message: `expected an enum name or number: ${bad}` };
  }
  const kind = SCALARS[field.type];
  if (kind === undefined) return undefined;
  const bad = scalarProblem(kind, value);
  return bad === undefined ? undefined : { path, message: bad };
}

/**
 * The first JSON value in `value` that does not fit the field of `type` it sits in, or
 * undefined. protobufjs' fromObject converts instead of checking: it wraps integers
 * (99999999999 becomes 1215752191 in a uint32, -1 becomes 4294967295), truncates 1.5 to 1,
 * reads "80" as 80 and "x" as 0, and turns any value into a string or boolean. Those
 * values are refused here, with their JSON path (`$.flow.l4.TCP.destination_port`):
 * integers must be JSON numbers in their field's range (64-bit ones may be decimal
 * strings, as protojson prints them), and every other field must have its JSON type.
 * Fields the type does not declare and null values (protojson's "unset") are passed over.
 */
export function jsonFieldsProblem(type: protobuf.Type, value: Readonly<Record<string, unknown>>, path: string): JsonFieldProblem | undefined {
  for (const key of Object.keys(value)) {
    const field = type.fields[key];
    const item = value[key];
    if (field === undefined || item === null || item === undefined) continue;
    const at = `${path}.${key}`;
    if (field.map) continue;
    if (field.repeated) {
      if (!Array.isArray(item)) return { path: at, message: `expected an array, found ${shown(item)}` };
      for (const [i, element] of (item as readonly unknown[]).entries()) {
        const bad = valueProblem(field, element, `${at}[${i}]`);
        if (bad !== undefined) return bad;
      }
      continue;
    }
    const bad = valueProblem(field, item, at);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

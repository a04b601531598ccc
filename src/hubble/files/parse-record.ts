/** The result of parsing one line or array element. */
export type ParsedRecord =
  | {
      readonly kind: "object";
      readonly value: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: "malformed-json" | "not-an-object";
      readonly message: string;
    };

/**
 * Parses one candidate record. Only JSON objects are records: every shape Hubble writes
 * (GetFlowsResponse, exporter events, legacy bare Flow) is an object; what is inside is
 * checked later by the decoder.
 */
export function parseRecord(text: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "malformed-json", message };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const found =
      value === null
        ? "null"
        : Array.isArray(value)
          ? "an array"
          : `a ${typeof value}`;
    return {
      kind: "not-an-object",
      message: `expected a JSON object, found ${found}`,
    };
  }
  return { kind: "object", value: value as Record<string, unknown> }; // narrowed above: a non-null, non-array object
}

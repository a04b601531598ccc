import type { CaseHistory } from "./case-result.js";

/** A history result in words, as every output format labels it; `undefined` when there is nothing to say. */
export function historyText(history: CaseHistory | undefined): string | undefined {
  if (history === undefined) return undefined;
  switch (history.kind) {
    case "observed-forwarded":
      return `expected deny but observed forwarded: ${history.passed} connections got through in the window (enforcing would break them)`;
    case "stale":
      return "stale: expected allow but never observed in the window";
    case "observed":
      return `observed: ${history.passed} connections in the window`;
    case "not-observed":
      return "not observed in the window";
    default: {
      const never: never = history.kind;
      throw new Error(`unknown history ${String(never)}`);
    }
  }
}

/** The short form for the table's HISTORY column. */
export function historyLabel(history: CaseHistory | undefined): string {
  if (history === undefined) return "-";
  switch (history.kind) {
    case "observed-forwarded":
      return `OBSERVED FORWARDED (${history.passed})`;
    case "stale":
      return "STALE";
    case "observed":
      return `seen (${history.passed})`;
    case "not-observed":
      return "not seen";
    default: {
      const never: never = history.kind;
      throw new Error(`unknown history ${String(never)}`);
    }
  }
}
